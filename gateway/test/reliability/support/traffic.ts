// Seeded signed order traffic over real HTTP for the crash tests, and the ledger of what the exchange
// acknowledged. A place is acknowledged by a 2xx answer carrying its orderId; a request that got no
// answer (connection reset or refused: the process was killed) has an UNKNOWN outcome and is kept to be
// retried with the same clientOrderId after the restart, where it must resolve to exactly one order.
import { Prng as Rng } from "@perpx/engine/util/prng";
import { type KeyPair, obj, type Reply, RestClient } from "../../embedded/client.js";

export const SYMBOL = "BTCUSDT";
/** BTCUSDT index price the traders quote around (tick 0.1, step 0.001) */
export const CENTER_USDT = 50_000;

export interface Trader {
  userId: number;
  api: RestClient;
}

export interface PlaceRequest {
  trader: Trader;
  body: Record<string, string>;
}

export interface AckedOrder {
  userId: number;
  clientOrderId: string;
  orderId: string;
}

export class Ledger {
  /** by `${userId}/${clientOrderId}` */
  readonly acked = new Map<string, AckedOrder>();
  unknownPlaces: PlaceRequest[] = [];
  unknownCancels: { trader: Trader; orderId: string }[] = [];
  places = 0;
  cancels = 0;
  cancelAcks = 0;
  /** 503 LOG_UNAVAILABLE answers (the journal could not write: nothing acknowledged) */
  unavailable = 0;
  /** 4xx answers (a catalog rejection, e.g. not enough margin or an already closed order) */
  rejected = 0;
  /** 4xx answers by catalog name and request kind, e.g. "cancel UNKNOWN_ORDER" */
  readonly rejectedBy = new Map<string, number>();
  /** unknown-outcome places retried after a restart: the first attempt had been logged / had not */
  resolvedAsDuplicate = 0;
  resolvedAsNew = 0;
  unknownCancelRetries = 0;

  reject(kind: string, r: Reply): void {
    this.rejected++;
    const k = `${kind} ${String(obj(r.body).error)}`;
    this.rejectedBy.set(k, (this.rejectedBy.get(k) ?? 0) + 1);
  }

  /** Records a 2xx answer to a place; fails on a second, different orderId for one clientOrderId. */
  ack(req: PlaceRequest, r: Reply): AckedOrder {
    const b = obj(r.body);
    const coid = req.body.clientOrderId!;
    if (b.clientOrderId !== coid) throw new Error(`ack for ${coid} names ${String(b.clientOrderId)}`);
    const a: AckedOrder = { userId: req.trader.userId, clientOrderId: coid, orderId: String(b.orderId) };
    const key = `${a.userId}/${coid}`;
    const seen = this.acked.get(key);
    if (seen && seen.orderId !== a.orderId)
      throw new Error(`clientOrderId ${coid} acknowledged as ${seen.orderId} and as ${a.orderId}`);
    this.acked.set(key, a);
    return a;
  }
}

/** The request never got an answer (fetch throws on a reset or refused connection). */
async function send(fn: () => Promise<Reply>): Promise<Reply | undefined> {
  try {
    return await fn();
  } catch {
    return undefined;
  }
}

const price = (rng: Rng) => (CENTER_USDT + rng.range(-15, 15)).toFixed(1);

export class OrderFlow {
  private n = 0;
  /** acknowledged orders per trader that may still rest (cancel candidates) */
  private readonly resting = new Map<number, string[]>();

  constructor(
    private readonly rng: Rng,
    private readonly ledger: Ledger,
    private readonly tag: string,
  ) {}

  nextPlace(trader: Trader): PlaceRequest {
    this.n++;
    const rng = this.rng;
    return {
      trader,
      body: {
        symbol: SYMBOL,
        side: rng.chance(0.5) ? "BUY" : "SELL",
        type: "LIMIT",
        // around the centre both ways: many cross (trades), the rest rest (cancel candidates)
        timeInForce: rng.chance(0.8) ? "GTC" : "IOC",
        quantity: (rng.range(1, 10) / 1000).toFixed(3),
        price: price(rng),
        clientOrderId: `${this.tag}-${this.n}`,
      },
    };
  }

  /** Places and records one order; false when the request got no answer (the process is gone). */
  async place(req: PlaceRequest, wait: boolean): Promise<boolean> {
    this.ledger.places++;
    const r = await send(() => req.trader.api.post(`/api/v1/order${wait ? "?wait=true" : ""}`, req.body));
    if (r === undefined || r.status === 504) {
      this.ledger.unknownPlaces.push(req);
      return r !== undefined;
    }
    if (r.status === 200 || r.status === 202) {
      const a = this.ledger.ack(req, r);
      if (req.body.timeInForce === "GTC") {
        const list = this.resting.get(req.trader.userId) ?? [];
        list.push(a.orderId);
        this.resting.set(req.trader.userId, list);
      }
      return true;
    }
    if (r.status >= 400 && r.status < 500) {
      this.ledger.reject("place", r);
      return true;
    }
    if (r.status === 503 && obj(r.body).error === "LOG_UNAVAILABLE") {
      this.ledger.unavailable++;
      return true;
    }
    throw new Error(`place ${req.body.clientOrderId}: unexpected ${r.status} ${JSON.stringify(r.body)}`);
  }

  async cancel(trader: Trader, orderId: string): Promise<boolean> {
    this.ledger.cancels++;
    const r = await send(() => trader.api.del(`/api/v1/order?symbol=${SYMBOL}&orderId=${orderId}`));
    if (r === undefined || r.status === 504) {
      this.ledger.unknownCancels.push({ trader, orderId });
      return r !== undefined;
    }
    if (r.status === 200 || r.status === 202) this.ledger.cancelAcks++;
    else if (r.status >= 400 && r.status < 500) this.ledger.reject("cancel", r);
    else throw new Error(`cancel ${orderId}: unexpected ${r.status} ${JSON.stringify(r.body)}`);
    return true;
  }

  /** One seeded action of a trader: mostly places, some cancels of its resting orders. */
  async step(trader: Trader): Promise<boolean> {
    const list = this.resting.get(trader.userId) ?? [];
    if (list.length > 0 && this.rng.chance(0.3)) {
      const orderId = list.splice(this.rng.int(list.length), 1)[0]!;
      return this.cancel(trader, orderId);
    }
    return this.place(this.nextPlace(trader), this.rng.chance(0.2));
  }

  /**
   * `workers` concurrent loops of steps by random traders until `stop()` is true or a request gets no
   * answer (then that loop ends: the exchange is down).
   */
  async drive(traders: readonly Trader[], workers: number, stop: () => boolean): Promise<void> {
    const loop = async () => {
      while (!stop()) {
        if (!(await this.step(traders[this.rng.int(traders.length)]!))) return;
      }
    };
    await Promise.all(Array.from({ length: workers }, loop));
  }

  /** After a restart: every unknown-outcome request again; each place must now be acknowledged. */
  async retryUnknown(): Promise<void> {
    const places = this.ledger.unknownPlaces;
    const cancels = this.ledger.unknownCancels;
    this.ledger.unknownPlaces = [];
    this.ledger.unknownCancels = [];
    for (const req of places) {
      const r = await req.trader.api.post("/api/v1/order", req.body);
      if (r.status >= 400 && r.status < 500) {
        // refused by the filters now (e.g. margin): then the first attempt was not logged either
        const again = await req.trader.api.get(
          `/api/v1/order?symbol=${SYMBOL}&clientOrderId=${req.body.clientOrderId}`,
        );
        if (again.status === 200)
          throw new Error(`${req.body.clientOrderId} exists but the retry got ${r.status}`);
        this.ledger.rejected++;
        continue;
      }
      if (r.status !== 200 && r.status !== 202)
        throw new Error(`retry of ${req.body.clientOrderId}: ${r.status} ${JSON.stringify(r.body)}`);
      this.ledger.ack(req, r);
      if (obj(r.body).duplicate === true) this.ledger.resolvedAsDuplicate++;
      else this.ledger.resolvedAsNew++;
    }
    for (const c of cancels) {
      this.ledger.unknownCancelRetries++;
      const r = await c.trader.api.del(`/api/v1/order?symbol=${SYMBOL}&orderId=${c.orderId}`);
      if (r.status >= 500) throw new Error(`retry of cancel ${c.orderId}: ${r.status}`);
    }
  }
}

/** Creates `n` users with API keys and a deposit through the admin API; sets the index price. */
export async function setUpTraders(base: string, admin: KeyPair, n: number): Promise<Trader[]> {
  const a = new RestClient(base, admin);
  const must = (r: Reply, what: string) => {
    if (r.status !== 200) throw new Error(`${what}: ${r.status} ${JSON.stringify(r.body)}`);
    return obj(r.body);
  };
  must(await a.post("/api/v1/admin/index-price", { symbol: SYMBOL, price: `${CENTER_USDT}.0` }), "index");
  const out: Trader[] = [];
  for (let i = 0; i < n; i++) {
    const userId = Number(must(await a.post("/api/v1/admin/users?wait=true", {}), "user").userId);
    const k = must(await a.post("/api/v1/admin/api-keys", { userId }), "key");
    must(
      await a.post("/api/v1/admin/deposits?wait=true", {
        userId,
        asset: "USDT",
        amount: "10000000",
        txId: `setup-${userId}`,
      }),
      "deposit",
    );
    out.push({
      userId,
      api: new RestClient(base, { apiKey: String(k.apiKey), apiSecret: String(k.apiSecret) }),
    });
  }
  return out;
}

export { Rng };

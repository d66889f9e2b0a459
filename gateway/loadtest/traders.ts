// The traders: an admin who lists users, keys and deposits and drives the oracle and funding; market
// makers quoting both sides of both books and re-quoting (amend, cancel, cancel-all); takers (MARKET and
// IOC, some `?wait=true`), stop orders, post-only orders, reads. Every decision comes from one seeded
// PRNG, so a seed replays the same intentions (timing, and so the exchange's answers, still vary).
import { Prng } from "@perpx/engine/util/prng";
import { DEFAULT_INSTRUMENTS } from "@perpx/shared/instruments";
import { Market } from "./market.js";
import type { LoadOptions } from "./options.js";
import type { KeyPair, LoadClient, Reply } from "./rest.js";
import type { Recorder } from "./stats.js";
import { type OpenOrder, StreamTape, type TapeCounts } from "./stream-tape.js";
import { WsClient } from "./ws-client.js";

const START: Record<string, { price: number; baseLots: number }> = {
  BTCUSDT: { price: 500_000, baseLots: 5 }, // 50000.0, 0.005 BTC
  ETHUSDT: { price: 300_000, baseLots: 80 }, // 3000.00, 0.080 ETH
};
const MAKER_LEVELS = 8;
/** takers run near this leverage on 500 USDT (plus small top-ups): a 2–4 % jump liquidates them */
const TAKER_LEVERAGE = 75;

interface Trader {
  n: number;
  role: "maker" | "taker";
  userId: number;
  key: KeyPair;
  open: Map<string, OpenOrder>;
  ws: WsClient;
}

export class Traders {
  private readonly rng: Prng;
  private readonly markets: Market[];
  private readonly traders: Trader[] = [];
  private readonly makers: Trader[] = [];
  private readonly takers: Trader[] = [];
  private market: WsClient | undefined;
  private readonly inflight = new Set<Promise<unknown>>();
  private readonly stream: StreamTape;
  private deposits = 0;

  constructor(
    private readonly o: LoadOptions,
    private readonly http: LoadClient,
    private readonly admin: KeyPair,
    private readonly wsUrl: string,
    private readonly rec: Recorder,
  ) {
    this.rng = new Prng(o.seed);
    this.stream = new StreamTape(rec);
    this.markets = o.symbols.map((s) => {
      const inst = DEFAULT_INSTRUMENTS.find((i) => i.symbol === s);
      const start = START[s];
      if (!inst || !start) throw new Error(`no load-test parameters for ${s}`);
      return new Market(inst, start.price, start.baseLots, new Prng(o.seed ^ inst.symbolId));
    });
  }

  /** what the streams and the admin saw */
  get tape(): TapeCounts {
    return this.stream.counts;
  }

  private track<T>(p: Promise<T>): Promise<T> {
    this.inflight.add(p);
    void p.finally(() => this.inflight.delete(p));
    return p;
  }

  private adminCall(method: string, path: string, body?: unknown): Promise<Reply | undefined> {
    return this.track(this.http.call(method, path, this.admin, body));
  }

  private must(r: Reply | undefined, what: string): Record<string, unknown> {
    if (!r || r.status >= 300)
      throw new Error(`${what} failed: ${r ? `${r.status} ${JSON.stringify(r.body)}` : "no answer"}`);
    return r.body as Record<string, unknown>;
  }

  private pick<T>(xs: readonly T[]): T {
    return xs[this.rng.int(xs.length)] as T;
  }

  /** Index prices, users, keys, deposits, leverage, streams, the makers' first quotes. */
  async setup(): Promise<void> {
    for (const m of this.markets) await this.postIndex(m);
    const n = this.o.makers + this.o.takers;
    for (let i = 0; i < n; i++) {
      const role = i < this.o.makers ? "maker" : "taker";
      const u = this.must(
        await this.adminCall("POST", "/api/v1/admin/users", { name: `lt-${role}-${i}` }),
        "create user",
      );
      const userId = Number(u.userId);
      const k = this.must(await this.adminCall("POST", "/api/v1/admin/api-keys", { userId }), "create key");
      const key = { apiKey: String(k.apiKey), apiSecret: String(k.apiSecret) };
      await this.deposit(userId, role === "maker" ? "1000000" : "500");
      const t: Trader = {
        n: i,
        role,
        userId,
        key,
        open: new Map(),
        ws: new WsClient(this.wsUrl, (msg, _w, perf) => this.stream.onUser(t.open, msg, perf)),
      };
      await t.ws.open(["user"], key);
      this.traders.push(t);
      (role === "maker" ? this.makers : this.takers).push(t);
      if (role === "taker")
        for (const m of this.markets)
          this.must(
            await this.track(
              this.http.call("POST", "/api/v1/leverage", key, { symbol: m.symbol, leverage: TAKER_LEVERAGE }),
            ),
            "leverage",
          );
    }
    this.market = new WsClient(this.wsUrl, (msg, wall) => this.stream.onMarket(msg, wall));
    await this.market.open(
      this.markets.flatMap((m) => [`trades:${m.symbol}`, `forceOrder:${m.symbol}`, `markPrice:${m.symbol}`]),
    );
    for (const mk of this.makers)
      for (const m of this.markets)
        for (let lvl = 0; lvl < MAKER_LEVELS; lvl++) await this.quote(mk, m, lvl % 2 === 0 ? "BUY" : "SELL");
  }

  private async deposit(userId: number, amount: string): Promise<void> {
    const txId = `lt-${this.o.seed}-${userId}-${this.deposits++}`;
    this.must(
      await this.adminCall("POST", "/api/v1/admin/deposits", { userId, asset: "USDT", amount, txId }),
      "deposit",
    );
  }

  private async postIndex(m: Market): Promise<void> {
    const r = await this.adminCall("POST", "/api/v1/admin/index-price", {
      symbol: m.symbol,
      price: m.price(m.index),
    });
    if (r && r.status === 200) this.tape.indexUpdates++;
  }

  // --- actions -------------------------------------------------------------------------------------

  private async place(
    t: Trader,
    m: Market,
    body: Record<string, unknown>,
    o: OpenOrder,
    wait = false,
  ): Promise<void> {
    const r = await this.track(
      this.http.call("POST", wait ? "/api/v1/order?wait=true" : "/api/v1/order", t.key, {
        symbol: m.symbol,
        ...body,
      }),
    );
    this.stream.acked(t.open, r, o, performance.now());
  }

  private quote(t: Trader, m: Market, side: "BUY" | "SELL"): Promise<void> {
    const bp = 2 + this.rng.int(MAKER_LEVELS) * 3;
    const price = m.offset(side === "BUY" ? -bp : bp);
    const lots = m.baseLots * (1 + this.rng.int(4));
    return this.place(
      t,
      m,
      { side, type: "LIMIT", quantity: m.qty(lots), price: m.price(price) },
      { symbol: m.symbol, side, price, lots, type: "LIMIT" },
    );
  }

  private ordersOn(t: Trader, m: Market, type: string): [string, OpenOrder][] {
    return [...t.open].filter(([, o]) => o.symbol === m.symbol && o.type === type);
  }

  private async makerAction(): Promise<void> {
    const t = this.pick(this.makers);
    const m = this.pick(this.markets);
    if (this.rng.chance(0.02)) {
      await this.track(this.http.call("DELETE", `/api/v1/orders?symbol=${m.symbol}`, t.key));
      return;
    }
    const mine = this.ordersOn(t, m, "LIMIT");
    if (mine.length < MAKER_LEVELS || (mine.length < MAKER_LEVELS * 2 && this.rng.chance(0.3))) {
      const bids = mine.filter(([, o]) => o.side === "BUY").length;
      return this.quote(t, m, bids <= mine.length - bids ? "BUY" : "SELL");
    }
    const [id, o] = this.pick(mine);
    const far = Math.abs(o.price - m.index) * 10_000 > m.index * 100; // more than 1 % away
    if (far || this.rng.chance(0.4)) {
      t.open.delete(id);
      await this.track(this.http.call("DELETE", `/api/v1/order?symbol=${m.symbol}&orderId=${id}`, t.key));
      return;
    }
    const bp = 2 + this.rng.int(MAKER_LEVELS) * 3;
    const price = m.offset(o.side === "BUY" ? -bp : bp);
    const r = await this.track(
      this.http.call("PUT", "/api/v1/order", t.key, {
        symbol: m.symbol,
        orderId: id,
        price: m.price(price),
        quantity: m.qty(o.lots),
      }),
    );
    if (r?.status === 202 || r?.status === 200) o.price = price;
  }

  private takerAction(): Promise<void> {
    const t = this.pick(this.takers);
    const m = this.pick(this.markets);
    const withTrend = this.rng.chance(0.6);
    const up = m.trendBp > 0 === withTrend;
    const side = up ? "BUY" : "SELL";
    const lots = m.baseLots * (1 + this.rng.int(10));
    const o: OpenOrder = { symbol: m.symbol, side, price: 0, lots, type: "MARKET" };
    if (this.rng.chance(0.5))
      return this.place(t, m, { side, type: "MARKET", quantity: m.qty(lots) }, o, this.rng.chance(0.2));
    const price = m.offset(up ? 30 : -30);
    return this.place(
      t,
      m,
      { side, type: "LIMIT", timeInForce: "IOC", quantity: m.qty(lots), price: m.price(price) },
      { ...o, price, type: "IOC" },
      this.rng.chance(0.2),
    );
  }

  private async stopAction(): Promise<void> {
    const t = this.pick(this.takers);
    const m = this.pick(this.markets);
    const stops = this.ordersOn(t, m, "STOP_MARKET");
    if (stops.length >= 6) {
      const [id] = this.pick(stops);
      t.open.delete(id);
      await this.track(this.http.call("DELETE", `/api/v1/order?symbol=${m.symbol}&orderId=${id}`, t.key));
      return;
    }
    const side = this.rng.chance(0.5) ? "BUY" : "SELL";
    const bp = 100 + this.rng.int(200);
    const stop = m.offset(side === "BUY" ? bp : -bp);
    const lots = m.baseLots * (1 + this.rng.int(3));
    await this.place(
      t,
      m,
      {
        side,
        type: "STOP_MARKET",
        quantity: m.qty(lots),
        stopPrice: m.price(stop),
        workingType: "MARK_PRICE",
      },
      { symbol: m.symbol, side, price: stop, lots, type: "STOP_MARKET" },
    );
  }

  private async postOnlyAction(): Promise<void> {
    const t = this.pick(this.takers);
    const m = this.pick(this.markets);
    const side = this.rng.chance(0.5) ? "BUY" : "SELL";
    const price = m.offset(side === "BUY" ? -5 : 5);
    const lots = m.baseLots;
    if (this.ordersOn(t, m, "LIMIT").length >= 4) {
      await this.track(this.http.call("DELETE", `/api/v1/orders?symbol=${m.symbol}`, t.key));
      for (const [id, o] of t.open) if (o.symbol === m.symbol && o.type === "LIMIT") t.open.delete(id);
      return;
    }
    await this.place(
      t,
      m,
      { side, type: "LIMIT", timeInForce: "GTX", quantity: m.qty(lots), price: m.price(price) },
      { symbol: m.symbol, side, price, lots, type: "LIMIT" },
    );
  }

  private async readAction(): Promise<void> {
    const t = this.pick(this.traders);
    const m = this.pick(this.markets);
    const path = this.pick([
      "/api/v1/account",
      "/api/v1/positions",
      `/api/v1/orders/open?symbol=${m.symbol}`,
      `/api/v1/depth?symbol=${m.symbol}&limit=20`,
    ]);
    await this.track(this.http.call("GET", path, path.startsWith("/api/v1/depth") ? undefined : t.key));
  }

  /** One trader request, chosen by the mix. */
  act(): void {
    const r = this.rng.next();
    const p =
      r < 0.45
        ? this.makerAction()
        : r < 0.72
          ? this.takerAction()
          : r < 0.8
            ? this.stopAction()
            : r < 0.86
              ? this.postOnlyAction()
              : this.readAction();
    void p.catch((e: unknown) => this.rec.onTransportError(e));
  }

  /** The oracle: one index update per symbol (every 250 ms); a jump every ~6 s per symbol. */
  feedIndex(): void {
    for (const m of this.markets) {
      m.step(this.rng.chance(1 / 24));
      this.tape.jumps = this.markets.reduce((s, x) => s + x.jumps, 0);
      void this.postIndex(m);
    }
  }

  /** Admin, once a second: a 100 USDT top-up for a taker; every 10th second a funding payment. */
  adminTick(second: number): void {
    const t = this.pick(this.takers);
    void this.deposit(t.userId, "100").catch(() => undefined);
    if (second % 10 === 9) {
      void this.adminCall("POST", "/api/v1/admin/funding", { fundingTime: Date.now() }).then((r) => {
        if (r?.status === 200) this.tape.fundingCalls++;
      });
    }
  }

  /** Waits for every request in flight. */
  async drain(): Promise<void> {
    while (this.inflight.size > 0) await Promise.allSettled([...this.inflight]);
  }

  async solvency(): Promise<Record<string, unknown>> {
    return this.must(await this.adminCall("GET", "/api/v1/admin/solvency"), "solvency");
  }

  async insuranceFund(): Promise<Record<string, unknown>> {
    return this.must(await this.adminCall("GET", "/api/v1/admin/insurance-fund?limit=1"), "insurance fund");
  }

  close(): void {
    this.stream.close();
    for (const t of this.traders) {
      this.tape.wsUnexpectedCloses += t.ws.closedUnexpectedly;
      t.ws.close();
    }
    this.tape.wsUnexpectedCloses += this.market?.closedUnexpectedly ?? 0;
    this.market?.close();
  }
}

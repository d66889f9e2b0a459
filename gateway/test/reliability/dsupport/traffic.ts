// Signed order traffic over real HTTP against the gateways of a Deployment: crossing LIMIT orders of
// small size around 50 000 so trades happen, each with a unique clientOrderId. Every 2xx is recorded as
// an acknowledgement; a request with no answer (connection refused/reset, timeout) or a 5xx is an
// UNKNOWN outcome, retried later with the same clientOrderId until it gets a definite answer.

import { seededRandom } from "@perpx/engine/util/prng";
import { signRequest } from "../../../src/auth/hmac.js";
import type { KeyPair } from "../../embedded/client.js";
import type { User } from "./deployment.js";

export interface Ack {
  coid: string;
  userId: number;
  orderId: string;
  /** the answer said duplicate: a retry that found the first attempt */
  duplicate: boolean;
  /** acknowledged on a retry of an unknown outcome */
  retried: boolean;
}

interface Pending {
  coid: string;
  user: User;
  body: Record<string, unknown>;
}

export interface Outcome {
  /** HTTP status, or 0 = no answer */
  status: number;
  error?: string;
  started: number;
  ended: number;
}

let lastTs = 0;
function timestamp(): string {
  lastTs = Math.max(Date.now(), lastTs + 1);
  return String(lastTs);
}

async function signedPost(base: string, key: KeyPair, path: string, body: unknown, timeoutMs: number) {
  const raw = JSON.stringify(body);
  const ts = timestamp();
  const res = await fetch(base + path, {
    method: "POST",
    headers: {
      "content-type": "application/json",
      APIKEY: key.apiKey,
      timestamp: ts,
      signature: signRequest(key.apiSecret, ts, "POST", path, raw),
    },
    body: raw,
    signal: AbortSignal.timeout(timeoutMs),
  });
  const text = await res.text();
  return { status: res.status, body: text ? (JSON.parse(text) as Record<string, unknown>) : {} };
}

/** the test's seeded randomness (mulberry32, engine/src/util/prng.ts) */
export const rng = seededRandom;

export class Traffic {
  readonly acks = new Map<string, Ack>();
  readonly unknown = new Map<string, Pending>();
  /** every outcome of a first attempt, for outage windows */
  readonly outcomes: Outcome[] = [];
  readonly statuses = new Map<string, number>();
  /** definite refusals (4xx) of a first attempt or a retry: not acknowledged, not retried */
  refused = 0;
  unknownSeen = 0;
  retriesSent = 0;
  retriesResolved = 0;
  private n = 0;
  private stopped = false;

  constructor(
    private readonly urls: () => string[],
    private readonly users: User[],
    private readonly random: () => number,
    private readonly tag: string,
  ) {}

  private count(k: string): void {
    this.statuses.set(k, (this.statuses.get(k) ?? 0) + 1);
  }

  private nextOrder(): Pending {
    const r = this.random;
    const user = this.users[Math.floor(r() * this.users.length)]!;
    const buy = r() < 0.5;
    // 40 % GTC around the mid (buys from 49 990 up, sells from 50 010 down: many cross, the rest rest);
    // 60 % IOC takers 0.06 % through the mid that eat resting orders and never rest, so the book (and
    // each user's open orders, capped at the instrument's maxOpenOrders) stays small and trades go on
    const maker = r() < 0.4;
    const off = Math.floor(r() * 21);
    const price = maker ? (buy ? 49_990 + off : 50_010 - off) : buy ? 50_030 : 49_970;
    const qty = (1 + Math.floor(r() * 5)) / 1000;
    const coid = `${this.tag}-${++this.n}`;
    return {
      coid,
      user,
      body: {
        symbol: "BTCUSDT",
        side: buy ? "BUY" : "SELL",
        type: "LIMIT",
        timeInForce: maker ? "GTC" : "IOC",
        price: `${price}.0`,
        quantity: qty.toFixed(3),
        clientOrderId: coid,
      },
    };
  }

  /** One attempt; records an ack or a refusal, returns the outcome (status 0 = no answer). */
  private async attempt(p: Pending, retry: boolean): Promise<Outcome> {
    const urls = this.urls();
    const base = urls[Math.floor(this.random() * urls.length)]!;
    const started = Date.now();
    try {
      const r = await signedPost(base, p.user.key, "/api/v1/order", p.body, 12_000);
      const out: Outcome = {
        status: r.status,
        error: String(r.body.error ?? ""),
        started,
        ended: Date.now(),
      };
      this.count(`${r.status}${out.error ? ` ${out.error}` : ""}`);
      if (r.status === 200 || r.status === 202) {
        this.acks.set(p.coid, {
          coid: p.coid,
          userId: p.user.id,
          orderId: String(r.body.orderId),
          duplicate: r.body.duplicate === true,
          retried: retry,
        });
      } else if (r.status >= 400 && r.status < 500) {
        this.refused++;
      }
      return out;
    } catch (e) {
      this.count("no answer");
      return { status: 0, error: (e as Error).name, started, ended: Date.now() };
    }
  }

  private static definite(o: Outcome): boolean {
    return o.status > 0 && o.status < 500;
  }

  /** `workers` loops sending orders until stop(); `pauseMs` between a worker's requests. */
  async run(workers: number, pauseMs: number): Promise<void> {
    const loop = async () => {
      while (!this.stopped) {
        const p = this.nextOrder();
        const o = await this.attempt(p, false);
        this.outcomes.push(o);
        if (!Traffic.definite(o)) {
          this.unknownSeen++;
          this.unknown.set(p.coid, p);
        }
        if (pauseMs) await new Promise((r) => setTimeout(r, pauseMs));
      }
    };
    await Promise.all(Array.from({ length: workers }, loop));
  }

  /** the order engineAnswers is sending, and how its attempts were answered (stall diagnostics) */
  probe:
    | { coid: string; userId: number; key: KeyPair; answers: Map<string, number>; last: string }
    | undefined;

  /**
   * Sends one order with ?wait=true (retried every 500 ms) until the engine answers it: the ms it took,
   * i.e. how long until the engine applies new commands again. The order counts as an ack.
   */
  async engineAnswers(deadlineMs: number): Promise<number> {
    const t0 = Date.now();
    const p = this.nextOrder();
    const urls = this.urls();
    const answers = new Map<string, number>();
    const probe = { coid: p.coid, userId: p.user.id, key: p.user.key, answers, last: "" };
    this.probe = probe;
    while (Date.now() - t0 < deadlineMs) {
      const started = Date.now();
      const r = await signedPost(urls[0]!, p.user.key, "/api/v1/order?wait=true", p.body, 15_000).catch(
        (e: unknown) => (e as Error).name,
      );
      const k = typeof r === "string" ? `no answer ${r}` : `${r.status} ${String(r.body.error ?? "")}`;
      answers.set(k, (answers.get(k) ?? 0) + 1);
      probe.last = `${new Date(started).toISOString()} +${Date.now() - started} ms: ${typeof r === "string" ? k : `${r.status} ${JSON.stringify(r.body)}`}`;
      if (typeof r !== "string" && r.status === 200) {
        this.acks.set(p.coid, {
          coid: p.coid,
          userId: p.user.id,
          orderId: String(r.body.orderId),
          duplicate: r.body.duplicate === true,
          retried: false,
        });
        return Date.now() - t0;
      }
      await new Promise((res) => setTimeout(res, 500));
    }
    this.unknown.set(p.coid, p);
    throw new Error(
      `the engine did not answer an order within ${deadlineMs} ms (${p.coid}, user ${p.user.id}; answers ${JSON.stringify(Object.fromEntries(answers))}; last ${probe.last})`,
    );
  }

  stop(): void {
    this.stopped = true;
  }

  /** Retries every unknown outcome with its clientOrderId until each has a definite answer. */
  async resolveUnknowns(deadlineMs: number): Promise<void> {
    const end = Date.now() + deadlineMs;
    while (this.unknown.size > 0) {
      if (Date.now() > end) throw new Error(`${this.unknown.size} unknown outcomes still unresolved`);
      const list = [...this.unknown];
      for (let i = 0; i < list.length; i += 16) {
        await Promise.all(
          list.slice(i, i + 16).map(async ([coid, p]) => {
            this.retriesSent++;
            const o = await this.attempt(p, true);
            if (Traffic.definite(o)) {
              this.unknown.delete(coid);
              this.retriesResolved++;
            }
          }),
        );
      }
      if (this.unknown.size) await new Promise((r) => setTimeout(r, 1000));
    }
  }
}

// End-to-end lag benchmark (Markdown on stdout), issue 7: from the gateway's 202 (command durable in
// Kafka) to the order's row in MySQL, on the distributed deployment booted in this process exactly as
// test/integration/distributed-e2e.test.ts does (DistributedStack: engine, four savers, notifier, gateway
// on port 0) on the real Kafka / MariaDB / Redis, with a random topic prefix, database and Redis key
// prefix, all removed at the end. Bounded: ≈30 s (time limit 90 s).
// Reproduce: `npx tsc -b && node scripts/bench.mjs e2e-lag` (env PERPX_BENCH_E2E_RATES, default
// "200,500,1000" orders/s; PERPX_BENCH_E2E_SECONDS, default 4 per rate).
//
// Load: open loop at a paced offered rate, signed `POST /api/v1/order` (no wait → 202) over real HTTP
// with unique clientOrderIds, at most MAX_IN_FLIGHT requests outstanding (past it a due order is skipped
// and counted, so an overloaded stack shows a lower achieved rate instead of an unbounded queue). Half the
// orders rest (makers, GTC limit a few ticks off 50 000), half cross them (takers, IOC), so trades, fills
// and position/balance updates flow through the savers too; makers and takers are different users (no
// self-trade prevention), and the crossing orders consume the resting ones (open orders stay bounded).
// Measure: a poller issues one batched SELECT on `orders` by (user_id, client_order_id) for every order
// sent and not yet seen, every POLL_MS; an order's row time is when the SELECT that first returned it was
// issued (the row was committed before that SELECT's snapshot and after the previous one's).
// lag = row time − 202 arrival; REST latency = 202 arrival − request start.
import { cpus, loadavg } from "node:os";
import { monitorEventLoopDelay } from "node:perf_hooks";
import type { RowDataPacket } from "mysql2/promise";
import { type KeyPair, obj, type RestClient } from "../test/embedded/client.js";
import { DistributedStack } from "../test/integration/distributed-stack.js";

const RATES = (process.env.PERPX_BENCH_E2E_RATES ?? "200,500,1000").split(",").map(Number);
const SECONDS = Number(process.env.PERPX_BENCH_E2E_SECONDS ?? 4);
const MAKERS = 8;
const TAKERS = 8;
const MAX_IN_FLIGHT = 512;
const POLL_MS = 5;
/** after the last 202 of a phase, how long rows may take before the order counts as "no row" */
const DRAIN_MS = 10_000;
const ADMIN: KeyPair = {
  apiKey: "bench-e2e-admin-key-01",
  apiSecret: "bench-e2e-admin-secret-0123456789abcdef",
};

const lines: string[] = [];
const out = (s = "") => lines.push(s);
const progress = (s: string) => process.stderr.write(`[e2e-lag bench] ${s}\n`);
const fmt = (n: number, d = 0) =>
  n.toLocaleString("en-US", { maximumFractionDigits: d, minimumFractionDigits: d });
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

function pct(sorted: readonly number[], p: number): number {
  if (sorted.length === 0) return Number.NaN;
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(p * sorted.length) - 1))]!;
}

interface Trader {
  id: number;
  client: RestClient;
}

interface Sent {
  userId: number;
  coid: string;
  startAt: number;
  ackAt?: number;
  /** issue time of the SELECT that first returned the row */
  rowAt?: number;
  /** when the poller first found the order in the gateway's read model (its own consumer of
   * matching_engine_output): the engine has applied it and its event is in Kafka */
  outAt?: number;
}

interface PhaseResult {
  rate: number;
  due: number;
  sent: number;
  skipped: number;
  accepted: number;
  errors: Map<string, number>;
  sendWindowMs: number;
  restMs: number[];
  lagMs: number[];
  outMs: number[];
  saverErrors: number;
  noRow: number;
  rowBeforeAck: number;
  polls: number;
  pollWindowMs: number;
  loopP99Ms: number;
}

/** Polls MySQL for the rows of every order sent and not yet seen (one SELECT per round). */
class RowPoller {
  private readonly unseen = new Map<string, Sent>();
  private readonly notOut = new Map<string, Sent>();
  private running = true;
  polls = 0;
  private readonly done: Promise<void>;

  constructor(private readonly st: DistributedStack) {
    this.done = this.loop();
  }

  watch(s: Sent): void {
    this.unseen.set(`${s.userId}:${s.coid}`, s);
    this.notOut.set(`${s.userId}:${s.coid}`, s);
  }

  get pending(): number {
    return this.unseen.size;
  }

  /** stops watching (orders still unseen stay without rowAt) */
  async stop(): Promise<void> {
    this.running = false;
    await this.done;
  }

  private async loop(): Promise<void> {
    while (this.running) {
      const t0 = performance.now();
      const rm = this.st.gw?.readModel;
      for (const [key, s] of this.notOut) {
        if (rm?.orderByClientId(s.userId, s.coid) === undefined) continue;
        s.outAt = t0;
        this.notOut.delete(key);
      }
      if (this.unseen.size > 0) await this.pollOnce(t0);
      const wait = POLL_MS - (performance.now() - t0);
      if (wait > 0) await sleep(wait);
    }
  }

  private async pollOnce(issuedAt: number): Promise<void> {
    const byUser = new Map<number, string[]>();
    let n = 0;
    for (const s of this.unseen.values()) {
      const l = byUser.get(s.userId);
      if (l) l.push(s.coid);
      else byUser.set(s.userId, [s.coid]);
      if (++n >= 4000) break; // oldest first (insertion order); the rest next round
    }
    const where: string[] = [];
    const args: unknown[] = [];
    for (const [userId, coids] of byUser) {
      where.push("(user_id = ? AND client_order_id IN (?))");
      args.push(userId, coids);
    }
    const [rows] = await this.st.my.pool.query<RowDataPacket[]>(
      `SELECT user_id, client_order_id FROM orders WHERE ${where.join(" OR ")}`,
      args,
    );
    this.polls++;
    for (const r of rows) {
      const key = `${String(r.user_id)}:${String(r.client_order_id)}`;
      const s = this.unseen.get(key);
      if (s) {
        s.rowAt = issuedAt;
        this.unseen.delete(key);
      }
    }
  }
}

/** order n of a phase: makers rest (BUY/SELL a few ticks off 50 000), takers cross with IOC */
function orderOf(n: number, tag: string): { maker: boolean; body: Record<string, string> } {
  const k = n % 4;
  const coid = `${tag}-${n}`;
  const off = ((n >> 2) % 20) * 0.1;
  switch (k) {
    case 0:
      return {
        maker: true,
        body: {
          symbol: "BTCUSDT",
          side: "BUY",
          type: "LIMIT",
          quantity: "0.001",
          price: (49_990 - off).toFixed(1),
          clientOrderId: coid,
        },
      };
    case 1:
      return {
        maker: true,
        body: {
          symbol: "BTCUSDT",
          side: "SELL",
          type: "LIMIT",
          quantity: "0.001",
          price: (50_010 + off).toFixed(1),
          clientOrderId: coid,
        },
      };
    case 2:
      return {
        maker: false,
        body: {
          symbol: "BTCUSDT",
          side: "BUY",
          type: "LIMIT",
          timeInForce: "IOC",
          quantity: "0.001",
          price: "50100.0",
          clientOrderId: coid,
        },
      };
    default:
      return {
        maker: false,
        body: {
          symbol: "BTCUSDT",
          side: "SELL",
          type: "LIMIT",
          timeInForce: "IOC",
          quantity: "0.001",
          price: "49900.0",
          clientOrderId: coid,
        },
      };
  }
}

async function phase(
  st: DistributedStack,
  makers: Trader[],
  takers: Trader[],
  rate: number,
  seconds: number,
  tag: string,
): Promise<PhaseResult> {
  const poller = new RowPoller(st);
  const saverErrorsBefore = st.saverErrors.length;
  const loop = monitorEventLoopDelay({ resolution: 10 });
  loop.enable();
  const all: Sent[] = [];
  const errors = new Map<string, number>();
  const requests: Promise<void>[] = [];
  let inFlight = 0;
  let skipped = 0;
  const due = Math.round(rate * seconds);
  const start = performance.now();
  for (let n = 0; n < due; n++) {
    const at = start + (n * 1000) / rate;
    const wait = at - performance.now();
    if (wait > 1) await sleep(wait);
    if (inFlight >= MAX_IN_FLIGHT) {
      skipped++;
      continue;
    }
    const o = orderOf(n, tag);
    const group = o.maker ? makers : takers;
    const t = group[(n >> 1) % group.length]!;
    const s: Sent = { userId: t.id, coid: o.body.clientOrderId!, startAt: performance.now() };
    all.push(s);
    poller.watch(s);
    inFlight++;
    requests.push(
      t.client
        .post("/api/v1/order", o.body)
        .then(
          (r) => {
            if (r.status === 202) s.ackAt = performance.now();
            else {
              const err = typeof r.body === "object" && r.body !== null ? obj(r.body).error : undefined;
              const code = `${r.status} ${String(err ?? "")}`;
              errors.set(code, (errors.get(code) ?? 0) + 1);
            }
          },
          (e: unknown) => {
            const code = `network ${(e as Error).message}`;
            errors.set(code, (errors.get(code) ?? 0) + 1);
          },
        )
        .finally(() => void inFlight--),
    );
  }
  const sendWindowMs = performance.now() - start;
  await Promise.all(requests);
  const deadline = performance.now() + DRAIN_MS;
  const accepted = all.filter((s) => s.ackAt !== undefined);
  while (accepted.some((s) => s.rowAt === undefined) && performance.now() < deadline) await sleep(20);
  await poller.stop();
  loop.disable();
  const pollWindowMs = performance.now() - start;
  const restMs = accepted.map((s) => s.ackAt! - s.startAt).sort((a, b) => a - b);
  const withRow = accepted.filter((s) => s.rowAt !== undefined);
  const lagMs = withRow.map((s) => s.rowAt! - s.ackAt!).sort((a, b) => a - b);
  const outMs = accepted
    .flatMap((s) => (s.outAt === undefined ? [] : [s.outAt - s.ackAt!]))
    .sort((a, b) => a - b);
  return {
    rate,
    due,
    sent: all.length,
    skipped,
    accepted: accepted.length,
    errors,
    sendWindowMs,
    restMs,
    lagMs,
    outMs,
    saverErrors: st.saverErrors.length - saverErrorsBefore,
    noRow: accepted.length - withRow.length,
    rowBeforeAck: lagMs.filter((x) => x < 0).length,
    polls: poller.polls,
    pollWindowMs,
    loopP99Ms: loop.percentile(99) / 1e6,
  };
}

async function setUp(st: DistributedStack): Promise<{ makers: Trader[]; takers: Trader[] }> {
  const admin = st.rest.as(ADMIN);
  const ok = (r: { status: number; body: unknown }, what: string) => {
    if (r.status !== 200) throw new Error(`${what}: ${r.status} ${JSON.stringify(r.body)}`);
    return obj(r.body);
  };
  ok(await admin.post("/api/v1/admin/index-price", { symbol: "BTCUSDT", price: "50000.0" }), "index price");
  const traders: Trader[] = [];
  for (let i = 0; i < MAKERS + TAKERS; i++) {
    const id = Number(ok(await admin.post("/api/v1/admin/users", { name: `bench-${i}` }), "user").userId);
    const k = ok(await admin.post("/api/v1/admin/api-keys", { userId: id }), "api key");
    ok(
      await admin.post("/api/v1/admin/deposits", {
        userId: id,
        asset: "USDT",
        amount: "1000000",
        txId: `bench-dep-${i}`,
      }),
      "deposit",
    );
    traders.push({
      id,
      client: st.rest.as({ apiKey: String(k.apiKey), apiSecret: String(k.apiSecret) }),
    });
  }
  return { makers: traders.slice(0, MAKERS), takers: traders.slice(MAKERS) };
}

/** set once the stack exists, for the time-limit guard */
let stack: DistributedStack | undefined;

async function main(): Promise<void> {
  const st = await DistributedStack.start({ tag: "bench_e2e", admin: ADMIN, logLevel: "error" });
  stack = st;
  const results: PhaseResult[] = [];
  let dbVersion = "?";
  try {
    const [v] = await st.my.pool.query<RowDataPacket[]>("SELECT VERSION() AS v");
    dbVersion = String(v[0]?.v);
    const { makers, takers } = await setUp(st);
    await st.readSideCaughtUp();
    const setupSaverErrors = st.saverErrors.length;
    progress(`stack up, ${makers.length + takers.length} users funded`);
    // warm-up (JIT, HTTP connections, consumer fetch sessions): not reported
    await phase(st, makers, takers, 200, 1, "warm");
    await st.readSideCaughtUp();
    for (const rate of RATES) {
      const r = await phase(st, makers, takers, rate, SECONDS, `r${rate}`);
      results.push(r);
      progress(
        `${rate}/s: ${r.accepted}/${r.due} accepted, lag p50 ${fmt(pct(r.lagMs, 0.5), 1)} ms p99 ${fmt(pct(r.lagMs, 0.99), 1)} ms`,
      );
      await st.readSideCaughtUp();
    }
    const [c] = await st.my.pool.query<RowDataPacket[]>(
      "SELECT (SELECT COUNT(*) FROM orders) AS orders, (SELECT COUNT(*) FROM trades) AS trades",
    );
    const counts = { orders: Number(c[0]?.orders), trades: Number(c[0]?.trades) };

    out("## End to end: REST 202 → order row in MySQL (distributed deployment)");
    out();
    out(
      `Node ${process.version}, ${cpus().length} cores, ${dbVersion}, Kafka one broker, Redis; load average ${loadavg()[0]!.toFixed(1)} at the end. Engine, four savers, notifier, gateway and the load generator in one Node process (as in distributed-e2e.test.ts), brokers/DB on the same machine. Open loop at the offered rate for ${SECONDS} s per row, signed \`POST /api/v1/order\` over HTTP (202, no wait), ≤ ${MAX_IN_FLIGHT} in flight; ${MAKERS} makers rest GTC limits, ${TAKERS} takers cross them with IOC (½ of orders). Row seen by a batched SELECT on \`orders\` by (user_id, client_order_id) every ${POLL_MS} ms.`,
    );
    out();
    out(
      "| offered | sent (skipped) | 202 | achieved 202/s | errors | REST p50 / p99 | 202 → engine output p50 / p99 | lag 202 → row p50 | p99 | max | no row | loop delay p99 |",
    );
    out("|---|---:|---:|---:|---|---:|---:|---:|---:|---:|---:|---:|");
    for (const r of results) {
      const errs = [...r.errors].map(([k, v]) => `${v}× ${k}`).join(", ") || "0";
      out(
        `| ${fmt(r.rate)}/s × ${SECONDS} s | ${fmt(r.sent)} (${fmt(r.skipped)}) | ${fmt(r.accepted)} | ${fmt(r.accepted / (r.sendWindowMs / 1000))} | ${errs} | ${fmt(pct(r.restMs, 0.5), 1)} / ${fmt(pct(r.restMs, 0.99), 1)} ms | ${fmt(pct(r.outMs, 0.5), 1)} / ${fmt(pct(r.outMs, 0.99), 1)} ms | **${fmt(pct(r.lagMs, 0.5), 1)} ms** | **${fmt(pct(r.lagMs, 0.99), 1)} ms** | ${fmt(r.lagMs[r.lagMs.length - 1] ?? Number.NaN, 1)} ms | ${fmt(r.noRow)} | ${fmt(r.loopP99Ms, 1)} ms |`,
      );
    }
    out();
    out(
      `Total after the run (warm-up included): ${fmt(counts.orders)} order rows, ${fmt(counts.trades)} trades. Lag resolution: a row is timed at the issue of the first SELECT that returns it (committed after the previous SELECT), so the numbers include up to one poll interval plus the SELECT's time; "no row" = a 202 whose row did not appear within ${DRAIN_MS / 1000} s (an engine reject writes no order row). Polls achieved: ${results.map((r) => fmt(r.polls / (r.pollWindowMs / 1000))).join(" / ")} per s (target ${1000 / POLL_MS}; fewer = busy event loop or slow SELECTs). Rows seen before their 202 arrived: ${results.map((r) => r.rowBeforeAck).join(" / ")} (counted as negative lag). "202 → engine output" = when the same poller first found the order in the gateway's in-process read model (its own consumer of \`matching_engine_output\`): the engine applied it and published its event; the rest of the lag is the saver (consume, transaction, commit). "loop delay" = this process's event-loop delay (monitorEventLoopDelay) during the row. Saver errors (retried): ${setupSaverErrors} during start-up/set-up, ${results.map((r) => r.saverErrors).join(" / ")} during the rows${st.saverErrors.length > 0 ? ` (first: ${String(st.saverErrors[0]).slice(0, 120)})` : ""}.`,
    );
    out();
    out(
      "Reproduce: `npx tsc -b && node scripts/bench.mjs e2e-lag` (needs `make up`; env MYSQL_URL, KAFKA_BROKERS, REDIS_URL, PERPX_BENCH_E2E_RATES, PERPX_BENCH_E2E_SECONDS).",
    );
    if (st.saverErrors.length > 0) progress(`saver errors: ${st.saverErrors.map(String).join("; ")}`);
    if (st.warnings.length > 0) progress(`warnings: ${st.warnings.slice(0, 5).join("; ")}`);
  } finally {
    await st.close();
    stack = undefined;
  }
  process.stdout.write(`${lines.join("\n")}\n`);
}

const guard = setTimeout(() => {
  process.stderr.write("e2e-lag bench: time limit (90 s) reached\n");
  // best effort: remove the throw-away topics, database and keys before leaving
  void Promise.race([stack?.close(), sleep(5000)]).finally(() => process.exit(1));
}, 90_000);
guard.unref();
await main();
// kafkajs / mysql2 / ioredis handles may linger a moment after close(); do not wait for them
process.exit(0);

// Throughput of three engines on the same pre-generated exchange-core-like streams (stream-gen.ts:
// mixed, deep-level and many-level variants), in the same run:
//   ours    the fast OrderBook called directly on one thread
//   rings   the same OrderBook behind ShardRouter → SharedArrayBuffer rings → one matcher worker (the
//           production matcher-worker.js) → output rings → drain into a counting sink, in send order
//   peer    the npm package nodejs-order-book (v10.1.1), called directly
// The parent generates each stream once and hands it to one child process per engine (through a temp
// file), which does warm-up runs, then RUNS timed runs on an empty book each (the prefill is not timed);
// medians reported. After the runs all three books must hold the same depth (rings: read back with a
// snapshot request through the router), which shows the engines really processed the same commands.
// Run: npm run build && node scripts/bench.mjs book-stream
import { spawnSync } from "node:child_process";
import { createHash } from "node:crypto";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { loadavg, tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { deserialize, serialize } from "node:v8";
import { Side, StpMode, type TimeInForce } from "@perpx/shared/domain";
import { type LimitOrderOptions, OrderBook as NobBook, Side as NobSide } from "nodejs-order-book";
import type { CancelResult, PlaceOutcome, RemoveReason } from "../src/matcher/book-api.js";
import type { MatcherEventSink } from "../src/matcher/matcher-events.js";
import { OrderBook } from "../src/matcher/order-book.js";
import { ShardRouter } from "../src/matcher/shard-router.js";
import { CountingSink } from "./counting-sink.js";
import { collectGarbage, environment, fmt, median, table } from "./report.js";
import { type BookStream, generateStream, StreamOp, type StreamVariant } from "./stream-gen.js";

const RUNS = 5;
const SEED = 20_240_601;
const VARIANTS: readonly StreamVariant[] = ["mixed", "deep", "many-levels"];
const NOB_GTC = "GTC" as LimitOrderOptions["timeInForce"];
const NOB_IOC = "IOC" as LimitOrderOptions["timeInForce"];
/** the rings engine's symbol (any id: one worker owns every shard) */
const SYMBOL = 1;
/** commands each engine of ours runs before its timed runs (whole streams, prefill included) */
const WARMUP_COMMANDS = 2_000_000;

/** Timed ops per second of wall-clock time and of process CPU time. */
function rates(ops: number, t0: bigint, c0: NodeJS.CpuUsage): [number, number] {
  const ns = Number(process.hrtime.bigint() - t0);
  const c = process.cpuUsage(c0);
  return [(ops * 1e9) / ns, (ops * 1e6) / (c.user + c.system)];
}

/**
 * Our book over the timed part of the stream; returns [wall ops/s, CPU ops/s, the book]. The book and
 * sink live across runs (emptied by restore([])) like a matcher's: a fresh book per run lets V8 drop the
 * optimised code at each major GC ("weak objects" deopts) and re-warm it inside the timed part.
 */
function runOurs(s: BookStream, book: OrderBook, sink: CountingSink): [number, number, OrderBook] {
  book.restore([], 0);
  const { op, orderId, userId, side, price, qty, tif } = s;
  const step = (i: number): void => {
    switch (op[i]) {
      case StreamOp.PLACE:
        book.place(
          orderId[i]!,
          userId[i]!,
          side[i] as Side,
          price[i]!,
          qty[i]!,
          tif[i] as TimeInForce,
          StpMode.NONE,
          sink,
        );
        break;
      case StreamOp.CANCEL:
        book.cancel(orderId[i]!, userId[i]!, sink);
        break;
      default:
        book.amend(orderId[i]!, userId[i]!, price[i]!, qty[i]!, sink);
    }
  };
  for (let i = 0; i < s.prefill; i++) step(i);
  sink.trades = 0;
  sink.tradedQty = 0;
  const c0 = process.cpuUsage();
  const t0 = process.hrtime.bigint();
  for (let i = s.prefill; i < s.length; i++) step(i);
  return [...rates(s.length - s.prefill, t0, c0), book];
}

/** Counts what the router delivers (the cheapest honest consumer); collects a snapshot's orders. */
class RingSink implements MatcherEventSink {
  events = 0;
  done = 0;
  trades = 0;
  tradedQty = 0;
  /** price → resting qty, per side, filled by a snapshot */
  readonly asks = new Map<number, number>();
  readonly bids = new Map<number, number>();
  snapshotOrders = -1;
  trade(_a: number, _b: number, _c: number, _d: number, _s: Side, _p: number, qty: number, _r: number): void {
    this.events++;
    this.trades++;
    this.tradedQty += qty;
  }
  removed(_o: number, _u: number, _r: number, _why: RemoveReason): void {
    this.events++;
  }
  outcome(_o: number, _u: number, _x: PlaceOutcome, _f: number, _r: number): void {
    this.events++;
  }
  level(_s: Side, _p: number, _q: number, _u: number): void {
    this.events++;
  }
  cancelResult(_o: number, _r: CancelResult): void {
    this.events++;
  }
  amendResult(_o: number, _r: CancelResult): void {
    this.events++;
  }
  cancelAllResult(_u: number, _n: number): void {
    this.events++;
  }
  snapshotBook(_symbolId: number, _updateId: number, count: number): void {
    this.snapshotOrders = count;
  }
  snapshotOrder(_o: number, _u: number, side: Side, price: number, remaining: number): void {
    const m = side === Side.BUY ? this.bids : this.asks;
    m.set(price, (m.get(price) ?? 0) + remaining);
  }
  sampleResult(_b: number, _a: number, _bq: number, _bv: number, _aq: number, _av: number): void {
    this.events++;
  }
  commandDone(_seq: number): void {
    this.done++;
  }
}

/** Sends command `i` of the stream to the router with engine seq `seq`; false = back-pressure. */
function send(router: ShardRouter, s: BookStream, i: number, seq: number): boolean {
  switch (s.op[i]) {
    case StreamOp.PLACE:
      return router.place(
        seq,
        SYMBOL,
        s.orderId[i]!,
        s.userId[i]!,
        s.side[i] as Side,
        s.price[i]!,
        s.qty[i]!,
        s.tif[i] as TimeInForce,
        StpMode.NONE,
      );
    case StreamOp.CANCEL:
      return router.cancel(seq, SYMBOL, s.orderId[i]!, s.userId[i]!);
    default:
      return router.amend(seq, SYMBOL, s.orderId[i]!, s.userId[i]!, s.price[i]!, s.qty[i]!);
  }
}

/**
 * The rings engine: the router, its one worker, and the engine seq (the router checks that answers come
 * back in send order; seqs just have to be what was sent).
 */
class Rings {
  seq = 0;
  private constructor(readonly router: ShardRouter) {}
  static async start(): Promise<Rings> {
    const router = await ShardRouter.start({
      workers: 1,
      onError: (f) => {
        throw new Error(f.message);
      },
    });
    return new Rings(router);
  }
  /** Sends commands [from, to), draining whenever the router pushes back, until every one is answered. */
  async pump(s: BookStream, from: number, to: number, sink: RingSink): Promise<void> {
    const router = this.router;
    for (let i = from; i < to; i++) {
      const seq = ++this.seq;
      while (!send(router, s, i, seq)) {
        if (router.drain(sink) === 0) await router.waitForEvents(100);
      }
    }
    await router.settle(sink);
  }
  /** Empties the book: RESTORE_END with no orders replaces it (the worker builds a new OrderBook). */
  async empty(sink: RingSink): Promise<void> {
    if (!this.router.restoreEnd(++this.seq, SYMBOL, 0, 0)) throw new Error("restoreEnd refused");
    await this.router.settle(sink);
  }
}

/**
 * Our book behind the rings over the timed part of the stream: from the first timed send until the
 * last timed command's COMMAND_DONE has been drained. Returns [wall ops/s, CPU ops/s (all threads: main,
 * worker, GC), the sink of the timed part].
 */
async function runRings(s: BookStream, rings: Rings): Promise<[number, number, RingSink]> {
  const untimed = new RingSink();
  await rings.empty(untimed);
  await rings.pump(s, 0, s.prefill, untimed);
  const sink = new RingSink();
  const c0 = process.cpuUsage();
  const t0 = process.hrtime.bigint();
  await rings.pump(s, s.prefill, s.length, sink);
  const r = rates(s.length - s.prefill, t0, c0);
  if (sink.done !== s.length - s.prefill) throw new Error(`${sink.done} timed commands answered`);
  return [...r, sink];
}

/** String ids built before timing: the peer keys orders by string. */
function peerIds(s: BookStream): string[] {
  return Array.from(s.orderId, (id) => String(id));
}

function runPeer(s: BookStream, ids: readonly string[]): [number, number, NobBook] {
  const book = new NobBook();
  const { op, side, price, qty, tif } = s;
  const step = (i: number): void => {
    switch (op[i]) {
      case StreamOp.PLACE:
        book.limit({
          side: side[i] === Side.BUY ? NobSide.BUY : NobSide.SELL,
          id: ids[i]!,
          size: qty[i]!,
          price: price[i]!,
          timeInForce: tif[i] === 0 ? NOB_GTC : NOB_IOC,
        });
        break;
      case StreamOp.CANCEL:
        book.cancel(ids[i]!);
        break;
      default:
        book.modify(ids[i]!, { price: price[i]!, size: qty[i]! });
    }
  };
  for (let i = 0; i < s.prefill; i++) step(i);
  const c0 = process.cpuUsage();
  const t0 = process.hrtime.bigint();
  for (let i = s.prefill; i < s.length; i++) step(i);
  return [...rates(s.length - s.prefill, t0, c0), book];
}

function mix(s: BookStream): string {
  const n = [0, 0, 0];
  let ioc = 0;
  for (let i = s.prefill; i < s.length; i++) {
    n[s.op[i]!]!++;
    if (s.op[i] === StreamOp.PLACE && s.tif[i] === 1) ioc++;
  }
  const pct = (x: number): string => `${((100 * x) / (s.length - s.prefill)).toFixed(1)}%`;
  return `${pct(n[0]! - ioc)} GTC / ${pct(ioc)} IOC / ${pct(n[1]!)} cancel / ${pct(n[2]!)} amend`;
}

/** Digest of a depth snapshot (levels sorted by price, empty ones dropped), to compare the engines. */
function depthDigest(asks: [number, number][], bids: [number, number][]): string {
  const norm = (xs: [number, number][]): string =>
    JSON.stringify([...xs].filter((x) => x[1] > 0).sort((a, b) => a[0] - b[0]));
  return createHash("sha1").update(norm(asks)).update("|").update(norm(bids)).digest("hex");
}

/** Throughput from wall-clock and from process CPU time (the box may be shared). */
interface Timing {
  wall: number[];
  cpu: number[];
}

type RunFn<B> = () => [number, number, B];

function measure<B>(run: RunFn<B>, warmups: number, gc: boolean): [Timing, B] {
  let book = run()[2];
  for (let r = 1; r < warmups; r++) run();
  const t: Timing = { wall: [], cpu: [] };
  for (let r = 0; r < RUNS; r++) {
    if (gc) collectGarbage();
    const [wall, cpu, b] = run();
    t.wall.push(wall);
    t.cpu.push(cpu);
    book = b;
  }
  return [t, book];
}

interface ChildResult extends Timing {
  depth: string;
  /** resting orders at the end (-1: the peer, not counted) */
  orders: number;
  levels: number;
  /** trades and traded qty in the last timed run (-1: the peer, not counted) */
  trades: number;
  tradedQty: number;
  /** ours behind rings: events delivered per timed command, warm-up runs */
  eventsPerCommand?: number;
  warmups?: number;
}

/** In a child process: one engine, one stream (read from the parent's file), warm-up, RUNS timed runs. */
async function child(engine: string, file: string): Promise<ChildResult> {
  const s = deserialize(readFileSync(file)) as BookStream;
  // ours is fast: warm up on ≥ 2M commands so that the timed runs see optimised code
  const warmups = Math.max(5, Math.ceil(WARMUP_COMMANDS / s.length));
  if (engine === "ours") {
    // it allocates nothing per command, so no GC between runs
    const ours = new OrderBook(1, { capacity: 2 * s.prefill });
    const sink = new CountingSink();
    const [t, book] = measure(() => runOurs(s, ours, sink), warmups, false);
    const d = book.depth(Number.MAX_SAFE_INTEGER);
    let orders = 0;
    book.forEachOrder(() => orders++);
    return {
      ...t,
      depth: depthDigest(d.asks, d.bids),
      orders,
      levels: d.asks.length + d.bids.length,
      trades: sink.trades,
      tradedQty: sink.tradedQty,
    };
  }
  if (engine === "rings") {
    const rings = await Rings.start();
    try {
      // the same warm-up as ours (both threads' JIT), then GC before each timed run: the router and the
      // sinks allocate a little per run, and this keeps a major GC out of the timed part
      for (let r = 0; r < warmups; r++) await runRings(s, rings);
      const t: Timing = { wall: [], cpu: [] };
      let last: RingSink | undefined;
      for (let r = 0; r < RUNS; r++) {
        collectGarbage();
        const [wall, cpu, sink] = await runRings(s, rings);
        t.wall.push(wall);
        t.cpu.push(cpu);
        last = sink;
      }
      // read the final book back through the rings
      const snap = new RingSink();
      if (!rings.router.snapshot(++rings.seq, SYMBOL)) throw new Error("snapshot refused");
      await rings.router.settle(snap);
      const asks = [...snap.asks];
      const bids = [...snap.bids];
      return {
        ...t,
        depth: depthDigest(asks, bids),
        orders: snap.snapshotOrders,
        levels: asks.length + bids.length,
        trades: last!.trades,
        tradedQty: last!.tradedQty,
        eventsPerCommand: last!.events / (s.length - s.prefill),
        warmups,
      };
    } finally {
      await rings.router.close();
    }
  }
  const ids = peerIds(s);
  // the peer allocates per command: collect its garbage before each timed run
  const [t, book] = measure(() => runPeer(s, ids), 1, true);
  const [asks, bids] = book.depth();
  return {
    ...t,
    depth: depthDigest(asks, bids),
    orders: -1,
    levels: asks.length + bids.length,
    trades: -1,
    tradedQty: -1,
  };
}

function inChild(engine: string, file: string): ChildResult {
  const res = spawnSync(
    process.execPath,
    ["--expose-gc", fileURLToPath(import.meta.url), "--child", engine, file],
    {
      encoding: "utf8",
      stdio: ["ignore", "pipe", "inherit"],
    },
  );
  if (res.status !== 0) throw new Error(`${engine} child failed with ${res.status}`);
  return JSON.parse(res.stdout) as ChildResult;
}

if (process.argv[2] === "--child") {
  process.stdout.write(JSON.stringify(await child(process.argv[3]!, process.argv[4]!)));
} else {
  main();
}

function main(): void {
  const rows: string[][] = [];
  const notes: string[] = [];
  const started = Date.now();
  const load = loadavg()[0]!.toFixed(1);
  let ringWarmups = "";
  const dir = mkdtempSync(join(tmpdir(), "perpx-book-stream-"));
  try {
    for (const variant of VARIANTS) {
      const t0 = Date.now();
      const s = generateStream(SEED, variant);
      const genMs = Date.now() - t0;
      const file = join(dir, `${variant}.bin`);
      writeFileSync(file, serialize(s));
      const ours = inChild("ours", file);
      const rings = inChild("rings", file);
      const peer = inChild("peer", file);
      const [ow, rw, pw] = [median(ours.wall), median(rings.wall), median(peer.wall)];
      const [oc, rc, pc] = [median(ours.cpu), median(rings.cpu), median(peer.cpu)];
      const sameDepth =
        ours.depth === peer.depth && rings.depth === peer.depth && rings.orders === ours.orders;
      const sameTrades = rings.trades === ours.trades && rings.tradedQty === ours.tradedQty;
      rows.push([
        variant,
        fmt(s.length - s.prefill),
        fmt(ow),
        fmt(rw),
        fmt(pw),
        `**${fmt(ow / pw, 1)}×**`,
        `**${fmt(rw / pw, 1)}×**`,
        fmt(oc),
        fmt(rc),
        fmt(pc),
        `${fmt(oc / pc, 1)}×`,
        `${fmt(rc / pc, 1)}×`,
        sameDepth && sameTrades ? "yes" : "**no**",
      ]);
      const runs = (xs: number[]): string => xs.map((x) => fmt(x / 1000)).join(", ");
      notes.push(
        `- ${variant}: ${fmt(s.prefill)} prefill orders; ${mix(s)}; at the end ${fmt(ours.orders)} orders on ` +
          `${fmt(ours.levels)} levels (rings snapshot: ${fmt(rings.orders)} orders on ${fmt(rings.levels)} ` +
          `levels); timed run: ${fmt(ours.trades)} trades in-thread, ${fmt(rings.trades)} through the rings, ` +
          `${fmt(rings.eventsPerCommand ?? 0, 2)} events/command through the rings; generated in ${genMs} ms; ` +
          `wall k ops/s per run: in-thread [${runs(ours.wall)}], rings [${runs(rings.wall)}], peer ` +
          `[${runs(peer.wall)}]`,
      );
      ringWarmups += `${ringWarmups === "" ? "" : ", "}${variant} ${rings.warmups}`;
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }

  console.log(`## Order book throughput: in-thread, behind rings + worker, and nodejs-order-book (engine/bench/book-stream.bench.ts)

Same pre-generated stream for all three engines in the same run (seed ${SEED}, exchange-core-like mix
after an untimed prefill; see \`engine/bench/stream-gen.ts\`), STP NONE, GTC/IOC limit orders, amend =
price move (peer: \`modify\`). Engines: **in-thread** = our \`OrderBook\` called directly; **rings** = the
same \`OrderBook\` behind \`ShardRouter\` → SharedArrayBuffer input ring → one matcher worker (the
production \`matcher-worker.js\`) → output ring → \`drain()\` in send order into a counting sink, timed
from the first timed send until the last COMMAND_DONE is drained (at most 4096 commands in flight);
**peer** = npm \`nodejs-order-book\` 10.1.1 called directly. Each engine runs in its own process per
stream (no JIT/GC cross-talk) after warm-up runs (ours, both paths: ≥ ${fmt(WARMUP_COMMANDS)} commands;
rings warm-up runs: ${ringWarmups}); ${RUNS} timed runs, each on an empty book (peer: a new instance;
in-thread: the same instance emptied with \`restore([])\`; rings: RESTORE_END with no orders, which makes
the worker build a new \`OrderBook\`); medians. All timed ops are run on every engine (none reduced).
Wall = ops per second of elapsed time; CPU = ops per second of the process's CPU time (less sensitive to
other load on a shared machine; includes GC threads; for rings it is the sum over both threads — main
and worker, ring spinning included — so it is not a per-core rate).
"same" = all three books ended with identical levels (rings: read back with a snapshot request through
the router; in-thread and rings also the same order count) and the in-thread and rings timed runs made
the same trades and traded qty. ${environment()}; 1-min load average at start ${load}.

${table(
  [
    "stream",
    "timed ops",
    "in-thread ops/s (wall)",
    "rings ops/s (wall)",
    "nodejs-order-book ops/s (wall)",
    "in-thread / peer (wall)",
    "rings / peer (wall)",
    "in-thread ops/s (CPU)",
    "rings ops/s (CPU)",
    "nodejs-order-book ops/s (CPU)",
    "in-thread / peer (CPU)",
    "rings / peer (CPU)",
    "same",
  ],
  rows,
)}

${notes.join("\n")}

Total bench time ${((Date.now() - started) / 1000).toFixed(1)} s.
Reproduce: \`npm run build && node scripts/bench.mjs book-stream\`
`);
}

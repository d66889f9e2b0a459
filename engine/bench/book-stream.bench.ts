// Throughput of the fast OrderBook against the npm package nodejs-order-book (v10.1.1) on the same
// pre-generated exchange-core-like streams (stream-gen.ts): mixed, deep-level and many-level variants.
// The parent generates each stream once and hands it to one child process per engine (through a temp
// file), which does warm-up runs, then RUNS timed runs on an empty book each (the prefill is not timed);
// medians reported. After the runs both books must hold the same
// depth, which shows the two engines really processed the same commands.
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
import { OrderBook } from "../src/matcher/order-book.js";
import { CountingSink } from "./counting-sink.js";
import { collectGarbage, environment, fmt, median, table } from "./report.js";
import { type BookStream, generateStream, StreamOp, type StreamVariant } from "./stream-gen.js";

const RUNS = 5;
const SEED = 20_240_601;
const VARIANTS: readonly StreamVariant[] = ["mixed", "deep", "many-levels"];
const NOB_GTC = "GTC" as LimitOrderOptions["timeInForce"];
const NOB_IOC = "IOC" as LimitOrderOptions["timeInForce"];

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
  const c0 = process.cpuUsage();
  const t0 = process.hrtime.bigint();
  for (let i = s.prefill; i < s.length; i++) step(i);
  return [...rates(s.length - s.prefill, t0, c0), book];
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
  orders: number;
  levels: number;
}

/** In a child process: one engine, one stream (read from the parent's file), warm-up, RUNS timed runs. */
function child(engine: string, file: string): ChildResult {
  const s = deserialize(readFileSync(file)) as BookStream;
  if (engine === "ours") {
    // ours is fast: warm up on ≥ 2M commands so that the timed runs see optimised code; it allocates
    // nothing per command, so no GC between runs
    const ours = new OrderBook(1, { capacity: 2 * s.prefill });
    const sink = new CountingSink();
    const warmups = Math.max(5, Math.ceil(2_000_000 / s.length));
    const [t, book] = measure(() => runOurs(s, ours, sink), warmups, false);
    const d = book.depth(Number.MAX_SAFE_INTEGER);
    let orders = 0;
    book.forEachOrder(() => orders++);
    return { ...t, depth: depthDigest(d.asks, d.bids), orders, levels: d.asks.length + d.bids.length };
  }
  const ids = peerIds(s);
  // the peer allocates per command: collect its garbage before each timed run
  const [t, book] = measure(() => runPeer(s, ids), 1, true);
  const [asks, bids] = book.depth();
  return { ...t, depth: depthDigest(asks, bids), orders: 0, levels: asks.length + bids.length };
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
  process.stdout.write(JSON.stringify(child(process.argv[3]!, process.argv[4]!)));
} else {
  main();
}

function main(): void {
  const rows: string[][] = [];
  const notes: string[] = [];
  const started = Date.now();
  const load = loadavg()[0]!.toFixed(1);
  const dir = mkdtempSync(join(tmpdir(), "perpx-book-stream-"));
  try {
    for (const variant of VARIANTS) {
      const t0 = Date.now();
      const s = generateStream(SEED, variant);
      const genMs = Date.now() - t0;
      const file = join(dir, `${variant}.bin`);
      writeFileSync(file, serialize(s));
      const ours = inChild("ours", file);
      const peer = inChild("peer", file);
      const [ow, pw, oc, pc] = [median(ours.wall), median(peer.wall), median(ours.cpu), median(peer.cpu)];
      rows.push([
        variant,
        fmt(s.length - s.prefill),
        fmt(ow),
        fmt(pw),
        `**${fmt(ow / pw, 1)}×**`,
        fmt(oc),
        fmt(pc),
        `${fmt(oc / pc, 1)}×`,
        ours.depth === peer.depth ? "yes" : "**no**",
      ]);
      const runs = (xs: number[]): string => xs.map((x) => fmt(x / 1000)).join(", ");
      notes.push(
        `- ${variant}: ${fmt(s.prefill)} prefill orders; ${mix(s)}; at the end ${fmt(ours.orders)} orders on ` +
          `${fmt(ours.levels)} levels; generated in ${genMs} ms; wall k ops/s per run: ours ` +
          `[${runs(ours.wall)}], peer [${runs(peer.wall)}]`,
      );
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }

  console.log(`## Order book throughput vs nodejs-order-book (engine/bench/book-stream.bench.ts)

Same pre-generated stream for both engines (seed ${SEED}, exchange-core-like mix after an untimed
prefill; see \`engine/bench/stream-gen.ts\`), STP NONE, GTC/IOC limit orders, amend = price move (peer:
\`modify\`). Each engine runs in its own process per stream (no JIT/GC cross-talk) after warm-up runs;
${RUNS} timed runs, each on an empty book (peer: a new instance; ours: the same instance emptied with
\`restore([])\`, as a matcher keeps its book); medians. Wall = ops per second of elapsed time; CPU = ops per
second of the process's CPU time (less sensitive to other load on a shared machine; includes GC threads).
"same depth" = both books ended with identical levels. ${environment()}; 1-min load average at start ${load}.

${table(["stream", "timed ops", "OrderBook ops/s (wall)", "nodejs-order-book ops/s (wall)", "ratio (wall)", "OrderBook ops/s (CPU)", "nodejs-order-book ops/s (CPU)", "ratio (CPU)", "same depth"], rows)}

${notes.join("\n")}

Total bench time ${((Date.now() - started) / 1000).toFixed(1)} s.
Reproduce: \`npm run build && node scripts/bench.mjs book-stream\`
`);
}

// Commands/s through ShardRouter → input rings → matcher worker(s) → output rings → router → sink, for a
// seeded place/cancel/amend stream, next to the same book called directly on one thread (the peer). Two
// books: OrderBook (whatever engine/src/matcher/order-book.ts is in this build) and EchoBook (no matching:
// the transport's own ceiling). Medians of RUNS runs. `node scripts/bench.mjs matcher-workers`
import type { Side } from "@perpx/shared/domain";
import type { CancelResult, OrderBookApi, PlaceOutcome, RemoveReason } from "../src/matcher/book-api.js";
import type { MatcherEventSink } from "../src/matcher/matcher-events.js";
import { OrderBook } from "../src/matcher/order-book.js";
import { ShardRouter } from "../src/matcher/shard-router.js";
import { gc, machine, median, type Row, table } from "./bench-util.js";
import { EchoBook } from "./echo-book.js";
import { applyCommand, localStream, type MatcherCommandStream, sendCommand } from "./local-stream.js";

const RUNS = 5;
const COMMANDS = 500_000;
const SEED = 1;
/**
 * Untimed commands on other symbols (ids 101…) before each timed run, so the JIT of a fresh worker is as
 * warm as that of the main thread that already ran the peer: otherwise a worker's first 100k commands run
 * cold and the routed rows measure V8 warm-up, not the rings.
 */
const WARMUP = 100_000;
const ECHO_WORKER = new URL("./echo-matcher.worker.js", import.meta.url);

/** Counts what arrives; the cheapest honest consumer. */
class CountingSink implements MatcherEventSink {
  events = 0;
  done = 0;
  trade(_a: number, _b: number, _c: number, _d: number, _s: Side, _p: number, _q: number, _r: number): void {
    this.events++;
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
  snapshotBook(): void {}
  snapshotOrder(): void {}
  sampleResult(_b: number, _a: number, _bq: number, _bv: number, _aq: number, _av: number): void {
    this.events++;
  }
  commandDone(_seq: number): void {
    this.done++;
  }
}

interface Result {
  rate: number;
  eventsPerCommand: number;
  /** process CPU time (all threads, user + system) per command, µs: spinning and parking included */
  cpuMicros: number;
}

function cpuMicros(): number {
  const u = process.cpuUsage();
  return u.user + u.system;
}

function direct(s: MatcherCommandStream, newBook: (id: number) => OrderBookApi): Result {
  // the same untimed warm-up as the routed runs get, on books of their own
  const books = new Map<number, OrderBookApi>();
  const book = (id: number) => {
    let b = books.get(id);
    if (b === undefined) {
      b = newBook(id);
      books.set(id, b);
    }
    return b;
  };
  for (let i = 0; i < warmup.length; i++) applyCommand(book, warmup, i, i + 1, new CountingSink());
  const sink = new CountingSink();
  const c0 = cpuMicros();
  const t0 = performance.now();
  for (let i = 0; i < s.length; i++) applyCommand(book, s, i, i + 1, sink);
  const sec = (performance.now() - t0) / 1000;
  const cpu = (cpuMicros() - c0) / s.length;
  return { rate: s.length / sec, eventsPerCommand: sink.events / s.length, cpuMicros: cpu };
}

/** Sends the stream (engine seqs after `seqBase`), draining on back-pressure, until all is answered. */
async function pump(router: ShardRouter, s: MatcherCommandStream, sink: CountingSink, seqBase: number) {
  for (let i = 0; i < s.length; i++) {
    while (!sendCommand(router, s, i, seqBase + i + 1)) {
      if (router.drain(sink) === 0) await router.waitForEvents(100);
    }
  }
  await router.settle(sink);
}

async function routed(s: MatcherCommandStream, workers: number, workerUrl?: URL): Promise<Result> {
  const router = await ShardRouter.start({
    workers,
    ...(workerUrl === undefined ? {} : { workerUrl }),
    onError: (f) => {
      throw new Error(f.message);
    },
  });
  await pump(router, warmup, new CountingSink(), 0);
  const sink = new CountingSink();
  const c0 = cpuMicros();
  const t0 = performance.now();
  await pump(router, s, sink, warmup.length);
  const sec = (performance.now() - t0) / 1000;
  const cpu = (cpuMicros() - c0) / s.length;
  await router.close();
  if (sink.done !== s.length) throw new Error(`${sink.done} of ${s.length} commands answered`);
  return { rate: s.length / sec, eventsPerCommand: sink.events / s.length, cpuMicros: cpu };
}

async function measure(cells: string[], f: () => Result | Promise<Result>): Promise<Row> {
  const rates: number[] = [];
  const cpu: number[] = [];
  let epc = 0;
  for (let i = 0; i < RUNS; i++) {
    gc();
    const r = await f();
    rates.push(r.rate);
    cpu.push(r.cpuMicros);
    epc = r.eventsPerCommand;
  }
  return { cells: [...cells, epc.toFixed(2), median(cpu).toFixed(2)], rates };
}

const stream = localStream(SEED, COMMANDS);
const warmup = localStream(SEED + 1, WARMUP, { firstSymbolId: 101 });
const orderBook = (id: number) => new OrderBook(id);
const rows: Row[] = [
  await measure(["OrderBook, called directly (peer)", "main only"], () => direct(stream, orderBook)),
  await measure(["OrderBook via router + rings", "1"], () => routed(stream, 1)),
  await measure(["OrderBook via router + rings", "2"], () => routed(stream, 2)),
  await measure(["EchoBook, called directly", "main only"], () => direct(stream, (id) => new EchoBook(id))),
  await measure(["EchoBook via router + rings", "1"], () => routed(stream, 1, ECHO_WORKER)),
  await measure(["EchoBook via router + rings", "2"], () => routed(stream, 2, ECHO_WORKER)),
];

console.log(`## Matcher workers: commands/s through router, rings and worker threads

Stream: \`localStream(${SEED}, ${COMMANDS})\` (engine/bench/local-stream.ts; 4 symbols, 50 users; ~50% limit
places around the mid, some IOC/FOK/GTX and crossing, ~35% cancels, ~14% amends, ~0.5% cancel-all).
Timed from the first send until every COMMAND_DONE has been drained, in send order, into a counting sink,
after ${WARMUP / 1000}k untimed warm-up commands on other symbols (fresh books and workers each run).
"OrderBook" is the fast engine/src/matcher/order-book.ts;
"EchoBook" answers without matching and shows the ceiling of the transport itself. "CPU µs/cmd" is the
process's CPU time (all threads, median run) per command, spinning and parking included.
${machine()}; ${RUNS} runs each.

${table(["book and path", "workers", "events/cmd", "CPU µs/cmd"], "commands/s", rows)}

Reproduce: \`npx tsc -b && node scripts/bench.mjs matcher-workers\` (source: \`engine/bench/matcher-workers.bench.ts\`).
`);

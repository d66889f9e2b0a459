// Paced latency of the engine benchmark (engine.bench.ts): commands offered at a fixed rate, journal off
// (from memory into Sequencer.apply) and on (JournalCommandLog + EngineRunner, execute-ahead), each
// command's latency from the moment it was due. Every run also reports what explains its tail: GC pauses,
// the journal's fdatasync durations and commands per group commit (latency-probes.ts).
// Knobs: PERPX_BENCH_RATES (commands/s, comma-separated, default 10000,50000,100000,300000,1000000),
// PERPX_BENCH_BOOKS (matcher workers per row, comma-separated, 0 = in-thread books; default 0,1,2; the
// throughput rows follow it too),
// PERPX_BENCH_PACER (µs the pacer may busy-wait for the next due command per turn, default 20),
// PERPX_BENCH_LATENCY_RUNS (runs per rate, medians reported; default 1). Owner: the benchmark process.
import type { Command, LoggedCommand } from "@perpx/shared/commands";
import type { EngineEvent } from "@perpx/shared/events";
import { nodeIo } from "../src/log/journal/journal-io.js";
import { Sequencer } from "../src/sequencer/sequencer.js";
import { logged } from "./engine-commands.js";
import { apply, type Books, journalEngine, openPort } from "./engine-runs.js";
import { type Pauses, pace, Timings, timedIo, watchGc } from "./latency-probes.js";
import { collectGarbage, fmt, median, table } from "./report.js";

const PACER_SPIN_MICROS = Number(process.env.PERPX_BENCH_PACER ?? 20);
const RUNS = Number(process.env.PERPX_BENCH_LATENCY_RUNS ?? 1);
export const LATENCY_RATES = (process.env.PERPX_BENCH_RATES ?? "10000,50000,100000,300000,1000000")
  .split(",")
  .map(Number);
/** the books rows of the engine benchmark (throughput and latency), by matcher workers */
export const BENCH_WORKERS = (process.env.PERPX_BENCH_BOOKS ?? "0,1,2").split(",").map(Number);

/**
 * Unreported warm-up at the offered rate before each paced run's timed window, s: the first commands of
 * a fresh engine pay for JIT compilation and for the first scavenges of the state the set-up built.
 */
export const WARMUP_SECONDS = 0.5;

type Q3 = [number, number, number];

export interface Latency {
  offered: number;
  /** commands applied per second over the run */
  achieved: number;
  commands: number;
  /** due → published (applied, durable, events delivered), ms: p50, p99, p99.9, max */
  applied: [number, number, number, number];
  /** due → applied to the engine state (execute-ahead: before durability), ms: p50, p99, p99.9 */
  executed: Q3;
  /** append → durable (the append's promise resolved), ms: p50, p99, p99.9 */
  durable: Q3;
  /** GC pauses in the timed window */
  gc: Pauses;
  /** the journal's fdatasync durations in the timed window, ms: p50, p99, max (journal off: zeros) */
  fsync: Q3;
  /** commands per group commit over the run (journal off: 0) */
  perGroup: number;
  /** the last command was applied less than 50 ms after it was due: the engine kept up */
  sustained: boolean;
}

function pct(sorted: Float64Array, p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor(p * sorted.length))]!;
}

/** The commands of a paced run: `warm` unreported ones, then the timed ones, `n` in all. */
function pacedCount(available: number, rate: number, seconds: number): { n: number; warm: number } {
  const n = Math.min(available, Math.round(rate * (WARMUP_SECONDS + seconds)));
  return { n, warm: Math.min(Math.round(rate * WARMUP_SECONDS), n >> 1) };
}

interface Window {
  rate: number;
  warm: number;
  t0: number;
  end: number;
  gc: Timings;
  fsync: Timings;
  perGroup: number;
}

/** Latency summary of a paced run's timed window (commands `warm` … n-1). */
function summary(w: Window, published: Float64Array, executed: Float64Array, durable: Float64Array): Latency {
  const n = published.length;
  const lastLate = published[n - 1]!;
  const sorted = (ms: Float64Array) => ms.subarray(w.warm).sort();
  const p = sorted(published);
  const x = sorted(executed);
  const d = sorted(durable);
  const from = w.t0 + (w.warm * 1000) / w.rate;
  const q3 = (s: Float64Array): Q3 => [pct(s, 0.5), pct(s, 0.99), pct(s, 0.999)];
  return {
    offered: w.rate,
    achieved: ((n - w.warm) * 1000) / (w.end - from),
    commands: n - w.warm,
    applied: [...q3(p), p[p.length - 1]!],
    executed: q3(x),
    durable: q3(d),
    gc: w.gc.pauses(from),
    fsync: w.fsync.percentiles(from),
    perGroup: w.perGroup,
    sustained: lastLate < 50,
  };
}

function trace(due: Float64Array, t0: number, ms: Float64Array): void {
  if (!process.env.PERPX_BENCH_TRACE) return;
  const buckets = new Map<number, number>();
  for (let i = 0; i < ms.length; i++) {
    const b = Math.floor((due[i]! - t0) / 100);
    buckets.set(b, Math.max(buckets.get(b) ?? 0, ms[i]!));
  }
  process.stderr.write(
    `max latency per 100 ms: ${[...buckets.values()].map((x) => x.toFixed(1)).join(" ")}\n`,
  );
}

/**
 * Paced appends at `rate` commands/s for WARMUP_SECONDS (not reported) + `seconds` (journal on). Every
 * command's latency is measured from the moment it was due (t0 + i / rate), not from when the pacer got
 * round to it, so a stalled event loop shows up in the numbers (no coordinated omission). The pacer runs
 * on the same event loop as the journal and the runner, as the gateway does in the embedded deployment.
 */
export async function paced(
  workers: number,
  setup: readonly Command[],
  flow: readonly Command[],
  rate: number,
  seconds: number,
): Promise<Latency> {
  const { n, warm } = pacedCount(flow.length, rate, seconds);
  const fsync = new Timings();
  const e = await journalEngine(workers, setup, true, { io: timedIo(nodeIo, fsync) });
  try {
    const base = e.runner.appliedSeq;
    const due = new Float64Array(n);
    const published = new Float64Array(n);
    const executed = new Float64Array(n);
    const durable = new Float64Array(n);
    let exSeen = 0;
    e.runner.onExecuted((last) => {
      const now = performance.now();
      const upTo = Math.min(n, last - base);
      for (let i = exSeen; i < upTo; i++) executed[i] = now - due[i]!;
      exSeen = Math.max(exSeen, upTo);
    });
    let seen = 0;
    let failed: unknown = null;
    const done = new Promise<void>((resolve) => {
      e.runner.subscribe((_events, last) => {
        const now = performance.now();
        for (let i = seen; i < last - base && i < n; i++) published[i] = now - due[i]!;
        seen = Math.max(seen, Math.min(n, last - base));
        if (seen >= n) resolve();
      });
    });
    const groups0 = e.log.stats().groups;
    collectGarbage();
    const gc = watchGc();
    const t0 = await pace(n, rate, due, PACER_SPIN_MICROS, (from, to) => {
      e.log.append(flow.slice(from, to)).then(
        () => {
          const now = performance.now();
          for (let i = from; i < to; i++) durable[i] = now - due[i]!;
        },
        (err: unknown) => {
          failed = err;
        },
      );
    });
    await done;
    const end = performance.now();
    const gcTimes = gc.stop();
    if (failed !== null) throw failed;
    trace(due, t0, published);
    const perGroup = n / (e.log.stats().groups - groups0);
    return summary({ rate, warm, t0, end, gc: gcTimes, fsync, perGroup }, published, executed, durable);
  } finally {
    await e.close();
  }
}

/**
 * Journal off, paced the same way: the commands due each event-loop turn go straight from memory into
 * Sequencer.apply (one batch, as the runner applies what it read); a command's latency ends when its
 * batch has been applied and its events are out. No log: nothing is durable.
 */
export async function pacedInMemory(
  workers: number,
  setup: readonly LoggedCommand[],
  flow: readonly LoggedCommand[],
  rate: number,
  seconds: number,
): Promise<Latency> {
  const { n, warm } = pacedCount(flow.length, rate, seconds);
  const { port, close } = await openPort(workers);
  try {
    const seq = new Sequencer({ matcher: port });
    apply(seq, setup);
    const due = new Float64Array(n);
    const applied = new Float64Array(n);
    collectGarbage();
    const gc = watchGc();
    const t0 = await pace(n, rate, due, PACER_SPIN_MICROS, (from, to) => {
      const out: EngineEvent[] = [];
      for (let i = from; i < to; i++) seq.apply(flow[i]!, out);
      const now = performance.now();
      for (let i = from; i < to; i++) applied[i] = now - due[i]!;
    });
    const end = performance.now();
    const gcTimes = gc.stop();
    trace(due, t0, applied);
    const w = { rate, warm, t0, end, gc: gcTimes, fsync: new Timings(), perGroup: 0 };
    return summary(w, applied, applied, applied);
  } finally {
    await close();
  }
}

/** Field-by-field median of repeated runs of one rate. */
function medianOf(ls: readonly Latency[]): Latency {
  const m = (f: (l: Latency) => number) => median(ls.map(f));
  const q = (f: (l: Latency) => readonly number[], k: number) => m((l) => f(l)[k]!);
  return {
    offered: ls[0]!.offered,
    achieved: m((l) => l.achieved),
    commands: m((l) => l.commands),
    applied: [0, 1, 2, 3].map((k) => q((l) => l.applied, k)) as Latency["applied"],
    executed: [0, 1, 2].map((k) => q((l) => l.executed, k)) as Q3,
    durable: [0, 1, 2].map((k) => q((l) => l.durable, k)) as Q3,
    fsync: [0, 1, 2].map((k) => q((l) => l.fsync, k)) as Q3,
    gc: {
      count: m((l) => l.gc.count),
      major: m((l) => l.gc.major),
      totalMs: m((l) => l.gc.totalMs),
      maxMs: m((l) => l.gc.maxMs),
    },
    perGroup: m((l) => l.perGroup),
    sustained: ls.every((l) => l.sustained),
  };
}

/** One paced-latency table (journal on or off); rates above the row's measured max are skipped. */
async function latencyTable(
  out: (s?: string) => void,
  journal: boolean,
  setup: Command[],
  flow: Command[],
  books: readonly Books[],
  max: readonly number[],
  seconds: number,
): Promise<void> {
  const rows: string[][] = [];
  const skipped: string[] = [];
  const setupLogged = journal ? [] : logged(setup);
  const flowLogged = journal ? [] : logged(flow, setup.length + 1);
  const ms = (x: number) => fmt(x, 3);
  const three = (xs: readonly number[]) => xs.slice(0, 3).map(ms).join(" / ");
  for (let k = 0; k < books.length; k++) {
    const b = books[k]!;
    for (const rate of LATENCY_RATES) {
      const m = max[k];
      if (m !== undefined && rate > m) {
        skipped.push(`${b.name} at ${fmt(rate)}/s (its median max was ${fmt(m)}/s)`);
        continue;
      }
      const runs: Latency[] = [];
      for (let r = 0; r < RUNS; r++)
        runs.push(
          journal
            ? await paced(b.workers, setup, flow, rate, seconds)
            : await pacedInMemory(b.workers, setupLogged, flowLogged, rate, seconds),
        );
      const l = medianOf(runs);
      const g = l.gc;
      const gcCell = `${fmt(g.count)} (${fmt(g.major)}) / ${fmt(g.totalMs, 1)} / ${fmt(g.maxMs, 1)}`;
      const head = [b.name, fmt(rate), fmt(l.commands), fmt(l.achieved), l.sustained ? "yes" : "**no**"];
      const tail = [ms(l.applied[0]), ms(l.applied[1]), ms(l.applied[2]), ms(l.applied[3])];
      rows.push(
        journal
          ? [
              ...head,
              three(l.executed),
              ...tail,
              three(l.durable).split(" / ").slice(0, 2).join(" / "),
              three(l.fsync),
              fmt(l.perGroup),
              gcCell,
            ]
          : [...head, ...tail, gcCell],
      );
      process.stderr.write(
        `  journal ${journal ? "on" : "off"}, ${b.name} @ ${rate}: p50 ${ms(l.applied[0])} p99 ${ms(l.applied[1])}` +
          ` p99.9 ${ms(l.applied[2])}${journal ? ` (applied p99 ${ms(l.executed[1])}, fsync p99 ${ms(l.fsync[1])}, ${fmt(l.perGroup)}/group)` : ""}` +
          `, GC ${gcCell}\n`,
      );
    }
  }
  const what = journal ? "published" : "applied";
  out(
    table(
      [
        "books",
        "offered/s",
        "timed commands",
        "achieved/s",
        "kept up",
        ...(journal ? ["applied p50 / p99 / p99.9 ms"] : []),
        `${what} p50 ms`,
        `${what} p99 ms`,
        `${what} p99.9 ms`,
        `${what} max ms`,
        ...(journal ? ["durable (ack) p50 / p99 ms", "fdatasync p50 / p99 / max ms", "cmds per group"] : []),
        "GC pauses (major) / total ms / max ms",
      ],
      rows,
    ),
  );
  if (skipped.length > 0) {
    out();
    out(`Not run (the engine cannot sustain them): ${skipped.join("; ")}.`);
  }
}

/** The "Latency at paced rates" section: journal off, then on. */
export async function latencyPart(
  out: (s?: string) => void,
  stream: { setup: Command[]; flow: Command[]; desc: string },
  books: readonly Books[],
  max: { on: readonly number[]; off: readonly number[] },
  seconds: number,
): Promise<void> {
  out(`### Latency at paced rates (${seconds} s per rate, after ${WARMUP_SECONDS} s of warm-up)`);
  out();
  out(
    `Stream: ${stream.desc} (the same generator, longer). ` +
      "Per command, from the moment it was due at the offered rate (so a busy event loop counts; no " +
      `coordinated omission). Each run first goes ${WARMUP_SECONDS} s at its rate unreported (JIT, the first ` +
      "scavenges of the state the set-up built), then is timed for up to " +
      `${seconds} s (less when the stream runs out: see "timed commands"). The pacer hands over what is ` +
      `due each event-loop turn (≤ 4096 at a time), busy-waiting at most ${PACER_SPIN_MICROS} µs per turn ` +
      "for a command due that soon. Rates above a row's median max throughput (previous section) are " +
      `skipped. ${RUNS > 1 ? `Median of ${RUNS} runs per cell. ` : ""}GC pauses: PerformanceObserver "gc" ` +
      "entries that started in the timed window (major = Mark-Compact).",
  );
  out();
  out(
    "**Journal off**: the due commands go from memory into `Sequencer.apply` as one batch; " +
      '"applied" ends when the batch is applied and its events are out. Nothing is durable.',
  );
  out();
  await latencyTable(out, false, stream.setup, stream.flow, books, max.off, seconds);
  out();
  out(
    '**Journal on** (execute-ahead, as the embedded engine runs): "applied" until the runner has applied ' +
      'the command to the engine state, before it is durable; "published" until its events were delivered ' +
      'to the subscribers (read model, stream) — only after its group\'s fdatasync; "durable (ack)" until ' +
      "its append() resolved (write + fdatasync: when the gateway may answer 2xx); fdatasync: the " +
      "journal's own calls, timed around the syscall.",
  );
  out();
  await latencyTable(out, true, stream.setup, stream.flow, books, max.on, seconds);
}

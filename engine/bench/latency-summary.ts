// The numbers of a paced latency run (engine-latency.ts): percentiles of the timed window, what its tail
// overlapped, and the median of repeated runs. Owner: the benchmark process.

import { type Pauses, type TailCauses, type Timings, tailCauses } from "./latency-probes.js";
import { fmt, median } from "./report.js";

/**
 * Unreported warm-up at the offered rate before each paced run's timed window, s: the first commands of
 * a fresh engine pay for JIT compilation and for the first scavenges of the state the set-up built.
 */
export const WARMUP_SECONDS = 0.5;

export type Q3 = [number, number, number];

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
  /** the journal's pwrite durations (the threadpool round trip before the fdatasync), ms: p50, p99, max */
  write: Q3;
  /** what the published p99 tail's waits overlapped (tailCauses) */
  tail: TailCauses;
  /** commands per group commit over the run (journal off: 0) */
  perGroup: number;
  /** the last command was applied less than 50 ms after it was due: the engine kept up */
  sustained: boolean;
}

export function pct(sorted: Float64Array, p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor(p * sorted.length))]!;
}

/** The commands of a paced run: `warm` unreported ones, then the timed ones, `n` in all. */
export function pacedCount(available: number, rate: number, seconds: number): { n: number; warm: number } {
  const n = Math.min(available, Math.round(rate * (WARMUP_SECONDS + seconds)));
  return { n, warm: Math.min(Math.round(rate * WARMUP_SECONDS), n >> 1) };
}

export interface Window {
  rate: number;
  warm: number;
  t0: number;
  end: number;
  gc: Timings;
  fsync: Timings;
  write: Timings;
  perGroup: number;
}

/** Latency summary of a paced run's timed window (commands `warm` … n-1). */
export function summary(
  w: Window,
  due: Float64Array,
  published: Float64Array,
  executed: Float64Array,
  durable: Float64Array,
): Latency {
  const n = published.length;
  const lastLate = published[n - 1]!;
  const sorted = (ms: Float64Array) => ms.subarray(w.warm).sort();
  const tail = tailCauses(due, published, w.warm, 0.99, w);
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
    write: w.write.percentiles(from),
    tail,
    perGroup: w.perGroup,
    sustained: lastLate < 50,
  };
}

/** Field-by-field median of repeated runs of one rate. */
export function medianOf(ls: readonly Latency[]): Latency {
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
    write: [0, 1, 2].map((k) => q((l) => l.write, k)) as Q3,
    gc: {
      count: m((l) => l.gc.count),
      major: m((l) => l.gc.major),
      totalMs: m((l) => l.gc.totalMs),
      maxMs: m((l) => l.gc.maxMs),
    },
    tail: {
      gc: m((l) => l.tail.gc),
      write: m((l) => l.tail.write),
      fsync: m((l) => l.tail.fsync),
      other: m((l) => l.tail.other),
    },
    perGroup: m((l) => l.perGroup),
    sustained: ls.every((l) => l.sustained),
  };
}

export const causes = (t: TailCauses) =>
  [t.gc, t.write, t.fsync, t.other].map((x) => fmt(100 * x)).join(" / ");

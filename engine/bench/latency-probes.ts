// What explains a paced run's tail latency (engine-latency.ts): the GC pauses (PerformanceObserver "gc"),
// the journal's fdatasync durations (a JournalIo that times each datasync), and the pacer that offers the
// commands. Probes record from the start of a run; the summary counts only the timed window.
// Owner: the benchmark process.
import { constants, type PerformanceEntry, PerformanceObserver } from "node:perf_hooks";
import type { JournalIo } from "../src/log/journal/journal-io.js";
import { yieldTurn } from "./engine-runs.js";

export interface Pauses {
  /** pauses that started in the window */
  count: number;
  /** of them major (Mark-Compact) */
  major: number;
  totalMs: number;
  maxMs: number;
}

/** Start time (performance.now ms) and duration (ms) of each recorded pause or call. */
export class Timings {
  readonly starts: number[] = [];
  readonly ms: number[] = [];
  /** kind of each entry (GC: constants.NODE_PERFORMANCE_GC_*; 0 otherwise) */
  readonly kinds: number[] = [];

  add(start: number, ms: number, kind = 0): void {
    this.starts.push(start);
    this.ms.push(ms);
    this.kinds.push(kind);
  }

  /** The entries that started at or after `from`. */
  pauses(from: number): Pauses {
    const p: Pauses = { count: 0, major: 0, totalMs: 0, maxMs: 0 };
    for (let i = 0; i < this.ms.length; i++) {
      if (this.starts[i]! < from) continue;
      const d = this.ms[i]!;
      p.count++;
      if (this.kinds[i] === constants.NODE_PERFORMANCE_GC_MAJOR) p.major++;
      p.totalMs += d;
      if (d > p.maxMs) p.maxMs = d;
    }
    return p;
  }

  /** Durations that started at or after `from`: p50, p99, max (ms); zeros when there are none. */
  percentiles(from: number): [number, number, number] {
    const xs = this.ms.filter((_, i) => this.starts[i]! >= from).sort((a, b) => a - b);
    if (xs.length === 0) return [0, 0, 0];
    const q = (p: number) => xs[Math.min(xs.length - 1, Math.floor(p * xs.length))]!;
    return [q(0.5), q(0.99), xs[xs.length - 1]!];
  }
}

/** Records every GC pause of this process until stop() (which returns what was recorded). */
export function watchGc(): { stop: () => Timings } {
  const t = new Timings();
  const record = (list: readonly PerformanceEntry[]) => {
    for (const e of list) t.add(e.startTime, e.duration, (e as { detail?: { kind?: number } }).detail?.kind);
  };
  const obs = new PerformanceObserver((list) => record(list.getEntries()));
  obs.observe({ entryTypes: ["gc"] });
  return {
    stop() {
      // entries are delivered on a later turn: take what is still queued
      record(obs.takeRecords());
      obs.disconnect();
      return t;
    },
  };
}

/**
 * `base` with every file's datasync timed into `t`, and every write into `w` (an O_DSYNC file, which
 * syncs on write, has its sync inside the write: then `t` stays empty).
 */
export function timedIo(base: JournalIo, t: Timings, w: Timings): JournalIo {
  return {
    ...base,
    async open(path, mode) {
      const f = await base.open(path, mode);
      return {
        syncsOnWrite: f.syncsOnWrite === true,
        async write(buf, off, len, pos) {
          const t0 = performance.now();
          const n = await f.write(buf, off, len, pos);
          w.add(t0, performance.now() - t0);
          return n;
        },
        async datasync() {
          const t0 = performance.now();
          await f.datasync();
          t.add(t0, performance.now() - t0);
        },
        truncate: (len) => f.truncate(len),
        close: () => f.close(),
      };
    },
  };
}

/**
 * The pacer: every event-loop turn, hands `send(from, to)` the commands due by now (≤ 4096 at a time),
 * having stamped `due[i]` (t0 + i / rate) for each. When the next command is due within `spinMicros`
 * it busy-waits for it (at most that long per turn) instead of yielding first, so a command is not
 * offered a whole event-loop turn late; everything else (the journal's fsync completions, the runner)
 * runs between turns, as with a gateway on the same event loop. Returns t0.
 */
export async function pace(
  n: number,
  rate: number,
  due: Float64Array,
  spinMicros: number,
  send: (from: number, to: number) => void,
): Promise<number> {
  const t0 = performance.now() + 1;
  const interval = 1000 / rate;
  const spinMs = spinMicros / 1000;
  let sent = 0;
  while (sent < n) {
    let now = performance.now();
    const next = t0 + sent * interval;
    if (next > now && next - now <= spinMs) while (now < next) now = performance.now();
    const upTo = Math.min(n, Math.floor((now - t0) / interval) + 1);
    while (sent < upTo) {
      const to = Math.min(upTo, sent + 4096);
      for (let i = sent; i < to; i++) due[i] = t0 + i * interval;
      send(sent, to);
      sent = to;
    }
    await yieldTurn();
  }
  return t0;
}

/** Share (0 … 1) of the tail commands whose wait overlapped each kind of stall. */
export interface TailCauses {
  gc: number;
  write: number;
  fsync: number;
  /** none of them: event-loop turns, CPU scheduling, the apply backlog itself */
  other: number;
}

/** Stalls of at least this long count as a cause of a tail latency, ms. */
const STALL_MS = 1;

/**
 * The commands at or above the `p` quantile of `lat` (ms from `due[i]`): what their wait overlapped, in
 * this order of blame: a GC pause, a pwrite, an fdatasync of at least STALL_MS; else "other".
 */
export function tailCauses(
  due: Float64Array,
  lat: Float64Array,
  from: number,
  p: number,
  stalls: { gc: Timings; write: Timings; fsync: Timings },
): TailCauses {
  const sorted = lat.slice(from).sort();
  const cut = sorted[Math.min(sorted.length - 1, Math.floor(p * sorted.length))]!;
  const long = (t: Timings) => {
    const xs: [number, number][] = [];
    for (let i = 0; i < t.ms.length; i++)
      if (t.ms[i]! >= STALL_MS) xs.push([t.starts[i]!, t.starts[i]! + t.ms[i]!]);
    return xs;
  };
  const kinds = [long(stalls.gc), long(stalls.write), long(stalls.fsync)];
  const counts = [0, 0, 0, 0];
  let n = 0;
  for (let i = from; i < lat.length; i++) {
    if (lat[i]! < cut) continue;
    n++;
    const a = due[i]!;
    const b = a + lat[i]!;
    const k = kinds.findIndex((xs) => xs.some(([s, e]) => s < b && e > a));
    counts[k < 0 ? 3 : k]!++;
  }
  const share = (c: number) => (n === 0 ? 0 : c / n);
  return {
    gc: share(counts[0]!),
    write: share(counts[1]!),
    fsync: share(counts[2]!),
    other: share(counts[3]!),
  };
}

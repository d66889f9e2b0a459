// The measured runs of the engine benchmark (engine.bench.ts): commands/s through the sequencer with the
// journal off and on, append → applied latency at paced rates, full replay of a journal, and the
// snapshot pause. Each run builds a fresh engine (in-thread books or WorkerMatchPort) and applies the
// untimed set-up first. Owner: the benchmark process.
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { Command, LoggedCommand } from "@perpx/shared/commands";
import type { EngineEvent } from "@perpx/shared/events";
import { JournalCommandLog, type JournalOptions } from "../src/log/journal/journal-command-log.js";
import { OrderBook } from "../src/matcher/order-book.js";
import { WorkerMatchPort } from "../src/matcher/worker-match-port.js";
import { EngineRunner } from "../src/runtime/engine-runner.js";
import { InThreadMatchPort, type MatchPort } from "../src/sequencer/match-port.js";
import { Sequencer } from "../src/sequencer/sequencer.js";
import { collectGarbage } from "./report.js";

export const quiet: JournalOptions = { onWarning: () => undefined };
/** commands per batch when fed from memory: the runner's default read batch */
const BATCH = 4096;
/** commands per append() when the journal is on (a gateway's requests arriving in one event-loop turn) */
export const GROUP = 256;
/** commands appended but not yet applied, at most (the journal's tail cache holds 65 536) */
const WINDOW = 32_768;

export interface Books {
  name: string;
  /** 0 = books on the main thread */
  workers: number;
}

export async function openPort(workers: number): Promise<{ port: MatchPort; close: () => Promise<void> }> {
  if (workers === 0) {
    const port = new InThreadMatchPort((id) => new OrderBook(id));
    return { port, close: async () => undefined };
  }
  const port = await WorkerMatchPort.start({ workers });
  return { port, close: () => port.close() };
}

export function tempDir(tag: string): { dir: string; remove: () => void } {
  const dir = mkdtempSync(join(tmpdir(), `perpx-bench-${tag}-`));
  return { dir, remove: () => rmSync(dir, { recursive: true, force: true }) };
}

function apply(seq: Sequencer, cmds: readonly LoggedCommand[]): number {
  let events = 0;
  for (let i = 0; i < cmds.length; i += BATCH) {
    const out: EngineEvent[] = [];
    const end = Math.min(cmds.length, i + BATCH);
    for (let k = i; k < end; k++) seq.apply(cmds[k]!, out);
    events += out.length;
  }
  return events;
}

export interface Throughput {
  rate: number;
  /** process CPU (all threads) per command, µs */
  cpuMicros: number;
  /** state hash after the run (every run of the same stream must end in the same one) */
  hash: string;
}

/** Journal off: LoggedCommands from memory straight into Sequencer.apply, events in runner-size batches. */
export async function fromMemory(
  workers: number,
  setup: readonly LoggedCommand[],
  flow: readonly LoggedCommand[],
): Promise<Throughput> {
  const { port, close } = await openPort(workers);
  try {
    const seq = new Sequencer({ matcher: port });
    apply(seq, setup);
    collectGarbage();
    const c0 = process.cpuUsage();
    const t0 = performance.now();
    apply(seq, flow);
    const ms = performance.now() - t0;
    const cpu = process.cpuUsage(c0);
    return {
      rate: (flow.length * 1000) / ms,
      cpuMicros: (cpu.user + cpu.system) / flow.length,
      hash: seq.stateHash(),
    };
  } finally {
    await close();
  }
}

interface JournalEngine {
  log: JournalCommandLog;
  runner: EngineRunner;
  seq: Sequencer;
  close: () => Promise<void>;
}

/**
 * A journal in a temp dir with the set-up appended, and a runner that has applied it. `ahead`: the
 * runner executes commands as they are appended and publishes them once durable (the embedded engine's
 * mode); otherwise it reads durable records back from the journal and decodes them.
 */
async function journalEngine(
  workers: number,
  setup: readonly Command[],
  ahead: boolean,
): Promise<JournalEngine> {
  const { dir, remove } = tempDir("engine");
  const log = await JournalCommandLog.open(dir, quiet);
  const { port, close } = await openPort(workers);
  const seq = new Sequencer({ matcher: port });
  const runner = new EngineRunner({
    log,
    core: seq,
    snapshotEvery: 0,
    executeAhead: ahead,
    onFatal: (e) => {
      throw e;
    },
  });
  for (let i = 0; i < setup.length; i += 4096) await log.append(setup.slice(i, i + 4096));
  await runner.start();
  return {
    log,
    runner,
    seq,
    close: async () => {
      await runner.stop();
      await log.close();
      await close();
      remove();
    },
  };
}

const yieldTurn = () => new Promise<void>((resolve) => setImmediate(resolve));

/**
 * Journal on: the flow is appended to a JournalCommandLog on disk in groups of GROUP commands (at most
 * WINDOW unapplied), made durable (write + fdatasync per group commit) and applied by the EngineRunner:
 * `ahead` as they are appended, results published once durable; otherwise read back and decoded once
 * durable. Timed from the first append until the runner has published the last command.
 */
export async function throughJournal(
  workers: number,
  setup: readonly Command[],
  groups: readonly Command[][],
  total: number,
  ahead: boolean,
): Promise<Throughput & { groupsCommitted: number }> {
  const e = await journalEngine(workers, setup, ahead);
  try {
    const base = e.runner.appliedSeq;
    const target = base + total;
    let failed: unknown = null;
    const done = new Promise<void>((resolve) => {
      e.runner.subscribe((_events, last) => {
        if (last >= target) resolve();
      });
    });
    const g0 = e.log.stats().groups;
    collectGarbage();
    const c0 = process.cpuUsage();
    const t0 = performance.now();
    let sent = 0;
    for (const g of groups) {
      while (sent - (e.runner.appliedSeq - base) > WINDOW) await yieldTurn();
      e.log.append(g).catch((err: unknown) => {
        failed = err;
      });
      sent += g.length;
      await yieldTurn();
    }
    await done;
    const ms = performance.now() - t0;
    const cpu = process.cpuUsage(c0);
    if (failed !== null) throw failed;
    return {
      rate: (total * 1000) / ms,
      cpuMicros: (cpu.user + cpu.system) / total,
      groupsCommitted: e.log.stats().groups - g0,
      hash: e.seq.stateHash(),
    };
  } finally {
    await e.close();
  }
}

export interface Latency {
  offered: number;
  /** commands applied per second over the run */
  achieved: number;
  commands: number;
  /** due → published (applied, durable, events delivered), ms: p50, p99, p99.9, max */
  applied: [number, number, number, number];
  /** due → applied to the engine state (execute-ahead: before durability), ms: p50, p99, p99.9 */
  executed: [number, number, number];
  /** append → durable (the append's promise resolved), ms: p50, p99, p99.9 */
  durable: [number, number, number];
  /** the last command was applied more than 50 ms after it was due: the engine fell behind */
  sustained: boolean;
}

function pct(sorted: Float64Array, p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor(p * sorted.length))]!;
}

/**
 * Unreported warm-up at the offered rate before each paced run's timed window, s: the first commands of
 * a fresh engine pay for JIT compilation and for the first scavenges of the state the set-up built.
 */
export const WARMUP_SECONDS = 0.5;

/** The commands of a paced run: `warm` unreported ones, then the timed ones, `n` in all. */
function pacedCount(available: number, rate: number, seconds: number): { n: number; warm: number } {
  const n = Math.min(available, Math.round(rate * (WARMUP_SECONDS + seconds)));
  return { n, warm: Math.min(Math.round(rate * WARMUP_SECONDS), n >> 1) };
}

/** The timed part (`from` on) of a per-command latency array, sorted. */
function timed(ms: Float64Array, from: number): Float64Array {
  return ms.subarray(from).sort();
}

/**
 * The pacer: every event-loop turn, hands `send(from, to)` the commands due by now (≤ 4096 at a time),
 * having stamped `due[i]` (t0 + i / rate) for each. Returns t0.
 */
async function pace(
  n: number,
  rate: number,
  due: Float64Array,
  send: (from: number, to: number) => void,
): Promise<number> {
  const t0 = performance.now() + 1;
  const interval = 1000 / rate;
  let sent = 0;
  while (sent < n) {
    const upTo = Math.min(n, Math.floor((performance.now() - t0) / interval) + 1);
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

/** Latency summary of a paced run's timed window (commands `warm` … n-1). */
function summary(
  rate: number,
  warm: number,
  t0: number,
  end: number,
  published: Float64Array,
  executed: Float64Array,
  durable: Float64Array,
): Latency {
  const n = published.length;
  const lastLate = published[n - 1]!;
  const p = timed(published, warm);
  const x = timed(executed, warm);
  const d = timed(durable, warm);
  return {
    offered: rate,
    achieved: ((n - warm) * 1000) / (end - (t0 + (warm * 1000) / rate)),
    commands: n - warm,
    applied: [pct(p, 0.5), pct(p, 0.99), pct(p, 0.999), p[p.length - 1]!],
    durable: [pct(d, 0.5), pct(d, 0.99), pct(d, 0.999)],
    executed: [pct(x, 0.5), pct(x, 0.99), pct(x, 0.999)],
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
  ahead = true,
): Promise<Latency> {
  const { n, warm } = pacedCount(flow.length, rate, seconds);
  const e = await journalEngine(workers, setup, ahead);
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
    collectGarbage();
    const t0 = await pace(n, rate, due, (from, to) => {
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
    if (failed !== null) throw failed;
    trace(due, t0, published);
    return summary(rate, warm, t0, end, published, executed, durable);
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
    const t0 = await pace(n, rate, due, (from, to) => {
      const out: EngineEvent[] = [];
      for (let i = from; i < to; i++) seq.apply(flow[i]!, out);
      const now = performance.now();
      for (let i = from; i < to; i++) applied[i] = now - due[i]!;
    });
    const end = performance.now();
    trace(due, t0, applied);
    return summary(rate, warm, t0, end, applied, applied, applied);
  } finally {
    await close();
  }
}

/** Writes a journal of `cmds` (appends of 4096, awaited) into `dir`; returns ms. */
export async function writeJournal(dir: string, cmds: readonly Command[]): Promise<number> {
  const log = await JournalCommandLog.open(dir, { ...quiet, maxGroupRecords: 8192 });
  const t0 = performance.now();
  for (let i = 0; i < cmds.length; i += 4096) await log.append(cmds.slice(i, i + 4096));
  const ms = performance.now() - t0;
  await log.close();
  return ms;
}

export interface Replay {
  records: number;
  /** open: verify every record (length, seq, CRC), index the segments */
  openMs: number;
  /** read + decode + apply every record */
  replayMs: number;
  hash: string;
}

/**
 * `make replay`: open the journal, replay it from seq 1 into a fresh sequencer (the first `limit`
 * records at most), hash the state.
 */
export async function replayJournal(
  dir: string,
  workers: number,
  limit = Number.MAX_SAFE_INTEGER,
): Promise<Replay> {
  collectGarbage();
  const t0 = performance.now();
  const log = await JournalCommandLog.open(dir, quiet);
  const openMs = performance.now() - t0;
  const { port, close } = await openPort(workers);
  try {
    const seq = new Sequencer({ matcher: port });
    const t1 = performance.now();
    const out: EngineEvent[] = [];
    for (;;) {
      const batch = await log.read(seq.lastSeq + 1, Math.min(8192, limit - seq.lastSeq));
      if (batch.length === 0) break;
      for (const c of batch) seq.apply(c, out);
      out.length = 0;
    }
    const replayMs = performance.now() - t1;
    return { records: seq.lastSeq, openMs, replayMs, hash: seq.stateHash() };
  } finally {
    await log.close();
    await close();
  }
}

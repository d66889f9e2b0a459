// The measured runs of the engine benchmark (engine.bench.ts): commands/s through the sequencer with the
// journal off and on, full replay of a journal, and the snapshot pause (paced latency: engine-latency.ts). Each run builds a fresh engine (in-thread books or WorkerMatchPort) and applies the
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

export function apply(seq: Sequencer, cmds: readonly LoggedCommand[]): number {
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

export interface JournalEngine {
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
export async function journalEngine(
  workers: number,
  setup: readonly Command[],
  ahead: boolean,
  journal: JournalOptions = {},
): Promise<JournalEngine> {
  const { dir, remove } = tempDir("engine");
  const log = await JournalCommandLog.open(dir, { ...quiet, ...journal });
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

export const yieldTurn = () => new Promise<void>((resolve) => setImmediate(resolve));

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

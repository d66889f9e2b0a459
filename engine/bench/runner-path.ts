// The journal + runner path alone (journal.bench.ts): CPU per command of append → group commit →
// execute-ahead apply → publish, with a trivial core (one event per command) instead of the sequencer, so
// the cost of our own path is not lost in the engine's. `coreMicros` busy-waits per command to stand in
// for a slow core (a runner behind the disk). Also counts the commands the runner had to read back and
// decode (the journal no longer held their appended objects). Owner: the benchmark process.
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { type Command, type LoggedCommand, Op } from "@perpx/shared/commands";
import type { EngineEvent } from "@perpx/shared/events";
import { JournalCommandLog } from "../src/log/journal/journal-command-log.js";
import { type EngineCore, EngineRunner } from "../src/runtime/engine-runner.js";
import { yieldTurn } from "./engine-runs.js";
import { collectGarbage } from "./report.js";

export interface PathRun {
  /** process CPU (all threads) per command, µs */
  cpuMicros: number;
  /** commands read back from the journal and decoded (not taken as appended) */
  decoded: number;
  groups: number;
}

/** The i-th PLACE_ORDER of the journal benchmarks. */
export function benchOrder(i: number): Command {
  return {
    op: Op.PLACE_ORDER,
    ts: 1_700_000_000_000 + i,
    orderId: 10_000_000 + i,
    userId: 1 + (i % 5000),
    symbolId: 1 + (i % 2),
    clientOrderId: `bench-${i}`,
    side: (i & 1) as 0 | 1,
    type: 0,
    tif: 0,
    price: 500_000 + (i % 2000),
    qty: 1 + (i % 100),
    stopPrice: 0,
    reduceOnly: false,
    closePosition: false,
    workingType: 0,
    callbackRate: 0,
    activationPrice: 0,
    stp: 1,
  };
}

/** Distinct PLACE_ORDERs, reused cyclically (immutable once appended). */
const POOL: Command[] = Array.from({ length: 1024 }, (_, i) => benchOrder(i));

class TrivialCore implements EngineCore {
  lastSeq = 0;
  constructor(private readonly spinMs: number) {}
  apply(c: LoggedCommand, out: EngineEvent[]): void {
    if (this.spinMs > 0) {
      const until = performance.now() + this.spinMs;
      while (performance.now() < until);
    }
    out.push(EVENT);
    this.lastSeq = c.seq;
  }
  snapshot(): Uint8Array {
    return new Uint8Array(0);
  }
  stateHash(): string {
    return "";
  }
}

const EVENT = { ev: 0 } as unknown as EngineEvent;

/**
 * `n` commands appended `perAppend` at a time, one event-loop turn between appends, with at most
 * `window` appended and not published; timed until the last one is published.
 */
export async function runnerPath(
  n: number,
  perAppend: number,
  coreMicros: number,
  window = Number.POSITIVE_INFINITY,
): Promise<PathRun> {
  const dir = mkdtempSync(join(tmpdir(), "perpx-bench-path-"));
  const log = await JournalCommandLog.open(dir, { onWarning: () => undefined });
  const runner = new EngineRunner({
    log,
    core: new TrivialCore(coreMicros / 1000),
    executeAhead: true,
    onFatal: (e) => {
      throw e;
    },
  });
  try {
    await runner.start();
    let decoded = 0;
    const read = log.read.bind(log);
    log.read = async (from, max) => {
      const got = await read(from, max);
      decoded += got.length;
      return got;
    };
    const done = new Promise<void>((resolve) => {
      runner.subscribe((_e, last) => {
        if (last >= n) resolve();
      });
    });
    const g0 = log.stats().groups;
    collectGarbage();
    const c0 = process.cpuUsage();
    let sent = 0;
    while (sent < n) {
      while (sent - runner.appliedSeq > window) await yieldTurn();
      const cmds: Command[] = [];
      for (let k = 0; k < perAppend && sent < n; k++, sent++) cmds.push(POOL[sent & 1023]!);
      void log.append(cmds);
      await yieldTurn();
    }
    await done;
    const cpu = process.cpuUsage(c0);
    return { cpuMicros: (cpu.user + cpu.system) / n, decoded, groups: log.stats().groups - g0 };
  } finally {
    await runner.stop();
    await log.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

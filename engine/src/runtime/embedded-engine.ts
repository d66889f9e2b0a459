// Assembles the engine of the embedded deployment: journal (command log) + snapshot store + sequencer
// with its matchers + runner. Owner: the launcher holds the returned handle; only the runner applies.
//
// Start = newest valid snapshot + replay of the journal after it (SPEC §12). With `fromSnapshot: false`
// the whole journal is replayed instead: the embedded launcher does that so the in-memory read model,
// which is built from events, sees the full history (order and trade history, funding rows).
//
// Books: on the main thread (`matcher.workers` 0, the default; books from `bookFactory`) or in matcher
// worker threads (`matcher.workers` n ≥ 1: WorkerMatchPort, each worker builds OrderBooks). Same log ⇒
// same events and state hash either way (SPEC §12).
import { join } from "node:path";
import { type Command, Op } from "@perpx/shared/commands";
import type { Instrument } from "@perpx/shared/domain";
import { JournalCommandLog, type JournalOptions } from "../log/journal/journal-command-log.js";
import type { OrderBookApi } from "../matcher/book-api.js";
import { MatcherUnavailableError, WorkerMatchPort } from "../matcher/worker-match-port.js";
import { InThreadMatchPort, type MatchPort } from "../sequencer/match-port.js";
import { Sequencer } from "../sequencer/sequencer.js";
import { SnapshotStore } from "../snapshot/snapshot-store.js";
import { EngineRunner } from "./engine-runner.js";

export interface EmbeddedEngineOptions {
  dataDir: string;
  /** makes the order book of a symbol (books on the main thread; workers build OrderBooks) */
  bookFactory: (symbolId: number) => OrderBookApi;
  /** where the books live: `workers` 0 = main thread (default), n = n matcher worker threads */
  matcher?: { workers: number; spins?: number };
  /** restore from the newest valid snapshot (default true) */
  fromSnapshot?: boolean;
  /** snapshot every N applied commands (default 100 000; 0 = only on request) */
  snapshotEvery?: number;
  /** instruments written to an empty log at first start (they are commands, so replay recreates them) */
  initialInstruments?: readonly Instrument[];
  journal?: JournalOptions;
  /**
   * apply commands as soon as they are appended, publish results only once durable, rebuild from the
   * newest snapshot + the durable journal if the journal drops appended commands (default true; see
   * engine-runner.ts)
   */
  executeAhead?: boolean;
  clock?: () => number;
  onWarning?: (msg: string) => void;
  onFatal?: (err: unknown) => void;
}

export interface EmbeddedEngine {
  log: JournalCommandLog;
  snapshots: SnapshotStore;
  /** the sequencer the runner drives now (replaced when a dropped journal group forces a rebuild) */
  readonly sequencer: Sequencer;
  /** the sequencer's books: InThreadMatchPort or WorkerMatchPort */
  readonly matcher: MatchPort;
  runner: EngineRunner;
  /** seq of the snapshot the engine started from (0 = none) */
  restoredFrom: number;
  close(): Promise<void>;
}

export async function openEmbeddedEngine(o: EmbeddedEngineOptions): Promise<EmbeddedEngine> {
  const warn = o.onWarning ?? ((m: string) => console.warn(m));
  const onFatal = o.onFatal ?? ((e) => console.error("engine stopped:", e));
  let failed = false;
  const fatal = (e: unknown) => {
    if (failed) return; // a dead worker is reported by the router and again by the apply it breaks
    failed = true;
    onFatal(e);
  };
  const log = await JournalCommandLog.open(join(o.dataDir, "journal"), { ...o.journal, onWarning: warn });
  const snapshots = await SnapshotStore.open(join(o.dataDir, "snapshots"), { onWarning: warn });
  let snap = (o.fromSnapshot ?? true) ? await snapshots.latestValid() : null;
  if (snap && snap.seq > log.lastSeq()) {
    warn(
      `snapshot at seq ${snap.seq} is ahead of the journal (last seq ${log.lastSeq()}): ignored, full replay`,
    );
    snap = null;
  }
  const workers = o.matcher?.workers ?? 0;
  const spins = o.matcher?.spins;
  const startWorkers = () =>
    WorkerMatchPort.start({
      workers,
      ...(spins === undefined ? {} : { spins }),
      onError: (f) => fatal(new MatcherUnavailableError(f.message)),
    });
  let workerPort = workers > 0 ? await startWorkers() : null;
  let matcher: MatchPort = workerPort ?? new InThreadMatchPort(o.bookFactory);
  let sequencer: Sequencer;
  try {
    sequencer = snap ? Sequencer.restore(snap.state, matcher) : new Sequencer({ matcher });
  } catch (e) {
    await workerPort?.close();
    await log.close();
    await snapshots.close();
    throw e;
  }
  const restoredFrom = snap?.seq ?? 0;
  if (log.lastSeq() === 0 && o.initialInstruments?.length) {
    const ts = (o.clock ?? Date.now)();
    const cmds: Command[] = o.initialInstruments.map((instrument) => ({
      op: Op.UPSERT_INSTRUMENT,
      ts,
      instrument,
    }));
    await log.append(cmds);
  }
  // after the journal dropped appended commands the runner had applied: fresh books, newest snapshot
  // (snapshots are only saved once durable); the runner replays the durable journal after it
  const rebuild = async (): Promise<Sequencer> => {
    if (workerPort) {
      await workerPort.close();
      workerPort = await startWorkers();
      matcher = workerPort;
    } else matcher = new InThreadMatchPort(o.bookFactory);
    const s = await snapshots.latestValid();
    sequencer =
      s && s.seq <= log.lastSeq() ? Sequencer.restore(s.state, matcher) : new Sequencer({ matcher });
    return sequencer;
  };
  const runner = new EngineRunner({
    log,
    core: sequencer,
    executeAhead: o.executeAhead ?? true,
    rebuild,
    onRebuilt: (seq, ms) =>
      warn(`journal write failed: engine state rebuilt to seq ${seq} in ${ms.toFixed(0)} ms`),
    snapshots: { save: async (seq, bytes) => void (await snapshots.write(seq, bytes)) },
    snapshotEvery: o.snapshotEvery ?? 100_000,
    onFatal: fatal,
    onSnapshotError: (e) => warn(`snapshot failed: ${String(e)}`),
  });
  return {
    log,
    snapshots,
    get sequencer() {
      return sequencer;
    },
    get matcher() {
      return matcher;
    },
    runner,
    restoredFrom,
    close: async () => {
      await runner.stop();
      await log.close();
      await snapshots.close();
      await workerPort?.close();
    },
  };
}

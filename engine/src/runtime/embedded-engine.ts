// Assembles the engine of the embedded deployment: journal (command log) + snapshot store + sequencer
// with its matchers + runner. Owner: the launcher holds the returned handle; only the runner applies.
//
// Start = newest valid snapshot + replay of the journal after it (SPEC §12). With `fromSnapshot: false`
// the whole journal is replayed instead: the embedded launcher does that so the in-memory read model,
// which is built from events, sees the full history (order and trade history, funding rows).
import { join } from "node:path";
import { type Command, Op } from "@perpx/shared/commands";
import type { Instrument } from "@perpx/shared/domain";
import { JournalCommandLog, type JournalOptions } from "../log/journal/journal-command-log.js";
import type { OrderBookApi } from "../matcher/book-api.js";
import { InThreadMatchPort } from "../sequencer/match-port.js";
import { Sequencer } from "../sequencer/sequencer.js";
import { SnapshotStore } from "../snapshot/snapshot-store.js";
import { EngineRunner } from "./engine-runner.js";

export interface EmbeddedEngineOptions {
  dataDir: string;
  /** makes the order book of a symbol */
  bookFactory: (symbolId: number) => OrderBookApi;
  /** restore from the newest valid snapshot (default true) */
  fromSnapshot?: boolean;
  /** snapshot every N applied commands (default 100 000; 0 = only on request) */
  snapshotEvery?: number;
  /** instruments written to an empty log at first start (they are commands, so replay recreates them) */
  initialInstruments?: readonly Instrument[];
  journal?: JournalOptions;
  clock?: () => number;
  onWarning?: (msg: string) => void;
  onFatal?: (err: unknown) => void;
}

export interface EmbeddedEngine {
  log: JournalCommandLog;
  snapshots: SnapshotStore;
  sequencer: Sequencer;
  runner: EngineRunner;
  /** seq of the snapshot the engine started from (0 = none) */
  restoredFrom: number;
  close(): Promise<void>;
}

export async function openEmbeddedEngine(o: EmbeddedEngineOptions): Promise<EmbeddedEngine> {
  const warn = o.onWarning ?? ((m: string) => console.warn(m));
  const log = await JournalCommandLog.open(join(o.dataDir, "journal"), { ...o.journal, onWarning: warn });
  const snapshots = await SnapshotStore.open(join(o.dataDir, "snapshots"), { onWarning: warn });
  const matcher = new InThreadMatchPort(o.bookFactory);
  let sequencer = new Sequencer({ matcher });
  let restoredFrom = 0;
  if (o.fromSnapshot ?? true) {
    const snap = await snapshots.latestValid();
    if (snap && snap.seq <= log.lastSeq()) {
      sequencer = Sequencer.restore(snap.state, new InThreadMatchPort(o.bookFactory));
      restoredFrom = snap.seq;
    } else if (snap) {
      warn(
        `snapshot at seq ${snap.seq} is ahead of the journal (last seq ${log.lastSeq()}): ignored, full replay`,
      );
    }
  }
  if (log.lastSeq() === 0 && o.initialInstruments?.length) {
    const ts = (o.clock ?? Date.now)();
    const cmds: Command[] = o.initialInstruments.map((instrument) => ({
      op: Op.UPSERT_INSTRUMENT,
      ts,
      instrument,
    }));
    await log.append(cmds);
  }
  const runner = new EngineRunner({
    log,
    core: sequencer,
    snapshots: { save: async (seq, bytes) => void (await snapshots.write(seq, bytes)) },
    snapshotEvery: o.snapshotEvery ?? 100_000,
    onFatal: o.onFatal ?? ((e) => console.error("engine stopped:", e)),
    onSnapshotError: (e) => warn(`snapshot failed: ${String(e)}`),
  });
  return {
    log,
    snapshots,
    sequencer,
    runner,
    restoredFrom,
    close: async () => {
      await runner.stop();
      await log.close();
      await snapshots.close();
    },
  };
}

// The engine process of the distributed deployment (SPEC §1, §10, §12; docs/DISTRIBUTED.md), assembled
// like embedded-engine.ts but on Kafka:
//
//   KafkaCommandLog {role: "engine"} (recorded sequence) ─▶ Sequencer ─▶ EngineRunner ─▶ KafkaEventLog
//
// Start: take over the sequence topic (fences any previous engine), restore the newest valid local
// snapshot in DATA_DIR/snapshots when the recorded sequence reaches it, then the runner reads from
// snapshot seq + 1 (the reader seeks each input topic to the first offset recorded at or after it) and
// replays, then tails live input. The event log is connected with `resume`, so events re-emitted by the
// replay (positions at or before the last published one) are not published twice.
//
// Ordering and back-pressure: the runner's subscriber is synchronous; it routes each batch into the
// event log's in-memory queue (publish keeps engine order: one produce request in flight, retried for
// ever). Back-pressure is applied on the READ side: before the runner reads the next batch of commands,
// `read()` waits while more than `maxEventBacklog` events are queued but not yet acknowledged by Kafka,
// so a slow broker slows the engine instead of growing memory without bound.
//
// Snapshots: a snapshot at seq S is written only after every event routed so far (all of seq ≤ S) is
// acknowledged by Kafka. Otherwise a crash could leave a snapshot at S whose events were never
// published, and a restart from S would never publish them.
//
// Schedulers (funding, mark samples): at most ONE engine process runs them (option `schedulers`); they
// write through their own append-only KafkaCommandLog, like any other writer.
import { join } from "node:path";
import type { LoggedCommand } from "@perpx/shared/commands";
import { type Command, Op } from "@perpx/shared/commands";
import type { Instrument } from "@perpx/shared/domain";
import type { Kafka } from "kafkajs";
import type { CommandLog } from "../log/command-log.js";
import { KafkaEventLog } from "../log/kafka/event-log.js";
import { KafkaCommandLog } from "../log/kafka/kafka-command-log.js";
import type { SequencedReaderOptions } from "../log/kafka/sequenced-reader.js";
import type { KafkaNames } from "../log/kafka/topics.js";
import type { OrderBookApi } from "../matcher/book-api.js";
import { InThreadMatchPort } from "../sequencer/match-port.js";
import { Sequencer } from "../sequencer/sequencer.js";
import { SnapshotStore } from "../snapshot/snapshot-store.js";
import { EngineRunner } from "./engine-runner.js";
import { type Scheduler, startFundingScheduler, startMarkSampler } from "./schedulers.js";

export interface DistributedEngineOptions {
  kafka: Kafka;
  names: KafkaNames;
  /** snapshots live in dataDir/snapshots */
  dataDir: string;
  bookFactory: (symbolId: number) => OrderBookApi;
  /** snapshot every N applied commands (default 100 000; 0 = only on SNAPSHOT commands) */
  snapshotEvery?: number;
  /** instruments written to matching_engine_preload when the recorded sequence is empty */
  initialInstruments?: readonly Instrument[];
  /** run the funding scheduler and the mark sampler (exactly one engine may; default false) */
  schedulers?: boolean;
  /** MARK_SAMPLE cadence, ms (default 5 000; 0 = off) */
  markSampleMs?: number;
  /** funding interval, hours (default 8) */
  fundingHours?: number;
  /** events queued but not acknowledged before the runner stops reading commands (default 200 000) */
  maxEventBacklog?: number;
  reader?: SequencedReaderOptions;
  clock?: () => number;
  onWarning?: (msg: string) => void;
  onFatal?: (err: unknown) => void;
}

export interface DistributedEngine {
  log: KafkaCommandLog;
  events: KafkaEventLog;
  snapshots: SnapshotStore;
  sequencer: Sequencer;
  runner: EngineRunner;
  /** seq of the snapshot the engine started from (0 = none) */
  restoredFrom: number;
  /** commands applied by start() (replay up to the recorded sequence's end) */
  replayed: number;
  /** Stops the schedulers and the runner, publishes what is queued, closes Kafka clients. */
  close(): Promise<void>;
}

/** The runner's view of the command log: reads wait while the event output is backed up. */
class BackpressuredLog implements CommandLog {
  constructor(
    private readonly log: KafkaCommandLog,
    private readonly events: KafkaEventLog,
    private readonly maxBacklog: number,
  ) {}
  append(cmds: readonly Command[]): Promise<number[]> {
    return this.log.append(cmds);
  }
  async read(from: number, max: number): Promise<LoggedCommand[]> {
    if (this.events.backlog() > this.maxBacklog) await this.events.flush();
    return this.log.read(from, max);
  }
  lastSeq(): number {
    return this.log.lastSeq();
  }
  waitFor(after: number, timeoutMs: number): Promise<boolean> {
    return this.log.waitFor(after, timeoutMs);
  }
  close(): Promise<void> {
    return this.log.close();
  }
}

export async function openDistributedEngine(o: DistributedEngineOptions): Promise<DistributedEngine> {
  const warn = o.onWarning ?? ((m: string) => console.warn(m));
  const clock = o.clock ?? Date.now;
  const log = new KafkaCommandLog({
    kafka: o.kafka,
    names: o.names,
    role: "engine",
    reader: { onError: (e) => warn(`sequenced reader: ${String(e)}`), ...o.reader },
  });
  const events = new KafkaEventLog(o.kafka, o.names, {
    onError: (e) => warn(`event output: ${String(e)} (retrying)`),
  });
  const snapshots = await SnapshotStore.open(join(o.dataDir, "snapshots"), { onWarning: warn });
  const schedulers: Scheduler[] = [];
  let schedLog: KafkaCommandLog | undefined;
  try {
    // take over the sequence topic and learn what was recorded before (fences a previous engine)
    const reader = await log.startReader();
    await events.connect({ resume: true });

    let sequencer = new Sequencer({ matcher: new InThreadMatchPort(o.bookFactory) });
    let restoredFrom = 0;
    const snap = await snapshots.latestValid();
    if (snap && snap.seq <= reader.lastSeq()) {
      sequencer = Sequencer.restore(snap.state, new InThreadMatchPort(o.bookFactory));
      restoredFrom = snap.seq;
    } else if (snap) {
      warn(
        `snapshot at seq ${snap.seq} is ahead of the recorded sequence (last seq ${reader.lastSeq()}): ignored, full replay`,
      );
    }
    if (reader.lastSeq() === 0 && restoredFrom === 0 && o.initialInstruments?.length) {
      // an empty deployment: the instruments are commands, so every replay recreates them. If a
      // previous start wrote them but crashed before sequencing, they are written again: UPSERT is
      // idempotent on the symbol.
      const ts = clock();
      await log.appendPreload(
        o.initialInstruments.map((instrument) => ({ op: Op.UPSERT_INSTRUMENT, ts, instrument })),
      );
    }

    const runner = new EngineRunner({
      log: new BackpressuredLog(log, events, o.maxEventBacklog ?? 200_000),
      core: sequencer,
      snapshots: {
        save: async (seq, bytes) => {
          await events.flush(); // every event of seq ≤ this snapshot is published first (see top)
          await snapshots.write(seq, bytes);
        },
      },
      snapshotEvery: o.snapshotEvery ?? 100_000,
      onFatal: o.onFatal ?? ((e) => console.error("engine stopped:", e)),
      onSnapshotError: (e) => warn(`snapshot failed: ${String(e)}`),
    });
    runner.subscribe(events.subscriber({ markApplied: true }));
    // replay: everything recorded before this engine took over (start() resolves once caught up)
    const before = runner.appliedSeq;
    await runner.start();
    const replayed = runner.appliedSeq - before;

    if (o.schedulers) {
      schedLog = new KafkaCommandLog({ kafka: o.kafka, names: o.names });
      const sl = schedLog;
      const append = (cmds: readonly Command[]) => sl.append(cmds);
      const schedErr = (e: unknown) => warn(`scheduler could not write its command: ${String(e)}`);
      schedulers.push(startFundingScheduler(append, clock, o.fundingHours ?? 8, schedErr));
      const markMs = o.markSampleMs ?? 5_000;
      if (markMs > 0) schedulers.push(startMarkSampler(append, clock, markMs, schedErr));
    }

    let closed = false;
    return {
      log,
      events,
      snapshots,
      sequencer,
      runner,
      restoredFrom,
      replayed,
      async close() {
        if (closed) return;
        closed = true;
        for (const s of schedulers) s.stop();
        await schedLog?.close();
        await runner.stop();
        await events.close();
        await log.close();
        await snapshots.close();
      },
    };
  } catch (e) {
    for (const s of schedulers) s.stop();
    await Promise.allSettled([schedLog?.close(), events.close(), log.close(), snapshots.close()]);
    throw e;
  }
}

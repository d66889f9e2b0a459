// The engine's main loop: reads the command log in order, applies each command to the core (the
// sequencer), and hands every batch of resulting events, in order, to the subscribers (read model,
// stream, event log). Owner: the runner alone calls core.apply; nothing else mutates engine state.
//
// Start = newest valid snapshot (if any) + replay of the log after it, then tail the log.
// Batching is only of delivery: each command is applied alone and in log order, so batch sizes (which
// depend on timing) never change results.
import { type Command, type LoggedCommand, Op } from "@perpx/shared/commands";
import type { EngineEvent } from "@perpx/shared/events";
import type { CommandLog } from "../log/command-log.js";

/** What the runner drives: the sequencer satisfies this. */
export interface EngineCore {
  apply(cmd: LoggedCommand, out: EngineEvent[]): void;
  readonly lastSeq: number;
  snapshot(): Uint8Array;
  stateHash(): string;
}

/** Where snapshots go (the journal's snapshot store satisfies this). */
export interface SnapshotSink {
  save(seq: number, bytes: Uint8Array): Promise<void>;
}

export type EventSubscriber = (events: readonly EngineEvent[], lastSeq: number) => void;

export interface RunnerOptions {
  log: CommandLog;
  core: EngineCore;
  snapshots?: SnapshotSink;
  /** commands read from the log per batch */
  readBatch?: number;
  /** take a snapshot every N applied commands (0 = only on request) */
  snapshotEvery?: number;
  /** called when applying throws (a bug): the runner stops rather than run on with unknown state */
  onFatal?: (err: unknown) => void;
  /** a snapshot that could not be written (the log still holds everything: not fatal) */
  onSnapshotError?: (err: unknown) => void;
}

export interface SnapshotStats {
  seq: number;
  /** ms the apply loop was paused to serialize state */
  pauseMs: number;
  bytes: number;
}

export class EngineRunner {
  private readonly subs = new Set<EventSubscriber>();
  private readonly seqWaiters = new Map<number, Array<() => void>>();
  private running = false;
  private loop: Promise<void> | undefined;
  private sinceSnapshot = 0;
  private snapshotWanted = false;
  private pendingSave: Promise<void> = Promise.resolve();
  lastSnapshot: SnapshotStats | undefined;

  constructor(private readonly opts: RunnerOptions) {}

  get appliedSeq(): number {
    return this.opts.core.lastSeq;
  }

  subscribe(fn: EventSubscriber): () => void {
    this.subs.add(fn);
    return () => this.subs.delete(fn);
  }

  /** Replays what the log holds, then keeps tailing it. Resolves once caught up with the log. */
  async start(): Promise<void> {
    if (this.running) return;
    this.running = true;
    await this.drain();
    this.loop = this.tail();
  }

  async stop(): Promise<void> {
    this.running = false;
    await this.loop;
    await this.pendingSave;
  }

  /** Resolves true once the command with this seq has been applied (false on timeout). */
  waitApplied(seq: number, timeoutMs: number): Promise<boolean> {
    if (this.appliedSeq >= seq) return Promise.resolve(true);
    return new Promise((resolve) => {
      const timer = setTimeout(() => {
        list.splice(list.indexOf(done), 1);
        resolve(false);
      }, timeoutMs);
      const done = () => {
        clearTimeout(timer);
        resolve(true);
      };
      const list = this.seqWaiters.get(seq) ?? [];
      list.push(done);
      this.seqWaiters.set(seq, list);
    });
  }

  /** Resolves when every snapshot taken so far is written. */
  flushSnapshots(): Promise<void> {
    return this.pendingSave;
  }

  /** Ask for a snapshot at the next batch boundary. */
  requestSnapshot(): void {
    this.snapshotWanted = true;
  }

  private async tail(): Promise<void> {
    while (this.running) {
      try {
        const got = await this.drain();
        if (got === 0) await this.opts.log.waitFor(this.appliedSeq, 50);
      } catch (err) {
        this.running = false;
        this.opts.onFatal?.(err);
        return;
      }
    }
  }

  /** Applies everything durable in the log; returns how many commands were applied. */
  private async drain(): Promise<number> {
    const max = this.opts.readBatch ?? 4096;
    let total = 0;
    for (;;) {
      const batch = await this.opts.log.read(this.appliedSeq + 1, max);
      if (batch.length === 0) return total;
      const events: EngineEvent[] = [];
      for (const c of batch) {
        this.opts.core.apply(c, events);
        if (isSnapshotRequest(c.cmd)) this.snapshotWanted = true;
      }
      total += batch.length;
      this.sinceSnapshot += batch.length;
      const last = this.appliedSeq;
      for (const fn of this.subs) fn(events, last);
      this.wakeWaiters(last);
      const every = this.opts.snapshotEvery ?? 0;
      if (this.snapshotWanted || (every > 0 && this.sinceSnapshot >= every)) this.takeSnapshot();
    }
  }

  private wakeWaiters(upTo: number): void {
    if (this.seqWaiters.size === 0) return;
    for (const [seq, list] of this.seqWaiters) {
      if (seq > upTo) continue;
      this.seqWaiters.delete(seq);
      for (const fn of list) fn();
    }
  }

  private takeSnapshot(): void {
    this.snapshotWanted = false;
    this.sinceSnapshot = 0;
    const sink = this.opts.snapshots;
    if (!sink) return;
    const t0 = performance.now();
    const seq = this.appliedSeq;
    const bytes = this.opts.core.snapshot();
    const pauseMs = performance.now() - t0;
    this.lastSnapshot = { seq, pauseMs, bytes: bytes.length };
    // compression, checksum and fsync happen off the apply path: saves are chained, not awaited here
    this.pendingSave = this.pendingSave
      .then(() => sink.save(seq, bytes))
      .catch((err: unknown) => this.opts.onSnapshotError?.(err));
  }
}

function isSnapshotRequest(cmd: Command): boolean {
  return cmd.op === Op.SNAPSHOT;
}

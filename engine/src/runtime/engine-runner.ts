// The engine's main loop: reads the command log in order, applies each command to the core (the
// sequencer), and hands every batch of resulting events, in order, to the subscribers (read model,
// stream, event log). Owner: the runner alone calls core.apply; nothing else mutates engine state.
//
// Start = newest valid snapshot (if any) + replay of the log after it, then tail the log.
// Batching is only of delivery: each command is applied alone and in log order, so batch sizes (which
// depend on timing) never change results.
//
// Execute-ahead (`executeAhead`, a log that is an AheadLog: the embedded journal): commands are applied as
// soon as they are appended (taken from the journal's memory, not read back and decoded), while their
// group is still being written and fsynced; their events wait in `PendingEvents` and are published (to
// subscribers, `waitApplied`, snapshots) only once the log says they are durable — so nothing a client
// or the read model sees ever rests on a command that could still be lost. When the log drops appended
// commands (a failed write/fsync: onRollback), the state holds commands that are not durable and whose
// seqs will be reused: the unpublished events are discarded and the core is rebuilt (`rebuild`: newest
// snapshot, then a silent replay of the durable log up to what was published) before anything else is
// applied. Without `rebuild` the runner stops (onFatal) instead.
import { type Command, type LoggedCommand, Op } from "@perpx/shared/commands";
import type { EngineEvent } from "@perpx/shared/events";
import { type AheadLog, isAheadLog } from "../log/ahead-log.js";
import type { CommandLog } from "../log/command-log.js";
import { PendingEvents } from "./pending-events.js";

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
  /** commands whose events are handed to subscribers together, at most (keeps event lifetimes short) */
  publishChunk?: number;
  /**
   * Execute-ahead tailing: commands applied before the runner gives the event loop a turn, at most (a
   * backlog is applied in slices, so the journal's fsync completions and the publication of durable
   * groups are not held behind one long apply burst). The start-up replay is not sliced, nor is a backlog
   * above CATCH_UP_ABOVE (see there), nor a runner that reads durable records back (Kafka, read-back).
   */
  sliceCommands?: number;
  /** take a snapshot every N applied commands (0 = only on request) */
  snapshotEvery?: number;
  /** apply appended commands before they are durable, publish only durable results (see the header) */
  executeAhead?: boolean;
  /**
   * Execute-ahead: a fresh core at or before the last published seq (newest snapshot, or empty), after
   * the log dropped commands the old core had applied. The runner replays the durable log into it up to
   * the published seq without publishing. Without it a rollback stops the runner (onFatal).
   */
  rebuild?: () => Promise<EngineCore>;
  /** called when applying throws (a bug): the runner stops rather than run on with unknown state */
  onFatal?: (err: unknown) => void;
  /** a snapshot that could not be written (the log still holds everything: not fatal) */
  onSnapshotError?: (err: unknown) => void;
  /** execute-ahead: after a rebuild (the seq the core was rebuilt to, ms it took) */
  onRebuilt?: (seq: number, ms: number) => void;
}

export interface SnapshotStats {
  seq: number;
  /** ms the apply loop was paused to serialize state */
  pauseMs: number;
  bytes: number;
}

export class RollbackError extends Error {
  constructor(durableSeq: number) {
    super(`the command log dropped appended commands after seq ${durableSeq} that the engine had applied`);
    this.name = "RollbackError";
  }
}

export class EngineRunner {
  private readonly subs = new Set<EventSubscriber>();
  private readonly seqWaiters = new Map<number, Array<() => void>>();
  private readonly appliedFns = new Set<(seq: number) => void>();
  private running = false;
  private loop: Promise<void> | undefined;
  private sinceSnapshot = 0;
  private snapshotWanted = false;
  private pendingSave: Promise<void> = Promise.resolve();
  private core: EngineCore;
  private readonly ahead: AheadLog | null;
  private readonly pending = new PendingEvents();
  /** last seq whose events were published (execute-ahead; otherwise = core.lastSeq) */
  private published = 0;
  /** a snapshot serialized ahead of durability: saved once its seq is published, dropped on rollback */
  private heldSnapshot: { seq: number; bytes: Uint8Array } | null = null;
  private rolledBack = false;
  /**
   * The log's last seq when start() began: SNAPSHOT commands at or below it were asked of an earlier run
   * (which wrote the snapshot, or died before it could: the caller got no answer either way), so replaying
   * them takes no snapshot — a restart would otherwise re-take every requested snapshot of the history.
   */
  private replayedTo = 0;
  private readonly unhook: Array<() => void> = [];
  /** rollbacks that forced a rebuild, since start */
  rebuilds = 0;
  lastSnapshot: SnapshotStats | undefined;

  constructor(private readonly opts: RunnerOptions) {
    this.core = opts.core;
    this.ahead = opts.executeAhead && isAheadLog(opts.log) ? opts.log : null;
    this.published = this.core.lastSeq;
  }

  /** Applied and published: every command up to here is durable and its events were delivered. */
  get appliedSeq(): number {
    return this.ahead ? this.published : this.core.lastSeq;
  }

  /** Applied to the in-memory state (execute-ahead: may be ahead of durable; never published early). */
  get executedSeq(): number {
    return this.core.lastSeq;
  }

  /** The core the runner drives now (a rebuild replaces it). */
  get engineCore(): EngineCore {
    return this.core;
  }

  subscribe(fn: EventSubscriber): () => void {
    this.subs.add(fn);
    return () => this.subs.delete(fn);
  }

  /** Called after each applied chunk with the executed seq, durable or not (latency measurement). */
  onExecuted(fn: (seq: number) => void): () => void {
    this.appliedFns.add(fn);
    return () => this.appliedFns.delete(fn);
  }

  /** Replays what the log holds, then keeps tailing it. Resolves once caught up with the log. */
  async start(): Promise<void> {
    if (this.running) return;
    this.running = true;
    const a = this.ahead;
    if (a) {
      this.unhook.push(
        a.onDurable((seq) => {
          try {
            this.publish(seq);
          } catch (err) {
            // a subscriber threw: stop as an apply error would (never break the journal's commit)
            this.running = false;
            this.opts.onFatal?.(err);
          }
        }),
        a.onRollback((seq) => this.rollback(seq)),
      );
    }
    this.replayedTo = this.opts.log.lastSeq();
    await this.drain();
    this.loop = this.tail();
  }

  async stop(): Promise<void> {
    this.running = false;
    await this.loop;
    for (const f of this.unhook.splice(0)) f();
    await this.pendingSave;
  }

  /** Resolves true once the command with this seq has been applied and published (false on timeout). */
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
    // only an execute-ahead runner shares its thread with the log's fsync completions (the embedded journal)
    const slice = this.ahead ? (this.opts.sliceCommands ?? 256) : Number.POSITIVE_INFINITY;
    while (this.running) {
      try {
        const limit = Math.max(slice, this.backlog() - CATCH_UP_TO);
        const got = await this.drain(limit);
        if (got >= limit) await nextTurn(); // more may be waiting: let I/O completions run first
        if (got > 0) continue;
        if (this.ahead) await this.ahead.waitAppended(this.core.lastSeq, 50);
        else await this.opts.log.waitFor(this.core.lastSeq, 50);
      } catch (err) {
        this.running = false;
        this.opts.onFatal?.(err);
        return;
      }
    }
  }

  /** Execute-ahead: commands appended and not applied yet, when more than CATCH_UP_ABOVE (else 0). */
  private backlog(): number {
    if (!this.ahead) return 0;
    const n = this.ahead.appendedSeq() - this.core.lastSeq;
    return n > CATCH_UP_ABOVE ? n : 0;
  }

  /** Applies what the log holds, `limit` commands at most; returns how many commands were applied. */
  private async drain(limit = Number.POSITIVE_INFINITY): Promise<number> {
    const readBatch = this.opts.readBatch ?? 4096;
    let total = 0;
    while (total < limit) {
      if (this.rolledBack) await this.rebuildCore();
      const next = this.core.lastSeq + 1;
      const max = Math.min(readBatch, limit - total);
      // execute-ahead: the appended objects while the log still holds them (durable or not), else decode
      let batch = this.ahead ? this.ahead.readAhead(next, max) : NONE;
      if (batch.length === 0 && (!this.ahead || next <= this.opts.log.lastSeq()))
        batch = await this.opts.log.read(next, max);
      // a rollback during the read's await voids what the core had applied: rebuild first
      if (this.rolledBack) continue;
      if (batch.length === 0) return total;
      this.applyBatch(batch);
      total += batch.length;
    }
    return total;
  }

  private applyBatch(batch: readonly LoggedCommand[]): void {
    const chunk = this.opts.publishChunk ?? 512;
    const core = this.core;
    for (let i = 0; i < batch.length; i += chunk) {
      const end = Math.min(batch.length, i + chunk);
      const events: EngineEvent[] = [];
      if (this.ahead) {
        const ends = this.pending.open(events, batch[i]!.seq);
        for (let k = i; k < end; k++) {
          const c = batch[k]!;
          core.apply(c, events);
          ends.push(events.length);
          if (c.seq > this.replayedTo && isSnapshotRequest(c.cmd)) this.snapshotWanted = true;
        }
      } else {
        for (let k = i; k < end; k++) {
          const c = batch[k]!;
          core.apply(c, events);
          if (c.seq > this.replayedTo && isSnapshotRequest(c.cmd)) this.snapshotWanted = true;
        }
      }
      this.sinceSnapshot += end - i;
      const last = core.lastSeq;
      for (const fn of this.appliedFns) fn(last);
      if (this.ahead) this.publish(this.opts.log.lastSeq());
      else this.deliver(events, last);
      const every = this.opts.snapshotEvery ?? 0;
      if (this.snapshotWanted || (every > 0 && this.sinceSnapshot >= every)) this.takeSnapshot();
    }
  }

  /** Execute-ahead: hands subscribers the events of every applied command up to `durableSeq`. */
  private publish(durableSeq: number): void {
    if (this.rolledBack) return;
    const upTo = Math.min(durableSeq, this.core.lastSeq);
    if (upTo <= this.published) return;
    this.pending.release(upTo, this.deliverFn);
    this.published = upTo;
    this.wakeWaiters(upTo);
    const held = this.heldSnapshot;
    if (held && held.seq <= upTo) {
      this.heldSnapshot = null;
      this.save(held.seq, held.bytes);
    }
  }

  /** deliver(), bound once (publish runs once per durable group) */
  private readonly deliverFn = (events: readonly EngineEvent[], last: number): void =>
    this.deliver(events, last);

  private deliver(events: readonly EngineEvent[], last: number): void {
    for (const fn of this.subs) fn(events, last);
    if (!this.ahead) this.wakeWaiters(last);
  }

  /** Execute-ahead: the log dropped every seq above `durableSeq`. */
  private rollback(durableSeq: number): void {
    // the journal publishes up to the durable seq before it fails a later group
    this.publish(durableSeq);
    if (this.core.lastSeq <= durableSeq) return; // nothing non-durable was applied
    this.pending.clear();
    this.heldSnapshot = null;
    this.rolledBack = true;
  }

  private async rebuildCore(): Promise<void> {
    const rebuild = this.opts.rebuild;
    if (!rebuild) throw new RollbackError(this.published);
    const t0 = performance.now();
    const core = await rebuild();
    const max = this.opts.readBatch ?? 4096;
    const scratch: EngineEvent[] = [];
    while (core.lastSeq < this.published) {
      const batch = await this.opts.log.read(core.lastSeq + 1, Math.min(max, this.published - core.lastSeq));
      if (batch.length === 0)
        throw new Error(`rebuild: the log ends at ${core.lastSeq}, published up to ${this.published}`);
      for (const c of batch) core.apply(c, scratch);
      scratch.length = 0;
    }
    this.core = core;
    this.rolledBack = false;
    this.rebuilds++;
    this.opts.onRebuilt?.(core.lastSeq, performance.now() - t0);
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
    if (!this.opts.snapshots) return;
    const t0 = performance.now();
    const seq = this.core.lastSeq;
    const bytes = this.core.snapshot();
    const pauseMs = performance.now() - t0;
    this.lastSnapshot = { seq, pauseMs, bytes: bytes.length };
    // a snapshot must never cover a command that could still be dropped (its seq would be reused)
    if (this.ahead && seq > this.published) this.heldSnapshot = { seq, bytes };
    else this.save(seq, bytes);
  }

  private save(seq: number, bytes: Uint8Array): void {
    const sink = this.opts.snapshots;
    if (!sink) return;
    // compression, checksum and fsync happen off the apply path: saves are chained, not awaited here
    this.pendingSave = this.pendingSave
      .then(() => sink.save(seq, bytes))
      .catch((err: unknown) => this.opts.onSnapshotError?.(err));
  }
}

const NONE: LoggedCommand[] = [];

/**
 * Execute-ahead: a backlog above this many commands (an overload, not a burst) is applied down to
 * CATCH_UP_TO without event-loop turns in between, as without slices: yielding then would let the
 * appenders outrun the runner until the journal no longer holds the durable groups' objects (16 384
 * commands, held-batches.ts) and every command is read back and decoded (≈ +0.8 µs each), slowing the
 * runner further.
 */
const CATCH_UP_ABOVE = 8_192;
const CATCH_UP_TO = 4_096;

/** One turn of the event loop (after its I/O callbacks), not just a microtask. */
function nextTurn(): Promise<void> {
  return new Promise((resolve) => setImmediate(resolve));
}

function isSnapshotRequest(cmd: Command): boolean {
  return cmd.op === Op.SNAPSHOT;
}

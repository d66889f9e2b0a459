// The embedded command log (SPEC §1, §12): append-only segment files in one directory, group-committed.
// Owner: one instance per directory, on one thread (the gateway's in the embedded deployment).
//
// Group commit: append() frames its commands into the open batch at once (seqs are assigned in call
// order) and returns a promise. The flush loop writes one batch at a time — one pwrite into an O_DSYNC
// segment (or a pwrite and an fdatasync) — and resolves every call of the batch only once it is durable. While a batch is being written, new calls
// fill the next batch, so the group size follows the fsync latency; `maxGroupDelayMs` waits a little for
// company when the log is idle (0 = next turn of the event loop), `maxGroupRecords`/`maxGroupBytes` cap a
// group. A failed write or fsync rejects the batch and everything queued behind it (their seqs assumed
// it) with a retriable LOG_UNAVAILABLE, after the partial write was truncated away.
// Format: record-frame.ts. Recovery rules: recovery.ts; opening a directory: journal-open.ts.
//
// Execute-ahead (`AheadLog`): the engine runner may take commands as soon as they are framed into a
// group — readAhead() hands out the very objects given to append() (no read-back, no decode) — and apply
// them before their fsync, as long as it publishes a command's results only once it is durable
// (onDurable) and throws away everything it applied past the durable seq when a group fails (onRollback:
// the failed seqs are reused by the next appends). append() takes ownership of its command objects: a
// caller must not change them afterwards. A runner that fell behind the disk still gets the objects of
// durable groups it has not taken (held-batches.ts); waiting for appends: append-wait.ts.

import type { Command, LoggedCommand } from "@perpx/shared/commands";
import type { AheadLog } from "../ahead-log.js";
import type { CommandLog } from "../command-log.js";
import { AppendBatch } from "./append-batch.js";
import { AppendSignal, DurableWaiters } from "./append-wait.js";
import { HeldBatches, takeFrom } from "./held-batches.js";
import { corrupt, JournalError, unavailable } from "./journal-error.js";
import type { JournalIo } from "./journal-io.js";
import { emptySegment, openDirectory } from "./journal-open.js";
import {
  type JournalOptions,
  type JournalStats,
  type WriteOptions,
  writeDefaults,
} from "./journal-options.js";
import { F_LENGTH, FRAME_HEADER_BYTES, frameLength, SEGMENT_HEADER_BYTES } from "./record-frame.js";
import type { RecoveryReport } from "./recovery.js";
import { findSegment, readSegment, type SegmentInfo } from "./segment-reader.js";
import { SegmentWriter, type WriterCounters } from "./segment-writer.js";
import { TailCache } from "./tail-cache.js";

export type { JournalOptions, JournalStats } from "./journal-options.js";

/** durable commands kept for a runner that fell behind the disk (execute-ahead: HeldBatches), at most */
const HELD_RECORDS = 16_384;
/** group buffers kept for reuse: one being filled, one being written, one spare */
const SPARE_BUFFERS = 3;
const NO_BYTES = new Uint8Array(0);
const RESOLVED_TRUE = Promise.resolve(true);
const RESOLVED_FALSE = Promise.resolve(false);

export class JournalCommandLog implements CommandLog, AheadLog {
  private readonly counters: Omit<JournalStats, keyof WriterCounters> = {
    appends: 0,
    records: 0,
    groups: 0,
    maxGroupRecords: 0,
    rotations: 0,
    failedAppends: 0,
  };
  private readonly cache: TailCache;
  private durableSeq: number;
  private nextSeq: number;
  private openBatch: AppendBatch | null = null;
  private readonly queue: AppendBatch[] = [];
  /** the batch being written (shifted out of the queue) */
  private inFlight: AppendBatch | null = null;
  private readonly durableFns = new Set<(seq: number) => void>();
  private readonly rollbackFns = new Set<(seq: number) => void>();
  private readonly appended = new AppendSignal();
  /** durable groups the runner has not taken yet (execute-ahead) */
  private readonly held: HeldBatches;
  private flushing: Promise<void> | null = null;
  /** capacity of the next group's buffer: the last sealed group's size (4 KiB … maxGroupBytes) */
  private groupBytesHint = 4096;
  /** buffers of durable groups, reused by the next groups (one allocation per group otherwise) */
  private readonly spareBufs: Uint8Array[] = [];
  private scheduled = false;
  private closed = false;
  private broken: JournalError | null = null;
  private readonly waiters = new DurableWaiters();
  private readonly opts: WriteOptions;
  /** the previous segment's writer closing (trimming its zeros) after a rotation */
  private retiring: Promise<void> = Promise.resolve();

  private constructor(
    readonly dir: string,
    private readonly io: JournalIo,
    private readonly segments: SegmentInfo[],
    private writer: SegmentWriter,
    /** shared with every SegmentWriter of this journal */
    private readonly writerCounters: WriterCounters,
    /** what open found and repaired */
    readonly recovery: RecoveryReport,
    private readonly unlock: () => Promise<void>,
    options: JournalOptions,
  ) {
    this.opts = writeDefaults(options);
    this.cache = new TailCache(this.opts.tailCacheRecords);
    this.held = new HeldBatches(HELD_RECORDS);
    this.durableSeq = recovery.lastSeq;
    this.nextSeq = recovery.lastSeq + 1;
  }

  /** Opens (creating if needed) the journal in `dir`: verifies every record, cuts a torn tail. */
  static async open(dir: string, options: JournalOptions = {}): Promise<JournalCommandLog> {
    const d = await openDirectory(dir, options);
    return new JournalCommandLog(dir, d.io, d.segments, d.writer, d.counters, d.report, d.unlock, options);
  }

  append(cmds: readonly Command[]): Promise<number[]> {
    if (this.closed) return Promise.reject(unavailable("journal is closed"));
    if (this.broken) return Promise.reject(this.broken);
    if (cmds.length === 0) return Promise.resolve([]);
    return new Promise<number[]>((resolve, reject) => {
      let batch = this.openBatch;
      if (!batch) {
        // sized like the previous group: a busy log's groups are large, and growing one copies it
        batch = new AppendBatch(this.nextSeq, this.groupBytesHint, this.spareBufs.pop());
        this.openBatch = batch;
      }
      try {
        batch.add(cmds);
      } catch (e) {
        if (batch.count === 0) this.openBatch = null;
        reject(e);
        return;
      }
      batch.calls.push({ firstSeq: this.nextSeq, count: cmds.length, resolve, reject });
      this.nextSeq += cmds.length;
      this.counters.appends++;
      this.appended.wake();
      if (batch.count >= this.opts.maxGroupRecords || batch.len >= this.opts.maxGroupBytes) this.seal();
      this.kick();
    });
  }

  async read(from: number, max: number): Promise<LoggedCommand[]> {
    const out: LoggedCommand[] = [];
    const oldest = this.segments[0];
    // nothing removes segments: records below the oldest one were lost (a deleted first segment), and a
    // reader asking for them must not be handed later records as if they were next
    if (oldest && from < oldest.firstSeq && from <= this.durableSeq)
      throw corrupt(
        `seq ${from} is not in the journal: its oldest segment ${oldest.path} starts at seq ${oldest.firstSeq} (an older segment is missing)`,
      );
    let seq = from;
    const upTo = this.durableSeq;
    while (seq <= upTo && out.length < max) {
      if (this.cache.has(seq)) {
        seq = this.cache.read(seq, max, out);
        continue;
      }
      const seg = findSegment(this.segments, seq);
      if (!seg) break;
      const before = out.length;
      await readSegment(seg, seq, Math.min(upTo, seg.lastSeq), max, out);
      if (out.length === before) break;
      seq = out[out.length - 1]!.seq + 1;
    }
    return out;
  }

  lastSeq(): number {
    return this.durableSeq;
  }

  appendedSeq(): number {
    return this.nextSeq - 1;
  }

  /**
   * The appended objects from `from` on: durable groups not taken yet (HeldBatches), then the groups
   * being written, queued and open. One reader: what it asks for and gets decides what is held.
   */
  readAhead(from: number, max: number): LoggedCommand[] {
    const out: LoggedCommand[] = [];
    this.held.release(from);
    this.held.tookUpTo(from - 1);
    if (from >= this.nextSeq || (from <= this.durableSeq && from < this.held.firstSeq)) return out;
    this.held.read(from, max, out);
    takeFrom(this.inFlight, from, max, out);
    for (const b of this.queue) takeFrom(b, from, max, out);
    takeFrom(this.openBatch, from, max, out);
    if (out.length > 0) this.held.tookUpTo(out[out.length - 1]!.seq);
    return out;
  }

  waitAppended(after: number, timeoutMs: number): Promise<boolean> {
    if (this.nextSeq - 1 > after) return RESOLVED_TRUE;
    if (this.closed) return RESOLVED_FALSE;
    return this.appended.wait(timeoutMs);
  }

  onDurable(fn: (durableSeq: number) => void): () => void {
    this.durableFns.add(fn);
    return () => this.durableFns.delete(fn);
  }

  onRollback(fn: (durableSeq: number) => void): () => void {
    this.rollbackFns.add(fn);
    return () => this.rollbackFns.delete(fn);
  }

  waitFor(after: number, timeoutMs: number): Promise<boolean> {
    if (this.durableSeq > after) return Promise.resolve(true);
    if (this.closed || timeoutMs <= 0) return Promise.resolve(false);
    return this.waiters.wait(after, timeoutMs);
  }

  /** Flushes what was appended, then closes the files. Later appends reject with LOG_UNAVAILABLE. */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    this.seal();
    if (this.queue.length > 0 && !this.flushing) this.flushing = this.drain();
    try {
      await this.flushing;
      await this.retiring;
      await this.writer.close();
    } finally {
      await this.unlock();
    }
    this.waiters.close();
    this.appended.close();
    this.held.clear();
  }

  /** Counters since open (group commit effectiveness: records / groups, fsyncs). */
  stats(): Readonly<JournalStats> {
    return { ...this.counters, ...this.writerCounters };
  }

  /** Segment files, oldest first (copies). */
  segmentList(): readonly Readonly<SegmentInfo>[] {
    return this.segments.map((s) => ({ ...s }));
  }

  private seal(): void {
    const b = this.openBatch;
    if (b && b.count > 0) {
      this.queue.push(b);
      this.groupBytesHint = Math.min(this.opts.maxGroupBytes, Math.max(4096, b.len + (b.len >> 3)));
    }
    this.openBatch = null;
  }

  private kick(): void {
    if (this.flushing || this.scheduled) return;
    if (this.queue.length > 0) {
      this.flushing = this.drain();
      return;
    }
    this.scheduled = true;
    if (this.opts.maxGroupDelayMs > 0) setTimeout(this.onTimer, this.opts.maxGroupDelayMs);
    else setImmediate(this.onTimer);
  }

  private readonly onTimer = (): void => {
    this.scheduled = false;
    if (this.flushing) return;
    this.seal();
    if (this.queue.length > 0) this.flushing = this.drain();
  };

  /** The flush loop: one batch at a time; what accumulated meanwhile goes in the next group. */
  private async drain(): Promise<void> {
    let batch = this.nextGroup();
    let writing = batch ? this.commit(batch) : null;
    while (batch && writing) {
      const done = batch;
      const durable = await writing;
      if (durable) this.recordDurable(done);
      // the next group's write is issued before the durable one is announced: publishing its results
      // (the runner's subscribers) and resolving its callers overlap that write instead of delaying it
      batch = this.nextGroup();
      writing = batch ? this.commit(batch) : null;
      if (!durable) continue;
      this.announceDurable(done);
      if (batch) continue;
      // appended while it was announced (a subscriber or callback that appends at once)
      batch = this.nextGroup();
      writing = batch ? this.commit(batch) : null;
    }
    this.flushing = null;
  }

  /** The next group to write (the open one when nothing is queued), now in flight. */
  private nextGroup(): AppendBatch | undefined {
    if (this.queue.length === 0) this.seal();
    // the queue holds one or two batches: shift() on it costs nothing
    const batch = this.queue.shift();
    if (batch) this.inFlight = batch;
    return batch;
  }

  /** Writes and fsyncs `batch`: true once durable; false when it failed (failFrom has run). */
  private async commit(batch: AppendBatch): Promise<boolean> {
    try {
      const w = this.writer;
      if (w.size > SEGMENT_HEADER_BYTES && w.size + batch.len > this.opts.segmentBytes)
        await this.rotate(batch);
      await this.writer.append(batch.buf, batch.len);
    } catch (e) {
      this.failFrom(batch, JournalError.is(e) ? e : unavailable(`journal write failed: ${String(e)}`, e));
      return false;
    }
    return true;
  }

  private async rotate(batch: AppendBatch): Promise<void> {
    const next = await SegmentWriter.create(
      this.dir,
      this.io,
      batch.firstSeq,
      this.writerCounters,
      this.writer.prealloc, // the options the journal was opened with, as the first writer got them
    ).catch((e: unknown) => {
      throw unavailable(`cannot create segment for seq ${batch.firstSeq}: ${(e as Error).message}`, e);
    });
    // the old segment's trim and close overlap the next groups' writes instead of delaying this one
    const old = this.writer;
    this.retiring = this.retiring.then(() => old.close().catch(() => undefined));
    this.writer = next;
    this.segments.push(emptySegment(next, batch.firstSeq));
    this.counters.rotations++;
  }

  /** The batch is durable: index it, cache it, advance the durable seq (before the next write starts). */
  private recordDurable(batch: AppendBatch): void {
    const seg = this.segments[this.segments.length - 1]!;
    const base = this.writer.size - batch.len;
    const bytes = batch.buf; // the cache copies what it keeps: the buffer goes back to the pool below
    let off = 0;
    for (let seq = batch.firstSeq; seq <= batch.lastSeq; seq++) {
      const len = frameLength(bytes, off + F_LENGTH);
      if ((seq - seg.firstSeq) % this.opts.indexEvery === 0) {
        seg.indexSeqs.push(seq);
        seg.indexOffsets.push(base + off);
      }
      this.cache.add(seq, bytes, off + FRAME_HEADER_BYTES, len);
      off += FRAME_HEADER_BYTES + len;
    }
    seg.lastSeq = batch.lastSeq;
    seg.size = this.writer.size;
    this.durableSeq = batch.lastSeq;
    this.counters.groups++;
    this.counters.records += batch.count;
    if (batch.count > this.counters.maxGroupRecords) this.counters.maxGroupRecords = batch.count;
    this.inFlight = null;
    if (this.spareBufs.length < SPARE_BUFFERS) this.spareBufs.push(bytes);
    batch.buf = NO_BYTES; // a held batch is read for its commands only
    this.held.add(batch);
  }

  /** The batch is durable: tell the execute-ahead runner, resolve its callers and waitFor's waiters. */
  private announceDurable(batch: AppendBatch): void {
    for (const fn of this.durableFns) fn(batch.lastSeq);
    for (const c of batch.calls) {
      const seqs = new Array<number>(c.count);
      for (let i = 0; i < c.count; i++) seqs[i] = c.firstSeq + i;
      c.resolve(seqs);
    }
    batch.calls.length = 0; // a held batch keeps no callers' closures alive
    this.waiters.notify(batch.lastSeq);
  }

  /** Rejects `batch` and every batch behind it; seqs restart after the last durable one. */
  private failFrom(batch: AppendBatch, err: JournalError): void {
    this.seal();
    this.inFlight = null;
    const failed = [batch, ...this.queue.splice(0)];
    for (const b of failed)
      for (const c of b.calls) {
        this.counters.failedAppends++;
        c.reject(err);
      }
    this.nextSeq = this.durableSeq + 1;
    if (this.writer.isBroken) this.broken = err;
    // before any rejection handler can append again (they run as microtasks, after this returns)
    for (const fn of this.rollbackFns) fn(this.durableSeq);
  }
}

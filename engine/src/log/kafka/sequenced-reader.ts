// The engine side of the Kafka command log: turns the four single-partition input topics into ONE total
// order that replays identically after a restart — the "recorded sequence" (SPEC §10, §12;
// docs/DISTRIBUTED.md). Owner: the engine process; one active instance per margin domain.
//
//  1. start: take over the sequence topic `matching_engine_sequence` (a transactional producer with a
//     fixed transactional.id fences any previous engine: its next decision fails, so a zombie can never
//     apply another command), write a `start` record, and read the topic from the beginning up to that
//     record: the recorded decisions seq → (input topic, partition, offset).
//  2. replay: for seq ≤ recorded, read(from) serves exactly the recorded input records, in seq order.
//  3. live: after the recorded offsets, input records are merged in the order they arrive at this
//     reader. Each read() picks the next commands, gives them the next gap-free seqs, and writes that
//     decision to the sequence topic (acks = all, committed) BEFORE returning them to be applied.
//     If the write fails nothing is returned; the same decision is retried on the next read().
//
// Undecodable input records never get a seq (reported through onError). Input topics must keep their
// records as long as the sequence points at them (retention: for ever, or past the oldest snapshot).
// The input topics' side — buffering, seeks, flow control, the live merge, waiting for arrivals — is in
// reader-inputs.ts; the recorded decisions are in recorded-sequence.ts.
import { randomUUID } from "node:crypto";
import type { LoggedCommand } from "@perpx/shared/commands";
import type { Consumer, EachBatchPayload, Kafka } from "kafkajs";
import { type Decision, ReaderInputs } from "./reader-inputs.js";
import { RecordedSequence, type SeqRun, SequenceCorruptError } from "./recorded-sequence.js";
import { decodeSequenceRecord, runsLength } from "./sequence-message.js";
import { SequencerFencedError, SequenceWriter } from "./sequence-writer.js";
import { withTimeout } from "./timeout.js";
import { INPUT_TOPICS, type KafkaNames, SEQUENCE_TOPIC } from "./topics.js";

export { SequenceCorruptError, SequencerFencedError };

export interface SequencedReaderOptions {
  /** fence the previous writer with a transactional producer (default true; false = idempotent only) */
  fencing?: boolean;
  /** this engine instance (default: a random UUID) */
  instanceId?: string;
  /** pause an input topic when more commands than this wait in memory (default 20 000) */
  maxBuffered?: number;
  /** bound on one sequence write, ms (default 5000) */
  writeTimeoutMs?: number;
  /** longest wait for a recorded input record during replay, or for recovery, ms (default 30 000) */
  replayWaitMs?: number;
  /** broker-side long-poll of a fetch, ms (default 50: the engine's idle latency) */
  fetchWaitMs?: number;
  /** pause after a failed sequence write before the next attempt, ms (default 200) */
  retryBackoffMs?: number;
  /**
   * how long start keeps retrying the start record, ms (default 60 000): on a fresh broker the first
   * transactional write waits for the broker to create its transaction-state topic, longer than one
   * write's bound
   */
  startTimeoutMs?: number;
  /** non-fatal problems: skipped input records, failed sequence writes that will be retried */
  onError?: (e: unknown) => void;
}

export class KafkaSequencedReader {
  private readonly instance: string;
  private readonly replayWaitMs: number;
  private readonly backoffMs: number;
  private readonly fetchWaitMs: number;
  private readonly startTimeoutMs: number;
  private readonly onError: (e: unknown) => void;

  private readonly writer: SequenceWriter;
  private consumer: Consumer | undefined;
  private starting: Promise<void> | undefined;
  private closed = false;
  private fatal: Error | undefined;

  private readonly seq = new RecordedSequence();
  private recovered = false;
  private recoveryDone: (() => void) | undefined;

  private readonly inputs: ReaderInputs;
  /** seq the next read() must ask for (undefined until the first read positions the inputs) */
  private nextSeq: number | undefined;
  /** run index where the previous replay read stopped (lookups walk forward from it) */
  private runCursor = 0;
  /** a live decision whose sequence write failed: retried as is */
  private pending: Decision | undefined;
  private backoffUntil = 0;

  constructor(
    private readonly kafka: Kafka,
    private readonly names: KafkaNames,
    opts: SequencedReaderOptions = {},
  ) {
    this.instance = opts.instanceId ?? randomUUID();
    this.writer = new SequenceWriter(kafka, names, opts.fencing ?? true, opts.writeTimeoutMs ?? 5000);
    this.replayWaitMs = opts.replayWaitMs ?? 30_000;
    this.backoffMs = opts.retryBackoffMs ?? 200;
    this.startTimeoutMs = opts.startTimeoutMs ?? 60_000;
    this.onError = opts.onError ?? (() => undefined);
    this.inputs = new ReaderInputs(names, opts.maxBuffered ?? 20_000, this.onError);
    this.fetchWaitMs = opts.fetchWaitMs ?? 50;
  }

  /** Takes over the sequence topic and loads the recorded sequence. Idempotent. */
  start(): Promise<void> {
    this.starting ??= this.doStart();
    return this.starting;
  }

  /** seq of the last recorded (sequenced) command; 0 when none. */
  lastSeq(): number {
    return this.seq.last;
  }

  /** The recorded decisions as runs (tests, ops). */
  recordedRuns(): readonly Readonly<SeqRun>[] {
    return this.seq.runs;
  }

  async read(from: number, max: number): Promise<LoggedCommand[]> {
    await this.start();
    this.throwIfFatal();
    if (this.nextSeq === undefined) this.position(from);
    else if (from !== this.nextSeq)
      throw new RangeError(`read(${from}): the Kafka sequenced reader continues at ${this.nextSeq}`);
    if (max <= 0) return [];
    const out = from <= this.seq.last ? await this.replay(from, max) : await this.live(max);
    this.inputs.resumeDrained(this.consumer);
    return out;
  }

  /** true once a command with seq > after is recorded or input is waiting to be sequenced. */
  async waitFor(after: number, timeoutMs: number): Promise<boolean> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      if (this.fatal || this.closed) return false;
      if (this.seq.last > after) return true;
      const now = Date.now();
      if (now >= deadline) return false;
      if (this.nextSeq !== undefined && this.hasLiveInput() && now >= this.backoffUntil) return true;
      const wake = this.hasLiveInput() ? Math.min(deadline, this.backoffUntil) : deadline;
      await this.inputs.sleepUntilArrival(wake - now);
    }
  }

  async close(): Promise<void> {
    this.closed = true;
    this.inputs.wake();
    const c = this.consumer;
    this.consumer = undefined;
    await Promise.all([c?.disconnect().catch(() => undefined), this.writer.close()]);
  }

  // ------------------------------------------------------------------------------------------- start

  private async doStart(): Promise<void> {
    // the start record marks the end of what was recorded before us: read up to it
    await this.writeStartRecord();
    const consumer = this.kafka.consumer({
      // our own group, never committed: positions come from the recorded sequence, not from Kafka
      groupId: this.names.group(`matching_engine_sequencer.${this.instance}`),
      maxWaitTimeInMs: this.fetchWaitMs,
      // a broker restarted under a live member keeps the old membership until the session times out:
      // a rejoin waits that long (was 30 s: ≈ 31–36 s without sequencing after a broker restart)
      sessionTimeout: 10_000,
      heartbeatInterval: 1000,
      allowAutoTopicCreation: false,
      readUncommitted: false, // only committed decisions count
    });
    this.consumer = consumer;
    consumer.on(consumer.events.CRASH, (e) => {
      if (!e.payload.restart)
        this.fail(new Error(`sequenced reader consumer crashed: ${e.payload.error.message}`));
      else this.onError(e.payload.error);
    });
    // after kafkajs restarts a crashed consumer it rejoins from scratch (we never commit): put every
    // input back where this reader is, and leave the sequence topic alone once recovered
    consumer.on(consumer.events.GROUP_JOIN, () => {
      if (this.nextSeq === undefined) return;
      this.inputs.reseek(consumer);
      if (this.recovered) consumer.pause([{ topic: this.names.topic(SEQUENCE_TOPIC) }]);
    });
    await consumer.connect();
    await consumer.subscribe({
      topics: [this.names.topic(SEQUENCE_TOPIC), ...INPUT_TOPICS.map((t) => this.names.topic(t))],
      fromBeginning: true,
    });
    const recovered = new Promise<void>((resolve) => {
      this.recoveryDone = resolve;
    });
    await consumer.run({
      autoCommit: false,
      eachBatchAutoResolve: false,
      eachBatch: (p) => this.onBatch(p),
    });
    // inputs wait until the first read() says where to start (a snapshot's seq)
    this.inputs.pauseAll(consumer);
    await withTimeout(recovered, this.replayWaitMs, () => timedOut("recovery of the recorded sequence"));
    this.throwIfFatal();
  }

  // ------------------------------------------------------------------------------------- consumption

  private async onBatch(payload: EachBatchPayload): Promise<void> {
    const { batch, resolveOffset, isStale } = payload;
    const logical = this.names.logical(batch.topic);
    if (logical !== SEQUENCE_TOPIC) {
      this.inputs.onBatch(logical, payload, this.consumer);
      return;
    }
    for (const m of batch.messages) {
      if (isStale()) return;
      if (this.recovered) {
        resolveOffset(m.offset); // our own records, after a consumer restart: already known
        continue;
      }
      try {
        const rec = decodeSequenceRecord(m.value);
        if (rec.type === "seq") this.seq.learn(rec);
        else if (rec.instance === this.instance) this.finishRecovery();
      } catch (e) {
        this.fail(e instanceof SequenceCorruptError ? e : new SequenceCorruptError(String(e)));
        return;
      }
      resolveOffset(m.offset);
    }
  }

  private finishRecovery(): void {
    this.recovered = true;
    this.consumer?.pause([{ topic: this.names.topic(SEQUENCE_TOPIC) }]);
    this.recoveryDone?.();
  }

  /** First read: seek every input topic to the first record needed from seq `from` on. */
  private position(from: number): void {
    if (from < 1 || from > this.seq.last + 1)
      throw new RangeError(`read(${from}): the recorded sequence ends at ${this.seq.last}`);
    const consumer = this.consumer;
    if (!consumer) throw new Error("sequenced reader is closed");
    if (from <= this.seq.last) this.runCursor = this.seq.runIndex(from);
    this.inputs.position(consumer, this.seq.startOffsets(from));
    this.nextSeq = from;
  }

  // ------------------------------------------------------------------------------------------ replay

  private async replay(from: number, max: number): Promise<LoggedCommand[]> {
    const out: LoggedCommand[] = [];
    let seq = from;
    const runs = this.seq.runs;
    let ri = this.runCursor;
    while (out.length < max && seq <= this.seq.last) {
      while ((runs[ri] as SeqRun).firstSeq + (runs[ri] as SeqRun).count <= seq) ri++;
      const run = runs[ri] as SeqRun;
      const offset = run.offset + (seq - run.firstSeq);
      const buf = this.inputs.buffer(run.topic);
      let head = buf.peek();
      while (head && head.offset < offset) {
        buf.drop(); // a record that never got a seq (it was undecodable)
        head = buf.peek();
      }
      if (!head) {
        if (out.length > 0) break;
        if (this.closed) throw new Error("sequenced reader is closed");
        if (!(await this.inputs.sleepUntilArrival(this.replayWaitMs)))
          throw new SequenceCorruptError(`recorded input ${run.topic}@${offset} did not arrive in time`);
        this.throwIfFatal();
        continue;
      }
      if (head.offset > offset)
        throw new SequenceCorruptError(`recorded input ${run.topic}@${offset} is missing or undecodable`);
      out.push({ seq, cmd: head.cmd });
      buf.drop();
      seq++;
    }
    this.runCursor = ri;
    this.nextSeq = seq;
    return out;
  }

  // -------------------------------------------------------------------------------------------- live

  private hasLiveInput(): boolean {
    return this.pending !== undefined || this.inputs.hasInput();
  }

  private async live(max: number): Promise<LoggedCommand[]> {
    if (Date.now() < this.backoffUntil) return [];
    let decision = this.pending;
    if (!decision) {
      decision = this.inputs.pick(max);
      if (decision.cmds.length === 0) return [];
    }
    const first = this.seq.last + 1;
    try {
      await this.writer.write({ v: 1, type: "seq", first, runs: decision.runs });
    } catch (e) {
      this.pending = decision;
      if (e instanceof SequencerFencedError) {
        this.fail(e);
        throw e;
      }
      this.backoffUntil = Date.now() + this.backoffMs;
      this.onError(e);
      return [];
    }
    this.pending = undefined;
    if (runsLength(decision.runs) !== decision.cmds.length) throw new Error("decision runs/cmds mismatch");
    this.seq.recordRuns(decision.runs);
    const out = decision.cmds.map((cmd, i) => ({ seq: first + i, cmd }));
    this.nextSeq = first + out.length;
    this.runCursor = this.seq.runs.length - 1;
    return out;
  }

  // ------------------------------------------------------------------------------------------ helpers

  /** The start record, retried (each failure reported) until startTimeoutMs; fenced or closed: at once. */
  private async writeStartRecord(): Promise<void> {
    const deadline = Date.now() + this.startTimeoutMs;
    for (let attempt = 1; ; attempt++) {
      try {
        await this.writer.write({ v: 1, type: "start", instance: this.instance, at: Date.now() });
        return;
      } catch (e) {
        if (e instanceof SequencerFencedError || this.closed || Date.now() + this.backoffMs >= deadline)
          throw e;
        this.onError(new Error(`sequence start record, attempt ${attempt} failed (retrying): ${String(e)}`));
        await new Promise((r) => setTimeout(r, this.backoffMs));
      }
    }
  }

  private fail(e: Error): void {
    this.fatal ??= e;
    this.recoveryDone?.();
    this.inputs.wake();
  }

  private throwIfFatal(): void {
    if (this.fatal) throw this.fatal;
  }
}

const timedOut = (what: string) => new Error(`${what} timed out`);

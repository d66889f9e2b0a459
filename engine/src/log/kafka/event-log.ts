// The engine's event output to Kafka (SPEC §10): every event to matching_engine_output, BOOK events to
// orderbook_output, MARK and TRADE events to ticker_engine_output. Owner: the engine process (one
// producer, one send in flight). Events are batched twice: many events per Kafka message (up to
// maxEventsPerMessage / maxBytesPerMessage) and many messages per produce request; while one request is
// in flight, new events accumulate for the next (group commit, no timer).
//
// Each message carries its position range (event-message.ts). On restart the engine re-applies commands
// after its snapshot and re-emits their events; with `resume` the log first reads the last message of
// each topic and drops every event at or before that position, so consumers see each event once (they
// also skip by position, so a duplicate that slips through — a send that failed after being written —
// is harmless). A failed send is retried for ever with a fresh producer; `backlog()` shows how much
// waits, for the runner to apply back-pressure.
import type { EngineEvent } from "@perpx/shared/events";
import { Ev } from "@perpx/shared/events";
import type { Kafka, Message, Producer } from "kafkajs";
import {
  decodeEventBatch,
  type EventBatchHeader,
  type EventPosition,
  encodeEvents,
  isAfter,
} from "./event-message.js";
import { type KafkaNames, OUTPUT_TOPICS, type OutputTopic } from "./topics.js";

export interface EventLogOptions {
  /** events per Kafka message (default 1000) */
  maxEventsPerMessage?: number;
  /** bytes per Kafka message (default 900 000, under the broker's 1 MB default): a bigger one is split */
  maxBytesPerMessage?: number;
  /**
   * bytes per topic in one produce request (default 900 000): the messages of a topic in a request form
   * one record batch, which the broker refuses above the topic's max.message.bytes (1 MB by default;
   * topics made by ensureTopics allow 4 MiB)
   */
  maxBytesPerTopicSend?: number;
  /** wait before retrying a failed send, ms (default 500) */
  retryBackoffMs?: number;
  onError?: (e: unknown) => void;
}

/** Where an event goes besides matching_engine_output. */
function extraTopic(ev: EngineEvent): OutputTopic | undefined {
  switch (ev.ev) {
    case Ev.BOOK:
      return "orderbook_output";
    case Ev.MARK:
    case Ev.TRADE:
      return "ticker_engine_output";
    default:
      return undefined;
  }
}

class TopicWriter {
  /** position of the last event routed here */
  seq = 0;
  idx = -1;
  /** events at or before this position were published by a previous run */
  resumeAfter: EventPosition | undefined;
  // the message being filled: its events and the idx of each (their seq is in the event)
  events: EngineEvent[] = [];
  idxs: number[] = [];
  /**
   * closed messages waiting for a send, with the event count each covers for publish() promises
   * (`dropped`: how many of those were dropped on resume, not sent — a marker message carries them)
   */
  ready: { value: Buffer; events: number; dropped?: number }[] = [];

  constructor(readonly topic: OutputTopic) {}
}

export interface EventLogStats {
  events: number;
  messages: number;
  bytes: number;
  sends: number;
  dropped: number;
}

export class KafkaEventLog {
  private readonly writers = new Map<OutputTopic, TopicWriter>();
  private producer: Producer | undefined;
  private sending = false;
  private closed = false;
  /** events accepted (routed to matching_engine_output) and acknowledged, for publish() promises */
  private accepted = 0;
  private acked = 0;
  private waiters: { target: number; resolve: () => void }[] = [];
  private readonly maxEvents: number;
  private readonly maxBytes: number;
  private readonly maxTopicSendBytes: number;
  private readonly backoffMs: number;
  private readonly onError: (e: unknown) => void;
  readonly stats: EventLogStats = { events: 0, messages: 0, bytes: 0, sends: 0, dropped: 0 };

  constructor(
    private readonly kafka: Kafka,
    private readonly names: KafkaNames,
    opts: EventLogOptions = {},
  ) {
    for (const t of OUTPUT_TOPICS) this.writers.set(t, new TopicWriter(t));
    this.maxEvents = opts.maxEventsPerMessage ?? 1000;
    this.maxBytes = opts.maxBytesPerMessage ?? 900_000;
    this.maxTopicSendBytes = opts.maxBytesPerTopicSend ?? 900_000;
    this.backoffMs = opts.retryBackoffMs ?? 500;
    this.onError = opts.onError ?? (() => undefined);
  }

  /**
   * Connects the producer. With resume, reads the last message of each output topic first so events
   * already published before a restart are not published again.
   */
  async connect(opts: { resume?: boolean } = {}): Promise<void> {
    if (opts.resume) {
      const last = await readLastPositions(this.kafka, this.names);
      for (const [t, pos] of last) (this.writers.get(t) as TopicWriter).resumeAfter = pos;
    }
    this.producer = await this.makeProducer();
  }

  /** The last position published per topic as found by connect({resume}) (tests, ops). */
  resumePositions(): Map<OutputTopic, EventPosition | undefined> {
    return new Map([...this.writers].map(([t, w]) => [t, w.resumeAfter]));
  }

  /**
   * Queues events (in engine order) and resolves once all of them are acknowledged by Kafka.
   * `applied` (the engine's applied seq after this batch) closes the batch's last message on
   * matching_engine_output with an "applied up to" marker (a count-0 marker message when the batch put
   * no event there), so readers learn that commands without events are done (event-message.ts).
   */
  publish(events: readonly EngineEvent[], applied?: number): Promise<void> {
    if (this.closed) return Promise.reject(new Error("event log closed"));
    try {
      for (const ev of events) this.route(ev);
      if (applied !== undefined) this.markApplied(applied);
    } catch (e) {
      return Promise.reject(e);
    }
    this.accepted += events.length;
    const target = this.accepted;
    const done = new Promise<void>((resolve) => {
      if (this.acked >= target) resolve();
      else this.waiters.push({ target, resolve });
    });
    void this.sendLoop();
    return done;
  }

  /**
   * An EngineRunner subscriber: publishes each applied batch (errors go to onError, sends retry).
   * With `markApplied` every batch also carries the runner's applied seq (see publish).
   */
  subscriber(
    opts: { markApplied?: boolean } = {},
  ): (events: readonly EngineEvent[], lastSeq: number) => void {
    return (events, lastSeq) => {
      void this.publish(events, opts.markApplied ? lastSeq : undefined).catch(this.onError);
    };
  }

  /** highest "applied up to" marker queued */
  private appliedMarked = 0;

  private markApplied(applied: number): void {
    if (applied <= this.appliedMarked) return;
    this.appliedMarked = applied;
    const w = this.writers.get("matching_engine_output") as TopicWriter;
    if (w.events.length > 0) {
      this.close1(w, applied);
      return;
    }
    // no open message: a count-0 marker repeating the last published position (never one before the
    // resume position, so readLastPositions after another restart still finds the true last event)
    let seq = w.seq;
    let idx = w.idx;
    if (w.resumeAfter && !isAfter(seq, idx, w.resumeAfter)) ({ seq, idx } = w.resumeAfter);
    const value = encodeEvents({ firstSeq: seq, firstIdx: idx, seq, lastIdx: idx, count: 0, applied }, []);
    w.ready.push({ value, events: this.pendingCounted, dropped: this.pendingCounted });
    this.pendingCounted = 0;
  }

  /** Events accepted but not acknowledged yet. */
  backlog(): number {
    return this.accepted - this.acked;
  }

  /** Resolves when everything published so far is acknowledged. */
  flush(): Promise<void> {
    return this.publish([]);
  }

  async close(): Promise<void> {
    await this.flush();
    this.closed = true;
    const p = this.producer;
    this.producer = undefined;
    await p?.disconnect().catch(() => undefined);
  }

  // ----------------------------------------------------------------------------------------- routing

  private route(ev: EngineEvent): void {
    this.append(this.writers.get("matching_engine_output") as TopicWriter, ev, 1);
    const extra = extraTopic(ev);
    if (extra) this.append(this.writers.get(extra) as TopicWriter, ev, 0);
  }

  /** `counts` = 1 when this topic's events are the ones publish() promises track. */
  private append(w: TopicWriter, ev: EngineEvent, counts: number): void {
    if (ev.seq === w.seq) w.idx++;
    else {
      if (ev.seq < w.seq) throw new RangeError(`event seq ${ev.seq} after ${w.seq} on ${w.topic}`);
      w.seq = ev.seq;
      w.idx = 0;
    }
    if (w.resumeAfter && !isAfter(w.seq, w.idx, w.resumeAfter)) {
      this.stats.dropped++;
      if (counts) this.pendingCounted++;
      return;
    }
    if (w.events.length >= this.maxEvents) this.close1(w);
    w.events.push(ev);
    w.idxs.push(w.idx);
    if (counts) this.pendingCounted++;
  }

  /** counted events routed into open messages, not yet in a ready message */
  private pendingCounted = 0;

  /** Closes the message being filled (split in halves while it is above maxBytesPerMessage). */
  private close1(w: TopicWriter, applied?: number): void {
    if (w.events.length === 0) return;
    const parts: Buffer[] = [];
    this.encode(w, 0, w.events.length, parts, applied);
    const counted = w.topic === "matching_engine_output" ? this.pendingCounted : 0;
    if (w.topic === "matching_engine_output") this.pendingCounted = 0;
    parts.forEach((value, i) => {
      w.ready.push({ value, events: i === parts.length - 1 ? counted : 0 });
    });
    w.events = [];
    w.idxs = [];
  }

  /** `applied` goes on the message holding the last event only. */
  private encode(w: TopicWriter, lo: number, hi: number, out: Buffer[], applied?: number): void {
    const first = w.events[lo] as EngineEvent;
    const last = w.events[hi - 1] as EngineEvent;
    const header: EventBatchHeader = {
      firstSeq: first.seq,
      firstIdx: w.idxs[lo] as number,
      seq: last.seq,
      lastIdx: w.idxs[hi - 1] as number,
      count: hi - lo,
    };
    if (applied !== undefined && hi === w.events.length) header.applied = applied;
    const value = encodeEvents(
      header,
      lo === 0 && hi === w.events.length ? w.events : w.events.slice(lo, hi),
    );
    if (value.length <= this.maxBytes || hi - lo === 1) {
      out.push(value);
      return;
    }
    const mid = (lo + hi) >> 1;
    this.encode(w, lo, mid, out);
    this.encode(w, mid, hi, out, applied);
  }

  // -------------------------------------------------------------------------------------------- send

  private async sendLoop(): Promise<void> {
    if (this.sending) return;
    this.sending = true;
    try {
      for (;;) {
        for (const w of this.writers.values()) this.close1(w);
        // events dropped on resume are "acknowledged" at once when nothing else is pending
        const main = this.writers.get("matching_engine_output") as TopicWriter;
        if (main.ready.length === 0 && this.pendingCounted > 0) {
          this.acked += this.pendingCounted;
          this.pendingCounted = 0;
        }
        const topicMessages: { topic: string; messages: Message[] }[] = [];
        let bytes = 0;
        let events = 0;
        let dropped = 0;
        const taken: [TopicWriter, number][] = [];
        for (const w of this.writers.values()) {
          let n = 0;
          let topicBytes = 0;
          const messages: Message[] = [];
          while (
            n < w.ready.length &&
            (n === 0 || topicBytes + (w.ready[n]?.value.length ?? 0) <= this.maxTopicSendBytes)
          ) {
            const m = w.ready[n] as { value: Buffer; events: number; dropped?: number };
            messages.push({ value: m.value });
            topicBytes += m.value.length;
            events += m.events;
            dropped += m.dropped ?? 0;
            n++;
          }
          bytes += topicBytes;
          if (n > 0) {
            topicMessages.push({ topic: this.names.topic(w.topic), messages });
            taken.push([w, n]);
          }
        }
        if (topicMessages.length === 0) {
          this.resolveWaiters();
          return;
        }
        try {
          this.producer ??= await this.makeProducer();
          await this.producer.sendBatch({ acks: -1, topicMessages });
        } catch (e) {
          this.onError(e);
          const old = this.producer;
          this.producer = undefined; // a fresh producer id: never reuse sequence numbers after a failure
          void old?.disconnect().catch(() => undefined);
          if (this.closed) return;
          await new Promise((r) => setTimeout(r, this.backoffMs));
          continue;
        }
        for (const [w, n] of taken) w.ready.splice(0, n);
        this.acked += events;
        this.stats.sends++;
        this.stats.messages += topicMessages.reduce((s, t) => s + t.messages.length, 0);
        this.stats.bytes += bytes;
        this.stats.events += events - dropped;
        this.resolveWaiters();
      }
    } finally {
      this.sending = false;
    }
  }

  private resolveWaiters(): void {
    if (this.waiters.length === 0) return;
    const keep: typeof this.waiters = [];
    for (const w of this.waiters) {
      if (this.acked >= w.target) w.resolve();
      else keep.push(w);
    }
    this.waiters = keep;
  }

  private async makeProducer(): Promise<Producer> {
    const p = this.kafka.producer({
      idempotent: true,
      maxInFlightRequests: 1,
      allowAutoTopicCreation: false,
      retry: { retries: 5, initialRetryTime: 100, maxRetryTime: 1000 },
    });
    await p.connect();
    return p;
  }
}

/**
 * The position of the last event of each output topic (undefined for an empty topic): reads the last
 * message of each with a throw-away consumer group that never commits.
 */
export async function readLastPositions(
  kafka: Kafka,
  names: KafkaNames,
  timeoutMs = 15_000,
): Promise<Map<OutputTopic, EventPosition | undefined>> {
  const admin = kafka.admin();
  await admin.connect();
  const out = new Map<OutputTopic, EventPosition | undefined>();
  const want = new Map<string, { topic: OutputTopic; offset: string }>();
  try {
    for (const t of OUTPUT_TOPICS) {
      const [p] = await admin.fetchTopicOffsets(names.topic(t));
      out.set(t, undefined);
      if (p && BigInt(p.high) > BigInt(p.low))
        want.set(names.topic(t), { topic: t, offset: (BigInt(p.high) - 1n).toString() });
    }
  } finally {
    await admin.disconnect();
  }
  if (want.size === 0) return out;
  const consumer = kafka.consumer({
    groupId: names.group(`perpx-resume-${process.pid}-${Date.now()}`),
    maxWaitTimeInMs: 50,
    allowAutoTopicCreation: false,
  });
  await consumer.connect();
  try {
    await consumer.subscribe({ topics: [...want.keys()], fromBeginning: false });
    let finish: () => void = () => undefined;
    const done = new Promise<void>((resolve, reject) => {
      const timer = setTimeout(
        () => reject(new Error("reading the last output messages timed out")),
        timeoutMs,
      );
      finish = () => {
        clearTimeout(timer);
        resolve();
      };
    });
    await consumer.run({
      autoCommit: false,
      eachBatch: async ({ batch }) => {
        const w = want.get(batch.topic);
        if (!w) return;
        for (const m of batch.messages) {
          if (m.offset !== w.offset) continue;
          const d = decodeEventBatch(m.value);
          out.set(w.topic, { seq: d.seq, idx: d.lastIdx });
          want.delete(batch.topic);
        }
        if (want.size === 0) finish();
      },
    });
    for (const [topic, w] of want) consumer.seek({ topic, partition: 0, offset: w.offset });
    await done;
  } finally {
    await consumer.disconnect();
  }
  return out;
}

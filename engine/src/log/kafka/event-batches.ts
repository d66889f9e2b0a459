// The batching half of KafkaEventLog: routes each event to its output topics (every event to
// matching_engine_output, BOOK to orderbook_output, MARK and TRADE to ticker_engine_output), fills
// messages of up to maxEventsPerMessage / maxBytesPerMessage (a bigger one is split in halves), drops
// what a previous run published (resume), and hands the ready messages out one produce request at a
// time. Owner: the KafkaEventLog that made it; no I/O here.
import type { EngineEvent } from "@perpx/shared/events";
import { Ev } from "@perpx/shared/events";
import type { Message } from "kafkajs";
import { type EventBatchHeader, type EventPosition, encodeEvents, isAfter } from "./event-message.js";
import { type KafkaNames, OUTPUT_TOPICS, type OutputTopic } from "./topics.js";

export interface EventLogStats {
  events: number;
  messages: number;
  bytes: number;
  sends: number;
  dropped: number;
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

/**
 * A closed message waiting for a send, with the event count it covers for publish() promises
 * (`dropped`: how many of those were dropped on resume, not sent — a marker message carries them).
 */
interface ReadyMessage {
  value: Buffer;
  events: number;
  dropped?: number;
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
  /** closed messages waiting for a send */
  ready: ReadyMessage[] = [];

  constructor(readonly topic: OutputTopic) {}
}

/** The messages of one produce request, taken from the head of each topic's ready list. */
export interface OutputRequest {
  topicMessages: { topic: string; messages: Message[] }[];
  bytes: number;
  /** counted events the request covers (publish() promises), `dropped` of them dropped on resume */
  events: number;
  dropped: number;
  /** messages taken from each topic's ready list, in OUTPUT_TOPICS order */
  taken: number[];
}

export class EventBatches {
  private readonly writers = new Map<OutputTopic, TopicWriter>();
  /** counted events routed into open messages, not yet in a ready message */
  private pendingCounted = 0;
  /** highest "applied up to" marker queued */
  private appliedMarked = 0;

  constructor(
    private readonly names: KafkaNames,
    private readonly maxEvents: number,
    private readonly maxBytes: number,
    private readonly maxTopicSendBytes: number,
    private readonly stats: EventLogStats,
  ) {
    for (const t of OUTPUT_TOPICS) this.writers.set(t, new TopicWriter(t));
  }

  /** Events at or before `pos` on `topic` were published by a previous run: drop them. */
  resumeAfter(topic: OutputTopic, pos: EventPosition | undefined): void {
    (this.writers.get(topic) as TopicWriter).resumeAfter = pos;
  }

  resumePositions(): Map<OutputTopic, EventPosition | undefined> {
    return new Map([...this.writers].map(([t, w]) => [t, w.resumeAfter]));
  }

  route(ev: EngineEvent): void {
    this.append(this.writers.get("matching_engine_output") as TopicWriter, ev, 1);
    const extra = extraTopic(ev);
    if (extra) this.append(this.writers.get(extra) as TopicWriter, ev, 0);
  }

  /** Closes matching_engine_output's message with an "applied up to" marker (see KafkaEventLog.publish). */
  markApplied(applied: number): void {
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

  /**
   * Closes every open message. Returns the counted events dropped on resume that no message will carry
   * (nothing else pending on matching_engine_output): the caller acknowledges them at once.
   */
  closeAll(): number {
    for (const w of this.writers.values()) this.close1(w);
    const main = this.writers.get("matching_engine_output") as TopicWriter;
    if (main.ready.length === 0 && this.pendingCounted > 0) {
      const n = this.pendingCounted;
      this.pendingCounted = 0;
      return n;
    }
    return 0;
  }

  /**
   * The next produce request: the ready messages of each topic, up to maxBytesPerTopicSend per topic
   * (at least one). Undefined when nothing is ready. The messages stay queued until sent(request).
   */
  nextRequest(): OutputRequest | undefined {
    const req: OutputRequest = { topicMessages: [], bytes: 0, events: 0, dropped: 0, taken: [] };
    for (const w of this.writers.values()) {
      let n = 0;
      let topicBytes = 0;
      const messages: Message[] = [];
      while (
        n < w.ready.length &&
        (n === 0 || topicBytes + (w.ready[n]?.value.length ?? 0) <= this.maxTopicSendBytes)
      ) {
        const m = w.ready[n] as ReadyMessage;
        messages.push({ value: m.value });
        topicBytes += m.value.length;
        req.events += m.events;
        req.dropped += m.dropped ?? 0;
        n++;
      }
      req.bytes += topicBytes;
      req.taken.push(n);
      if (n > 0) req.topicMessages.push({ topic: this.names.topic(w.topic), messages });
    }
    return req.topicMessages.length === 0 ? undefined : req;
  }

  /** Removes a request's messages once Kafka has acknowledged it. */
  sent(req: OutputRequest): void {
    let i = 0;
    for (const w of this.writers.values()) {
      const n = req.taken[i++] as number;
      if (n > 0) w.ready.splice(0, n);
    }
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
}

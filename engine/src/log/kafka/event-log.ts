// The engine's event output to Kafka (SPEC §10): every event to matching_engine_output, BOOK events to
// orderbook_output, MARK and TRADE events to ticker_engine_output. Owner: the engine process (one
// producer, one send in flight). Events are batched twice: many events per Kafka message (up to
// maxEventsPerMessage / maxBytesPerMessage) and many messages per produce request; while one request is
// in flight, new events accumulate for the next (group commit, no timer). The routing and batching are
// in event-batches.ts; this file owns the producer, the send loop and the publish() promises.
//
// Each message carries its position range (event-message.ts). On restart the engine re-applies commands
// after its snapshot and re-emits their events; with `resume` the log first reads the last message of
// each topic (last-positions.ts) and drops every event at or before that position, so consumers see
// each event once (they also skip by position, so a duplicate that slips through — a send that failed
// after being written — is harmless). A failed send is retried for ever with a fresh producer;
// `backlog()` shows how much waits, for the runner to apply back-pressure.
import type { EngineEvent } from "@perpx/shared/events";
import type { Kafka, Producer } from "kafkajs";
import { EventBatches, type EventLogStats } from "./event-batches.js";
import type { EventPosition } from "./event-message.js";
import { readLastPositions } from "./last-positions.js";
import type { KafkaNames, OutputTopic } from "./topics.js";

export { type EventLogStats, readLastPositions };

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

export class KafkaEventLog {
  private readonly batches: EventBatches;
  private producer: Producer | undefined;
  private sending = false;
  private closed = false;
  /** events accepted (routed to matching_engine_output) and acknowledged, for publish() promises */
  private accepted = 0;
  private acked = 0;
  private waiters: { target: number; resolve: () => void }[] = [];
  private readonly backoffMs: number;
  private readonly onError: (e: unknown) => void;
  readonly stats: EventLogStats = { events: 0, messages: 0, bytes: 0, sends: 0, dropped: 0 };

  constructor(
    private readonly kafka: Kafka,
    private readonly names: KafkaNames,
    opts: EventLogOptions = {},
  ) {
    this.batches = new EventBatches(
      names,
      opts.maxEventsPerMessage ?? 1000,
      opts.maxBytesPerMessage ?? 900_000,
      opts.maxBytesPerTopicSend ?? 900_000,
      this.stats,
    );
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
      for (const [t, pos] of last) this.batches.resumeAfter(t, pos);
    }
    this.producer = await this.makeProducer();
  }

  /** The last position published per topic as found by connect({resume}) (tests, ops). */
  resumePositions(): Map<OutputTopic, EventPosition | undefined> {
    return this.batches.resumePositions();
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
      for (const ev of events) this.batches.route(ev);
      if (applied !== undefined) this.batches.markApplied(applied);
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

  // -------------------------------------------------------------------------------------------- send

  private async sendLoop(): Promise<void> {
    if (this.sending) return;
    this.sending = true;
    try {
      for (;;) {
        // events dropped on resume are "acknowledged" at once when nothing else is pending
        this.acked += this.batches.closeAll();
        const req = this.batches.nextRequest();
        if (req === undefined) {
          this.resolveWaiters();
          return;
        }
        const { topicMessages } = req;
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
        this.batches.sent(req);
        this.acked += req.events;
        this.stats.sends++;
        this.stats.messages += topicMessages.reduce((s, t) => s + t.messages.length, 0);
        this.stats.bytes += req.bytes;
        this.stats.events += req.events - req.dropped;
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

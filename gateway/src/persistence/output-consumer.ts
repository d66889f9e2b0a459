// A consumer-group reader of the engine's output topics (SPEC §10) for the savers and the notifier.
// It decodes event batches, hands them to a sink in chunks, and commits the Kafka offset of a chunk only
// after the sink has made it durable. The sink is idempotent on event positions (its own cursor, stored
// with its data), so a redelivery — a crash between the sink's commit and the offset commit, a group
// reset, an engine that re-published — writes nothing twice.
//
// When the sink fails (MySQL or Redis down) the chunk is retried with exponential backoff for as long as
// it takes, heart-beating so the group keeps the partition; nothing after it is applied meanwhile.
// A message that cannot be decoded (a newer schema, corruption) stalls the consumer with errors rather
// than being skipped: the read model never silently loses an event. A consumer that kafkajs gives up on
// (CRASH with restart: false, e.g. KafkaJSGroupCoordinatorNotFound on a rejoin while a broker restarts)
// is replaced after `respawnMs`: it rejoins the group at its committed offsets (the sink skips what it
// already has), retrying while Kafka is away. Before, the crash was only logged and the saver or the
// notifier stopped for good.
import type { EventPosition, PositionedEvent } from "@perpx/engine/log/kafka/event-message";
import { decodeEventBatch } from "@perpx/engine/log/kafka/event-message";
import type { KafkaNames, OutputTopic } from "@perpx/engine/log/kafka/topics";
import type { Consumer, EachBatchPayload, Kafka } from "kafkajs";

export interface EventSink {
  /** Applies one chunk durably, skipping positions at or before its cursor. Throws to be retried. */
  apply(topic: OutputTopic, events: readonly PositionedEvent[]): Promise<void>;
}

export interface OutputConsumerOptions {
  kafka: Kafka;
  names: KafkaNames;
  /** physical group id (names.group("matching_engine_saver_orders")) */
  groupId: string;
  topics: readonly OutputTopic[];
  sink: EventSink;
  /** events per sink call (default 5000) */
  maxEventsPerChunk?: number;
  /** first and longest wait between attempts of a failing chunk, ms (defaults 100 and 5000) */
  retryInitialMs?: number;
  retryMaxMs?: number;
  /** broker long-poll, ms (default 100) */
  fetchWaitMs?: number;
  /** delay before a consumer kafkajs gave up on is replaced, and between failed starts, ms (default 1 000) */
  respawnMs?: number;
  onError?: (e: unknown, attempt: number) => void;
}

export interface OutputConsumerStats {
  chunks: number;
  events: number;
  failures: number;
  /** consumers started: 1 + the replacements of consumers kafkajs gave up on */
  consumers: number;
}

export class OutputConsumer {
  private consumer: Consumer | undefined;
  private stopping = false;
  private sleepers = new Set<() => void>();
  private readonly applied = new Map<OutputTopic, EventPosition>();
  private positionWaiters: (() => void)[] = [];
  private respawn: ReturnType<typeof setTimeout> | undefined;
  readonly stats: OutputConsumerStats = { chunks: 0, events: 0, failures: 0, consumers: 0 };

  constructor(private readonly opts: OutputConsumerOptions) {}

  start(): Promise<void> {
    return this.spawn();
  }

  private async spawn(): Promise<void> {
    const o = this.opts;
    const consumer = o.kafka.consumer({
      groupId: o.groupId,
      maxWaitTimeInMs: o.fetchWaitMs ?? 100,
      // a killed saver's membership blocks its successor until the session times out (was 30 s)
      sessionTimeout: 10_000,
      heartbeatInterval: 1000,
      allowAutoTopicCreation: false,
    });
    this.consumer = consumer;
    this.stats.consumers++;
    consumer.on(consumer.events.CRASH, (e) => {
      o.onError?.(e.payload.error, 0);
      if (e.payload.restart || this.stopping || this.consumer !== consumer) return;
      o.onError?.(new Error(`kafkajs gave up on consumer ${o.groupId} (restart: false): replacing it`), 0);
      this.consumer = undefined;
      void consumer.disconnect().catch(() => undefined);
      this.scheduleSpawn();
    });
    try {
      await consumer.connect();
      // a new group starts at the beginning: the output topics are the read model's source of truth
      await consumer.subscribe({ topics: o.topics.map((t) => o.names.topic(t)), fromBeginning: true });
      await consumer.run({
        autoCommit: false,
        eachBatchAutoResolve: false,
        eachBatch: (p) => this.onBatch(p),
      });
    } catch (e) {
      if (this.consumer === consumer) this.consumer = undefined;
      await consumer.disconnect().catch(() => undefined);
      throw e;
    }
  }

  /** A replacement consumer in `respawnMs`; one that cannot start (Kafka still away) is tried again. */
  private scheduleSpawn(): void {
    if (this.stopping || this.respawn) return;
    this.respawn = setTimeout(() => {
      this.respawn = undefined;
      if (this.stopping || this.consumer) return;
      this.spawn().catch((err: unknown) => {
        this.opts.onError?.(err, 0);
        this.scheduleSpawn();
      });
    }, this.opts.respawnMs ?? 1000);
  }

  async stop(): Promise<void> {
    this.stopping = true;
    clearTimeout(this.respawn);
    this.respawn = undefined;
    for (const wake of this.sleepers) wake();
    const c = this.consumer;
    this.consumer = undefined;
    await c?.disconnect();
  }

  /** Position of the last event applied from a topic by this process. */
  appliedPosition(topic: OutputTopic): EventPosition | undefined {
    return this.applied.get(topic);
  }

  /** Resolves true once an event at or after (seq, idx) of `topic` is applied (false on timeout). */
  async waitForPosition(topic: OutputTopic, seq: number, idx: number, timeoutMs: number): Promise<boolean> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const a = this.applied.get(topic);
      if (a && (a.seq > seq || (a.seq === seq && a.idx >= idx))) return true;
      const left = deadline - Date.now();
      if (left <= 0) return false;
      await new Promise<void>((resolve) => {
        const t = setTimeout(resolve, Math.min(left, 50));
        this.positionWaiters.push(() => {
          clearTimeout(t);
          resolve();
        });
      });
    }
  }

  private async onBatch(p: EachBatchPayload): Promise<void> {
    const { batch } = p;
    const topic = this.opts.names.logical(batch.topic) as OutputTopic;
    const max = this.opts.maxEventsPerChunk ?? 5000;
    let chunk: PositionedEvent[] = [];
    let lastOffset: string | undefined;
    for (const m of batch.messages) {
      let events: PositionedEvent[] | undefined;
      for (let attempt = 1; events === undefined; attempt++) {
        try {
          events = decodeEventBatch(m.value).events;
        } catch (e) {
          if (!(await this.backoff(p, attempt, new Error(`${batch.topic}@${m.offset}: ${String(e)}`))))
            return;
        }
      }
      for (const ev of events) chunk.push(ev);
      lastOffset = m.offset;
      if (chunk.length >= max) {
        if (!(await this.flush(p, topic, chunk, lastOffset))) return;
        chunk = [];
        lastOffset = undefined;
      }
    }
    if (lastOffset !== undefined) await this.flush(p, topic, chunk, lastOffset);
  }

  /** Applies a chunk until it succeeds, then commits the offset after its last message. */
  private async flush(
    p: EachBatchPayload,
    topic: OutputTopic,
    chunk: PositionedEvent[],
    lastOffset: string,
  ): Promise<boolean> {
    for (let attempt = 1; ; attempt++) {
      if (!this.live(p)) return false;
      try {
        await this.opts.sink.apply(topic, chunk);
        break;
      } catch (e) {
        if (!(await this.backoff(p, attempt, e))) return false;
      }
    }
    this.stats.chunks++;
    this.stats.events += chunk.length;
    const last = chunk[chunk.length - 1];
    if (last) this.applied.set(topic, { seq: last.seq, idx: last.idx });
    const w = this.positionWaiters;
    this.positionWaiters = [];
    for (const fn of w) fn();
    p.resolveOffset(lastOffset);
    const { topic: physical, partition } = p.batch;
    try {
      await this.consumer?.commitOffsets([
        { topic: physical, partition, offset: (BigInt(lastOffset) + 1n).toString() },
      ]);
    } catch (e) {
      // harmless: the chunk is durable and its redelivery is skipped by the sink's cursor
      this.opts.onError?.(e, 0);
    }
    await p.heartbeat().catch(() => undefined);
    return true;
  }

  private live(p: EachBatchPayload): boolean {
    return !this.stopping && p.isRunning() && !p.isStale();
  }

  /** Reports, waits (interruptibly) and heart-beats; false when the consumer should give the batch up. */
  private async backoff(p: EachBatchPayload, attempt: number, e: unknown): Promise<boolean> {
    this.stats.failures++;
    this.opts.onError?.(e, attempt);
    const first = this.opts.retryInitialMs ?? 100;
    const ms = Math.min(this.opts.retryMaxMs ?? 5000, first * 2 ** Math.min(attempt - 1, 16));
    await new Promise<void>((resolve) => {
      const done = () => {
        clearTimeout(t);
        this.sleepers.delete(done);
        resolve();
      };
      const t = setTimeout(done, ms);
      this.sleepers.add(done);
    });
    await p.heartbeat().catch(() => undefined);
    return this.live(p);
  }
}

// Maps where a gateway wrote a command (input topic, partition, offset — from appendDurable) to the seq
// the engine gave it, by following the engine's recorded decisions on `matching_engine_sequence`
// (sequence-message.ts). Owner: the distributed gateway; read-only on the topic (read_committed, its own
// throw-away consumer group, never commits: it can never fence or disturb the engine).
//
// It starts at the END of the sequence topic as it is at start(): a decision for a command this gateway
// appends is always recorded after the append, so nothing before that point is needed. Decisions are
// kept as runs per input topic (offset → seq), pruned to the newest `maxRuns` per topic. Every rejoin of
// its consumer seeks back to the next unread offset (nothing is skipped across a broker restart).
import type { KafkaPosition } from "@perpx/engine/log/kafka/command-writer";
import { decodeSequenceRecord } from "@perpx/engine/log/kafka/sequence-message";
import { type InputTopic, type KafkaNames, SEQUENCE_TOPIC } from "@perpx/engine/log/kafka/topics";
import type { Consumer, Kafka } from "kafkajs";

/** a restarted broker forgets a member after this long: a rejoin waits at most this (kafkajs: 30 s) */
const SESSION_TIMEOUT_MS = 10_000;
const HEARTBEAT_MS = 1000;

interface TopicRun {
  offset: number;
  count: number;
  firstSeq: number;
}

interface Waiter {
  topic: InputTopic;
  offset: number;
  resolve: (seq: number | undefined) => void;
  timer: ReturnType<typeof setTimeout>;
}

export interface SequenceFollowerOptions {
  /** runs kept per input topic (default 100 000) */
  maxRuns?: number;
  onError?: (e: unknown) => void;
}

export class SequenceFollower {
  private readonly runs = new Map<InputTopic, TopicRun[]>();
  private readonly waiters = new Set<Waiter>();
  private consumer: Consumer | undefined;
  private respawn: ReturnType<typeof setTimeout> | undefined;
  /** the next offset of the sequence topic to read (kept across rejoins and new consumers) */
  private next = "0";
  private last = 0;
  /** group joins, crashes and replaced consumers (metrics: a stall after a rejoin) */
  private joins = 0;
  private crashes = 0;
  private spawns = 0;
  private closed = false;
  private readonly maxRuns: number;
  private readonly onError: (e: unknown) => void;

  constructor(
    private readonly kafka: Kafka,
    private readonly names: KafkaNames,
    opts: SequenceFollowerOptions = {},
  ) {
    this.maxRuns = opts.maxRuns ?? 100_000;
    this.onError = opts.onError ?? (() => undefined);
  }

  /** The highest seq seen recorded (0 before the first decision after start). */
  lastSeq(): number {
    return this.last;
  }

  /** Where the follower is (the distributed gateway's /metrics; stall diagnostics). */
  state(): Record<string, number> {
    return {
      next_offset: Number(this.next),
      last_seq: this.last,
      waiters: this.waiters.size,
      group_joins: this.joins,
      crashes: this.crashes,
      consumers: this.spawns,
    };
  }

  async start(): Promise<void> {
    const topic = this.names.topic(SEQUENCE_TOPIC);
    const admin = this.kafka.admin();
    await admin.connect();
    try {
      const [p] = await admin.fetchTopicOffsets(topic);
      this.next = p?.high ?? "0";
    } finally {
      await admin.disconnect();
    }
    await this.spawn();
  }

  /**
   * A consumer that reads from `this.next` on. The group is never committed, so every (re)join —
   * after a broker restart kafkajs rejoins by itself — seeks back to the next unread offset: a join
   * must not fall back to the topic's end and skip the decisions recorded while the broker was away
   * (their commands would never resolve). A crash kafkajs does not restart gets a new consumer.
   */
  private async spawn(): Promise<void> {
    const topic = this.names.topic(SEQUENCE_TOPIC);
    const consumer = this.kafka.consumer({
      groupId: this.names.group(`perpx-gateway-seq.${process.pid}.${Date.now()}.${Math.random()}`),
      maxWaitTimeInMs: 20,
      sessionTimeout: SESSION_TIMEOUT_MS,
      heartbeatInterval: HEARTBEAT_MS,
      allowAutoTopicCreation: false,
      readUncommitted: false,
    });
    this.consumer = consumer;
    this.spawns++;
    consumer.on(consumer.events.GROUP_JOIN, () => {
      this.joins++;
      consumer.seek({ topic, partition: 0, offset: this.next });
    });
    consumer.on(consumer.events.CRASH, (e) => {
      this.crashes++;
      this.onError(e.payload.error);
      if (e.payload.restart || this.consumer !== consumer) return;
      this.onError(new Error("kafkajs gave up on the sequence consumer (restart: false): replacing it"));
      this.consumer = undefined;
      void consumer.disconnect().catch(() => undefined);
      this.respawn = setTimeout(() => {
        this.respawn = undefined;
        if (!this.closed) this.spawn().catch((err) => this.spawnFailed(err));
      }, 1000);
    });
    try {
      await consumer.connect();
      await consumer.subscribe({ topics: [topic], fromBeginning: false });
      await consumer.run({
        autoCommit: false,
        eachMessage: async ({ message }) => {
          this.next = String(Number(message.offset) + 1);
          try {
            this.learn(decodeSequenceRecord(message.value));
          } catch (e) {
            this.onError(e);
          }
        },
      });
    } catch (e) {
      if (this.consumer === consumer) this.consumer = undefined;
      await consumer.disconnect().catch(() => undefined);
      throw e;
    }
    consumer.seek({ topic, partition: 0, offset: this.next });
  }

  /** A replacement consumer that could not start (Kafka still away): try again. */
  private spawnFailed(err: unknown): void {
    this.onError(err);
    if (this.closed || this.consumer !== undefined) return;
    this.respawn = setTimeout(() => {
      this.respawn = undefined;
      if (!this.closed) this.spawn().catch((e) => this.spawnFailed(e));
    }, 1000);
  }

  /** The engine seq of the command written at `pos`, or undefined after timeoutMs. */
  resolve(pos: KafkaPosition, timeoutMs: number): Promise<number | undefined> {
    const known = this.lookup(pos.topic, pos.offset);
    if (known !== undefined) return Promise.resolve(known);
    return new Promise((resolve) => {
      const w: Waiter = {
        topic: pos.topic,
        offset: pos.offset,
        resolve,
        timer: setTimeout(() => {
          this.waiters.delete(w);
          resolve(undefined);
        }, timeoutMs),
      };
      this.waiters.add(w);
    });
  }

  async close(): Promise<void> {
    this.closed = true;
    for (const w of this.waiters) {
      clearTimeout(w.timer);
      w.resolve(undefined);
    }
    this.waiters.clear();
    if (this.respawn) clearTimeout(this.respawn);
    const c = this.consumer;
    this.consumer = undefined;
    await c?.disconnect().catch(() => undefined);
  }

  private learn(rec: ReturnType<typeof decodeSequenceRecord>): void {
    if (rec.type !== "seq") return;
    let seq = rec.first;
    for (const [topic, , offset, count] of rec.runs) {
      const list = this.runs.get(topic) ?? [];
      const tail = list[list.length - 1];
      // a repeated decision (a retried sequence write) is identical: keep what is known
      if (!tail || offset >= tail.offset + tail.count) {
        list.push({ offset, count, firstSeq: seq });
        if (list.length > this.maxRuns) list.splice(0, list.length - this.maxRuns);
        this.runs.set(topic, list);
      }
      seq += count;
    }
    this.last = Math.max(this.last, seq - 1);
    if (this.waiters.size === 0) return;
    for (const w of this.waiters) {
      const s = this.lookup(w.topic, w.offset);
      if (s === undefined) continue;
      clearTimeout(w.timer);
      this.waiters.delete(w);
      w.resolve(s);
    }
  }

  private lookup(topic: InputTopic, offset: number): number | undefined {
    const list = this.runs.get(topic);
    if (!list || list.length === 0) return undefined;
    let lo = 0;
    let hi = list.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if ((list[mid] as TopicRun).offset <= offset) lo = mid;
      else hi = mid - 1;
    }
    const r = list[lo] as TopicRun;
    return offset >= r.offset && offset < r.offset + r.count ? r.firstSeq + (offset - r.offset) : undefined;
  }
}

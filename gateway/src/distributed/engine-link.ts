// The gateway's EngineLink in the distributed deployment. The engine runs in another process; this link
// consumes `matching_engine_output` from the beginning (its own throw-away consumer group, never
// committed: every gateway instance reads everything) and projects it into the in-process
// MemoryReadModel and the stream source. Waits:
//  - the engine's output messages carry an "applied up to" marker (event-message.ts): after the last
//    message of each engine batch, every command with seq ≤ applied is done and its events are here —
//    commands that produced no event included;
//  - waitForSeq(ticket or seq): a ticket (gateway-log.ts) is first resolved to the engine seq through
//    the recorded sequence (SequenceFollower), then waits until applied ≥ seq;
//  - waitForOrder(userId, orderId): waits for the order's ORDER event, then for the marker that closes
//    its engine batch (so the answer includes the fills of that same command).
import type { PositionedEvent } from "@perpx/engine/log/kafka/event-message";
import { decodeEventBatch, type EventPosition, isAfter } from "@perpx/engine/log/kafka/event-message";
import type { KafkaNames } from "@perpx/engine/log/kafka/topics";
import type { EngineEvent } from "@perpx/shared/events";
import { Ev } from "@perpx/shared/events";
import type { Consumer, Kafka } from "kafkajs";
import type { ReadModel } from "../read-model/read-model.js";
import type { OrderView } from "../read-model/views.js";
import type { EngineLink } from "../types.js";
import { isTicket, positionOfTicket } from "./gateway-log.js";
import type { SequenceFollower } from "./sequence-follower.js";

interface SeqWaiter {
  seq: number;
  resolve: (ok: boolean) => void;
  timer: ReturnType<typeof setTimeout>;
}

interface OrderWaiter {
  userId: number;
  orderId: number;
  /** seq of the order's first ORDER event seen after the wait began */
  seq: number | undefined;
  resolve: (v: OrderView | undefined) => void;
  timer: ReturnType<typeof setTimeout>;
}

export interface OutputFollowerOptions {
  kafka: Kafka;
  names: KafkaNames;
  readModel: ReadModel & { apply(events: readonly EngineEvent[]): void };
  follower: SequenceFollower;
  /** other projections fed with the same events, after the read model (the stream source) */
  sinks?: readonly ((events: readonly EngineEvent[]) => void)[];
  onError?: (e: unknown) => void;
  /** delay before a consumer kafkajs gave up on is replaced, ms (default 1 000) */
  respawnMs?: number;
}

export class DistributedEngineLink implements EngineLink {
  private consumer: Consumer | undefined;
  /** the next offset of the output topic to read, kept across rejoins (undefined before the first message) */
  private nextOffset: string | undefined;
  private cursor: EventPosition = { seq: 0, idx: -1 };
  /** every command with seq ≤ applied is applied by the engine and its events are in the read model */
  private applied = 0;
  private caughtUp = false;
  private catchUpTarget: bigint | undefined;
  private onCaughtUp: (() => void) | undefined;
  private readonly seqWaiters = new Set<SeqWaiter>();
  private readonly orderWaiters = new Map<number, OrderWaiter[]>();
  /** group joins and crashes of the output consumer (metrics: a stall after a rejoin) */
  private joins = 0;
  private crashes = 0;
  /** consumers started: 1 + the replacements of consumers kafkajs gave up on */
  private spawns = 0;
  private respawn: ReturnType<typeof setTimeout> | undefined;
  private closed = false;
  readonly caughtUpPromise: Promise<void>;

  constructor(private readonly o: OutputFollowerOptions) {
    this.caughtUpPromise = new Promise((r) => {
      this.onCaughtUp = r;
    });
  }

  /** highest "applied up to" marker seen */
  appliedSeq(): number {
    return this.applied;
  }

  /** Where the output consumer is (the distributed gateway's /metrics; stall diagnostics). */
  state(): Record<string, number> {
    let orderWaiters = 0;
    for (const l of this.orderWaiters.values()) orderWaiters += l.length;
    return {
      applied_seq: this.applied,
      cursor_seq: this.cursor.seq,
      next_offset: this.nextOffset === undefined ? -1 : Number(this.nextOffset),
      seq_waiters: this.seqWaiters.size,
      order_waiters: orderWaiters,
      group_joins: this.joins,
      crashes: this.crashes,
      consumers: this.spawns,
    };
  }

  /** Starts consuming from the beginning; `caughtUpPromise` resolves at the end offset seen now. */
  async start(): Promise<void> {
    const topic = this.o.names.topic("matching_engine_output");
    const admin = this.o.kafka.admin();
    await admin.connect();
    try {
      const [p] = await admin.fetchTopicOffsets(topic);
      this.catchUpTarget = BigInt(p?.high ?? "0");
    } finally {
      await admin.disconnect();
    }
    if (this.catchUpTarget === 0n) this.markCaughtUp();
    await this.spawn();
  }

  /**
   * A consumer that reads from the next unread offset on (from the beginning before the first
   * message). The group never commits, so every (re)join — kafkajs rejoins by itself after a broker
   * restart — seeks back to the next unread offset instead of starting over. A crash kafkajs does not
   * restart (`restart: false`) gets a new consumer: without one the read model would stop for good
   * while the engine goes on, and every `?wait=true` would time out.
   */
  private async spawn(): Promise<void> {
    const topic = this.o.names.topic("matching_engine_output");
    const consumer = this.o.kafka.consumer({
      groupId: this.o.names.group(`perpx-gateway-read.${process.pid}.${Date.now()}.${Math.random()}`),
      maxWaitTimeInMs: 20,
      // a broker restarted under this member makes the rejoin wait until the old session times out
      // (kafkajs default 30 s: ?wait=true answers stalled that long after a broker restart)
      sessionTimeout: 10_000,
      heartbeatInterval: 1000,
      allowAutoTopicCreation: false,
    });
    this.consumer = consumer;
    this.spawns++;
    consumer.on(consumer.events.CRASH, (e) => {
      this.crashes++;
      this.o.onError?.(e.payload.error);
      if (e.payload.restart || this.consumer !== consumer) return;
      this.o.onError?.(new Error("kafkajs gave up on the output consumer (restart: false): replacing it"));
      this.consumer = undefined;
      void consumer.disconnect().catch(() => undefined);
      if (this.closed) return;
      this.respawn = setTimeout(() => {
        this.respawn = undefined;
        if (!this.closed) this.spawn().catch((err) => this.spawnFailed(err));
      }, this.o.respawnMs ?? 1000);
    });
    consumer.on(consumer.events.GROUP_JOIN, () => {
      this.joins++;
      if (this.nextOffset !== undefined) consumer.seek({ topic, partition: 0, offset: this.nextOffset });
    });
    try {
      await consumer.connect();
      await consumer.subscribe({ topics: [topic], fromBeginning: true });
      await consumer.run({
        autoCommit: false,
        eachBatch: async ({ batch, resolveOffset, isStale }) => {
          for (const m of batch.messages) {
            if (isStale()) return;
            this.onMessage(m.value);
            resolveOffset(m.offset);
            this.nextOffset = (BigInt(m.offset) + 1n).toString();
            if (
              !this.caughtUp &&
              this.catchUpTarget !== undefined &&
              BigInt(m.offset) + 1n >= this.catchUpTarget
            )
              this.markCaughtUp();
          }
        },
      });
    } catch (e) {
      if (this.consumer === consumer) this.consumer = undefined;
      await consumer.disconnect().catch(() => undefined);
      throw e;
    }
    if (this.nextOffset !== undefined) consumer.seek({ topic, partition: 0, offset: this.nextOffset });
  }

  /** A replacement consumer that could not start (Kafka still away): try again. */
  private spawnFailed(err: unknown): void {
    this.o.onError?.(err);
    if (this.closed || this.consumer !== undefined) return;
    this.respawn = setTimeout(() => {
      this.respawn = undefined;
      if (!this.closed) this.spawn().catch((e) => this.spawnFailed(e));
    }, this.o.respawnMs ?? 1000);
  }

  async close(): Promise<void> {
    this.closed = true;
    if (this.respawn) clearTimeout(this.respawn);
    for (const w of this.seqWaiters) {
      clearTimeout(w.timer);
      w.resolve(false);
    }
    this.seqWaiters.clear();
    for (const list of this.orderWaiters.values())
      for (const w of list) {
        clearTimeout(w.timer);
        w.resolve(undefined);
      }
    this.orderWaiters.clear();
    const c = this.consumer;
    this.consumer = undefined;
    await c?.disconnect().catch(() => undefined);
  }

  // ------------------------------------------------------------------------------------- EngineLink

  async resolveSeq(seq: number, timeoutMs: number): Promise<number | undefined> {
    if (!isTicket(seq)) return seq;
    return this.o.follower.resolve(positionOfTicket(seq), timeoutMs);
  }

  async waitForSeq(seqOrTicket: number, timeoutMs: number): Promise<boolean> {
    const deadline = Date.now() + timeoutMs;
    const seq = await this.resolveSeq(seqOrTicket, timeoutMs);
    if (seq === undefined) return false;
    if (this.applied >= seq) return true;
    return new Promise((resolve) => {
      const w: SeqWaiter = {
        seq,
        resolve,
        timer: setTimeout(
          () => {
            this.seqWaiters.delete(w);
            resolve(false);
          },
          Math.max(0, deadline - Date.now()),
        ),
      };
      this.seqWaiters.add(w);
    });
  }

  waitForOrder(userId: number, orderId: number, timeoutMs: number): Promise<OrderView | undefined> {
    const now = this.o.readModel.orderById(userId, orderId);
    // known and everything the read model holds is complete: answer at once
    if (now && this.applied >= this.o.readModel.lastSeq()) return Promise.resolve(now);
    return new Promise((resolve) => {
      const w: OrderWaiter = {
        userId,
        orderId,
        seq: now ? this.o.readModel.lastSeq() : undefined,
        resolve,
        timer: setTimeout(() => {
          const l = this.orderWaiters.get(orderId);
          if (l) {
            l.splice(l.indexOf(w), 1);
            if (l.length === 0) this.orderWaiters.delete(orderId);
          }
          resolve(undefined);
        }, timeoutMs),
      };
      const list = this.orderWaiters.get(orderId) ?? [];
      list.push(w);
      this.orderWaiters.set(orderId, list);
    });
  }

  ready(): boolean {
    return this.caughtUp && this.consumer !== undefined;
  }

  // -------------------------------------------------------------------------------------- consuming

  private markCaughtUp(): void {
    this.caughtUp = true;
    this.onCaughtUp?.();
  }

  private onMessage(value: Buffer | null): void {
    let batch: ReturnType<typeof decodeEventBatch>;
    try {
      batch = decodeEventBatch(value);
    } catch (e) {
      // a message this gateway cannot read: reported, and the projection stays behind it (no skip of
      // the marker either, so waits time out rather than answer from an incomplete read model)
      this.o.onError?.(e);
      return;
    }
    const fresh: PositionedEvent[] = [];
    for (const e of batch.events) {
      if (!isAfter(e.seq, e.idx, this.cursor)) continue; // a copy (re-published or redelivered)
      fresh.push(e);
      this.cursor = { seq: e.seq, idx: e.idx };
    }
    if (fresh.length > 0) {
      const events = fresh.map((e) => e.ev);
      this.o.readModel.apply(events);
      for (const sink of this.o.sinks ?? []) sink(events);
      if (this.orderWaiters.size > 0)
        for (const e of events) {
          if (e.ev !== Ev.ORDER) continue;
          for (const w of this.orderWaiters.get(e.orderId) ?? []) w.seq ??= e.seq;
        }
    }
    if (batch.applied !== undefined && batch.applied > this.applied) {
      this.applied = batch.applied;
      this.wake();
    }
  }

  private wake(): void {
    for (const w of this.seqWaiters) {
      if (w.seq > this.applied) continue;
      clearTimeout(w.timer);
      this.seqWaiters.delete(w);
      w.resolve(true);
    }
    for (const [orderId, list] of this.orderWaiters) {
      const keep = list.filter((w) => {
        if (w.seq === undefined || w.seq > this.applied) return true;
        clearTimeout(w.timer);
        w.resolve(this.o.readModel.orderById(w.userId, w.orderId));
        return false;
      });
      if (keep.length === 0) this.orderWaiters.delete(orderId);
      else this.orderWaiters.set(orderId, keep);
    }
  }
}

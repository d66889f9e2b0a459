// The append side of the Kafka command log (gateway, schedulers, oracle feed): writes commands to the
// input topic their opcode belongs to and resolves only once the broker has acknowledged them with
// acks = all from an idempotent producer. Concurrent appends are group-committed: while one produce
// request is in flight the next ones queue, and then go out together in one request (call order is kept
// inside each topic). Owner: this class alone holds the producer.
//
// Failure: every append has a deadline (default 5 s). When the broker cannot be reached or does not
// acknowledge in time, the append rejects with LogUnavailableError (`{code: "LOG_UNAVAILABLE",
// retriable: true}`) and the producer is replaced by a fresh one (a new producer id): an idempotent
// producer that gave up on a request must not be reused, or its next request could reuse the sequence
// numbers of the one that was perhaps written and be dropped by the broker as a duplicate.
// A timed-out request may still have been written (the classic ambiguity): the client retries with the
// same clientOrderId / txId / withdrawId and the engine's idempotency answers the original.
import type { Command } from "@perpx/shared/commands";
import type { Kafka, Message, Producer } from "kafkajs";
import { LogUnavailableError } from "../log-unavailable.js";
import { encodeCommand, inputTopicFor } from "./command-message.js";
import { withTimeout } from "./timeout.js";
import { INPUT_TOPICS, type InputTopic, type KafkaNames } from "./topics.js";

/** Where a command was written: its coordinates in an input topic (not its engine seq). */
export interface KafkaPosition {
  topic: InputTopic;
  partition: number;
  offset: number;
}

export interface CommandWriterOptions {
  /** an append that is not acknowledged within this many ms rejects (default 5000) */
  timeoutMs?: number;
}

interface Pending {
  items: { topic: InputTopic; value: Buffer }[];
  deadline: number;
  timer: NodeJS.Timeout;
  settled: boolean;
  resolve: (p: KafkaPosition[]) => void;
  reject: (e: Error) => void;
}

export class KafkaCommandWriter {
  private producer: Producer | undefined;
  private connecting: Promise<Producer> | undefined;
  private queue: Pending[] = [];
  private flushing = false;
  private closed = false;
  private readonly timeoutMs: number;

  constructor(
    private readonly kafka: Kafka,
    private readonly names: KafkaNames,
    opts: CommandWriterOptions = {},
  ) {
    this.timeoutMs = opts.timeoutMs ?? 5000;
  }

  /** Writes each command to the topic of its opcode (see inputTopicFor). */
  append(cmds: readonly Command[]): Promise<KafkaPosition[]> {
    return this.enqueue(cmds.map((c) => ({ topic: inputTopicFor(c), value: encodeCommand(c) })));
  }

  /** Writes commands to one named input topic (`matching_engine_preload` for a cold start). */
  appendTo(topic: InputTopic, cmds: readonly Command[]): Promise<KafkaPosition[]> {
    return this.enqueue(cmds.map((c) => ({ topic, value: encodeCommand(c) })));
  }

  async close(): Promise<void> {
    this.closed = true;
    for (const p of this.queue.splice(0)) this.settle(p, new LogUnavailableError("command log closed"));
    const prod = this.producer;
    this.producer = undefined;
    await prod?.disconnect().catch(() => undefined);
  }

  private enqueue(items: Pending["items"]): Promise<KafkaPosition[]> {
    if (this.closed) return Promise.reject(new LogUnavailableError("command log closed"));
    if (items.length === 0) return Promise.resolve([]);
    return new Promise<KafkaPosition[]>((resolve, reject) => {
      const p: Pending = {
        items,
        deadline: Date.now() + this.timeoutMs,
        settled: false,
        resolve,
        reject,
        timer: setTimeout(
          () =>
            this.settle(p, new LogUnavailableError(`Kafka did not acknowledge within ${this.timeoutMs} ms`)),
          this.timeoutMs,
        ),
      };
      this.queue.push(p);
      void this.flushLoop();
    });
  }

  private settle(p: Pending, result: KafkaPosition[] | Error): void {
    if (p.settled) return;
    p.settled = true;
    clearTimeout(p.timer);
    if (result instanceof Error) p.reject(result);
    else p.resolve(result);
  }

  private async flushLoop(): Promise<void> {
    if (this.flushing) return;
    this.flushing = true;
    try {
      while (this.queue.length > 0 && !this.closed) {
        const group = this.queue.splice(0).filter((p) => !p.settled);
        if (group.length === 0) continue;
        const deadline = Math.min(...group.map((p) => p.deadline));
        try {
          const positions = await withTimeout(
            this.send(group),
            deadline - Date.now(),
            () => new LogUnavailableError("Kafka did not acknowledge within the append deadline"),
          );
          for (let i = 0; i < group.length; i++) this.settle(group[i] as Pending, positions[i] ?? []);
        } catch (e) {
          const err = LogUnavailableError.is(e)
            ? e
            : new LogUnavailableError(`Kafka append failed: ${(e as Error).message}`, { cause: e });
          for (const p of group) this.settle(p, err);
          this.recycle();
        }
      }
    } finally {
      this.flushing = false;
    }
  }

  /** One produce request for the whole group; returns the positions of each pending append. */
  private async send(group: Pending[]): Promise<KafkaPosition[][]> {
    const producer = await this.getProducer();
    const perTopic = new Map<InputTopic, Message[]>();
    // index of each item inside its topic's message list, to map base offsets back
    const slots: number[][] = group.map((p) =>
      p.items.map((it) => {
        let list = perTopic.get(it.topic);
        if (!list) {
          list = [];
          perTopic.set(it.topic, list);
        }
        list.push({ value: it.value });
        return list.length - 1;
      }),
    );
    const meta = await producer.sendBatch({
      acks: -1,
      topicMessages: [...perTopic].map(([t, messages]) => ({ topic: this.names.topic(t), messages })),
    });
    const base = new Map<InputTopic, { partition: number; offset: number }>();
    for (const m of meta) {
      const t = this.names.logical(m.topicName);
      if (m.errorCode !== 0 || !t || !INPUT_TOPICS.includes(t as InputTopic))
        throw new LogUnavailableError(`produce to ${m.topicName} failed (error ${m.errorCode})`);
      base.set(t as InputTopic, { partition: m.partition, offset: Number(m.baseOffset ?? m.offset) });
    }
    return group.map((p, gi) =>
      p.items.map((it, ii) => {
        const b = base.get(it.topic);
        if (!b) throw new LogUnavailableError(`no acknowledgement for ${it.topic}`);
        return { topic: it.topic, partition: b.partition, offset: b.offset + (slots[gi]?.[ii] ?? 0) };
      }),
    );
  }

  private getProducer(): Promise<Producer> {
    if (this.producer) return Promise.resolve(this.producer);
    if (!this.connecting) {
      const producer = this.kafka.producer({
        idempotent: true, // acks = all, exactly one copy per produce request even when retried
        maxInFlightRequests: 1,
        allowAutoTopicCreation: false,
        // bounded: the deadline above is the real bound; the producer is replaced after a failure
        retry: { retries: 5, initialRetryTime: 100, maxRetryTime: 1000 },
      });
      const connecting = producer.connect().then(
        () => {
          if (this.connecting === connecting) this.producer = producer;
          return producer;
        },
        (e: unknown) => {
          if (this.connecting === connecting) this.connecting = undefined;
          void producer.disconnect().catch(() => undefined);
          throw e;
        },
      );
      this.connecting = connecting;
    }
    return this.connecting;
  }

  /** Drops the current producer (a fresh producer id for the next append). */
  private recycle(): void {
    const old = this.producer;
    const pending = this.connecting;
    this.producer = undefined;
    this.connecting = undefined;
    if (old) void old.disconnect().catch(() => undefined);
    else if (pending) void pending.then((p) => p.disconnect()).catch(() => undefined);
  }
}

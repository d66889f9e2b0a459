// Writes records to `matching_engine_sequence` for the KafkaSequencedReader (owner). With fencing, each
// record is one committed transaction of a producer whose transactional id is fixed per deployment:
// initialising it fences the previous engine (its next write fails with INVALID_PRODUCER_EPOCH) and
// aborts a transaction that engine left open. Without fencing, a plain idempotent producer (faster, for
// a single engine with no standby). After any failed write the producer is dropped and the next write
// makes a fresh one: a new producer id, and for a transactional one an abort of what was half done. A
// connect that outlasts a write's bound is kept, not abandoned: the next write waits for it.
import type { Kafka, Producer } from "kafkajs";
import { encodeSequenceRecord, type SequenceRecord } from "./sequence-message.js";
import { withTimeout } from "./timeout.js";
import { type KafkaNames, SEQUENCE_TOPIC } from "./topics.js";

/** The sequence topic has another writer now: this engine must stop (not retriable). */
export class SequencerFencedError extends Error {
  readonly code = "SEQUENCER_FENCED" as const;
  readonly retriable = false as const;
  override name = "SequencerFencedError";
}

const FENCED = new Set([
  "INVALID_PRODUCER_EPOCH",
  "PRODUCER_FENCED",
  "TRANSACTIONAL_ID_AUTHORIZATION_FAILED",
]);

/** Is this kafkajs error (or its cause) the broker saying a newer producer owns the transactional id? */
export function isFenced(e: unknown): boolean {
  for (let x = e, depth = 0; x && typeof x === "object" && depth < 4; depth++) {
    const { type, cause, originalError } = x as { type?: unknown; cause?: unknown; originalError?: unknown };
    if (typeof type === "string" && FENCED.has(type)) return true;
    x = cause ?? originalError;
  }
  return false;
}

const timedOut = (what: string) => () => new Error(`${what} timed out`);

export class SequenceWriter {
  /**
   * The producer, or its connect still under way. A connect that outlasts one write's bound is not
   * abandoned: the next write waits for the same one. (An abandoned transactional connect that finishes
   * later would initialise the same transactional id again and fence its successor, and stay connected.)
   */
  private connecting: Promise<Producer> | undefined;
  private closed = false;

  constructor(
    private readonly kafka: Kafka,
    private readonly names: KafkaNames,
    private readonly fencing: boolean,
    private readonly timeoutMs: number,
  ) {}

  /** Resolves once the record is committed (acks = all); throws on failure or after timeoutMs. */
  async write(rec: SequenceRecord): Promise<void> {
    if (this.closed) throw new Error("sequence writer is closed");
    try {
      const producer = await withTimeout(
        this.producer(),
        this.timeoutMs,
        timedOut("sequence producer connect"),
      );
      try {
        await withTimeout(this.send(producer, rec), this.timeoutMs, timedOut("sequence write"));
      } catch (e) {
        this.drop(producer);
        throw e;
      }
    } catch (e) {
      throw isFenced(e)
        ? new SequencerFencedError(`another engine took over ${SEQUENCE_TOPIC}: ${String(e)}`)
        : e;
    }
  }

  async close(): Promise<void> {
    this.closed = true;
    const c = this.connecting;
    this.connecting = undefined;
    await c?.then((p) => p.disconnect()).catch(() => undefined);
  }

  /** The connected producer; a failed connect is forgotten, so the next call makes a fresh one. */
  private producer(): Promise<Producer> {
    if (!this.connecting) {
      const c = this.connect().then((p) => {
        if (this.closed) {
          void p.disconnect().catch(() => undefined);
          throw new Error("sequence writer is closed");
        }
        return p;
      });
      c.catch(() => {
        if (this.connecting === c) this.connecting = undefined;
      });
      this.connecting = c;
    }
    return this.connecting;
  }

  private async send(producer: Producer, rec: SequenceRecord): Promise<void> {
    const msg = {
      topic: this.names.topic(SEQUENCE_TOPIC),
      acks: -1,
      messages: [{ value: encodeSequenceRecord(rec) }],
    };
    if (!this.fencing) {
      await producer.send(msg);
      return;
    }
    const tx = await producer.transaction();
    try {
      await tx.send(msg);
      await tx.commit();
    } catch (e) {
      await tx.abort().catch(() => undefined);
      throw e;
    }
  }

  private async connect(): Promise<Producer> {
    const producer = this.fencing
      ? this.kafka.producer({
          transactionalId: `${this.names.topic(SEQUENCE_TOPIC)}.writer`,
          idempotent: true,
          maxInFlightRequests: 1,
          allowAutoTopicCreation: false,
          // CONCURRENT_TRANSACTIONS right after a commit is normal: retry it quickly, not after 300 ms
          retry: { retries: 30, initialRetryTime: 5, maxRetryTime: 100 },
        })
      : this.kafka.producer({
          idempotent: true,
          maxInFlightRequests: 1,
          allowAutoTopicCreation: false,
          retry: { retries: 5, initialRetryTime: 100, maxRetryTime: 1000 },
        });
    try {
      await producer.connect();
    } catch (e) {
      void producer.disconnect().catch(() => undefined);
      throw e;
    }
    return producer;
  }

  /** After a failed write: the next write makes a fresh producer (new id; an open transaction aborts). */
  private drop(producer: Producer): void {
    this.connecting = undefined;
    void producer.disconnect().catch(() => undefined);
  }
}

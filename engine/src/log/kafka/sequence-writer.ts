// Writes records to `matching_engine_sequence` for the KafkaSequencedReader (owner). With fencing, each
// record is one committed transaction of a producer whose transactional id is fixed per deployment:
// initialising it fences the previous engine (its next write fails with INVALID_PRODUCER_EPOCH) and
// aborts a transaction that engine left open. Without fencing, a plain idempotent producer (faster, for
// a single engine with no standby). After any failed write the producer is dropped and the next write
// makes a fresh one: a new producer id, and for a transactional one an abort of what was half done.
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
  private producer: Producer | undefined;
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
      this.producer ??= await withTimeout(
        this.connect(),
        this.timeoutMs,
        timedOut("sequence producer connect"),
      );
      await withTimeout(this.send(this.producer, rec), this.timeoutMs, timedOut("sequence write"));
    } catch (e) {
      this.drop();
      throw isFenced(e)
        ? new SequencerFencedError(`another engine took over ${SEQUENCE_TOPIC}: ${String(e)}`)
        : e;
    }
  }

  async close(): Promise<void> {
    this.closed = true;
    const p = this.producer;
    this.producer = undefined;
    await p?.disconnect().catch(() => undefined);
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
    await producer.connect();
    return producer;
  }

  private drop(): void {
    const old = this.producer;
    this.producer = undefined;
    void old?.disconnect().catch(() => undefined);
  }
}

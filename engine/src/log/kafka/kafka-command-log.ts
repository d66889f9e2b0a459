// CommandLog over Kafka (SPEC §10, §12): the same interface as the embedded journal, two roles.
//  - append (gateways, schedulers, oracle feed; any number of processes): KafkaCommandWriter writes
//    each command to its input topic with acks = all and an idempotent producer.
//  - read / lastSeq / waitFor (the engine; one process): KafkaSequencedReader merges the input topics
//    into the recorded total order (matching_engine_sequence) and serves it by seq.
//
// append() and seqs: in Kafka mode the seq of a command is decided by the engine's reader when it
// sequences the command, after append() has returned, and possibly by another process. So append()
// resolves with 0 for every command — "durable, seq not known yet" (real seqs are 1-based, so 0 can never
// be mistaken for one). Callers need only durability from append (the gateway's 202 rule, SPEC §8.3);
// `?wait=true` correlates the engine's answer by orderId / clientOrderId from the event stream, not by
// seq. appendDurable() gives the Kafka coordinates (topic, partition, offset) for tracing.
// Call order between appends is kept within each input topic; across topics the engine's recorded
// sequence decides (arrival order at the engine).
import type { Command, LoggedCommand } from "@perpx/shared/commands";
import type { Kafka } from "kafkajs";
import type { CommandLog } from "../command-log.js";
import { makeKafka } from "./client.js";
import { type CommandWriterOptions, KafkaCommandWriter, type KafkaPosition } from "./command-writer.js";
import { KafkaSequencedReader, type SequencedReaderOptions } from "./sequenced-reader.js";
import { type InputTopic, KafkaNames } from "./topics.js";

/** What append() resolves with for each command in Kafka mode: durable, seq assigned later. */
export const SEQ_NOT_YET_ASSIGNED = 0;

export interface KafkaCommandLogOptions extends CommandWriterOptions {
  /**
   * "append-only" (default: gateways, schedulers) never reads; "engine" may read, which takes over the
   * sequence topic and FENCES any other engine — so only the engine process may ask for it.
   */
  role?: "append-only" | "engine";
  /** a kafkajs client (default: makeKafka() from KAFKA_BROKERS) */
  kafka?: Kafka;
  /** topic/group name prefix ("" in production) */
  names?: KafkaNames;
  /** options of the engine-side reader (created on the first read/waitFor/startReader) */
  reader?: SequencedReaderOptions;
}

export class KafkaCommandLog implements CommandLog {
  readonly names: KafkaNames;
  private readonly kafka: Kafka;
  private readonly writer: KafkaCommandWriter;
  private reader: KafkaSequencedReader | undefined;

  constructor(private readonly opts: KafkaCommandLogOptions = {}) {
    this.kafka = opts.kafka ?? makeKafka();
    this.names = opts.names ?? new KafkaNames();
    this.writer = new KafkaCommandWriter(this.kafka, this.names, opts);
  }

  /** Durable when it resolves; every element is SEQ_NOT_YET_ASSIGNED (see the file comment). */
  async append(cmds: readonly Command[]): Promise<number[]> {
    await this.writer.append(cmds);
    return cmds.map(() => SEQ_NOT_YET_ASSIGNED);
  }

  /** Durable when it resolves, with where each command was written. */
  appendDurable(cmds: readonly Command[]): Promise<KafkaPosition[]> {
    return this.writer.append(cmds);
  }

  /** Cold-start data (instruments, balances, positions) on matching_engine_preload. */
  appendPreload(cmds: readonly Command[]): Promise<KafkaPosition[]> {
    const topic: InputTopic = "matching_engine_preload";
    return this.writer.appendTo(topic, cmds);
  }

  /** Engine only: take over the sequence topic and load the recorded sequence now (else on first read). */
  async startReader(): Promise<KafkaSequencedReader> {
    if (this.opts.role !== "engine")
      throw new Error(
        "this KafkaCommandLog is append-only: only the engine (role 'engine') reads the sequence",
      );
    this.reader ??= new KafkaSequencedReader(this.kafka, this.names, this.opts.reader);
    await this.reader.start();
    return this.reader;
  }

  async read(from: number, max: number): Promise<LoggedCommand[]> {
    return (await this.startReader()).read(from, max);
  }

  /** The last recorded seq (0 before the reader started: a gateway never knows seqs in Kafka mode). */
  lastSeq(): number {
    return this.reader?.lastSeq() ?? 0;
  }

  /** Engine: see KafkaSequencedReader.waitFor. Append-only: false after timeoutMs (it never learns seqs). */
  async waitFor(after: number, timeoutMs: number): Promise<boolean> {
    if (this.opts.role !== "engine") {
      await new Promise((r) => setTimeout(r, timeoutMs));
      return false;
    }
    return (await this.startReader()).waitFor(after, timeoutMs);
  }

  async close(): Promise<void> {
    await Promise.all([this.writer.close(), this.reader?.close()]);
  }
}

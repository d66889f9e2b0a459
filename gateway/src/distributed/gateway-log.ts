// The gateway's CommandLog in the distributed deployment: an append-only KafkaCommandLog whose append()
// answers, instead of the engine seq (unknown at that time: the engine decides it later, in another
// process), a TICKET per command: a negative integer encoding where the command was written
// (input topic, offset). The distributed EngineLink turns a ticket into the engine seq by following the
// recorded sequence (SequenceFollower) when — and only when — a request waits for the outcome; a 202
// answer costs nothing more than the durable append. Real seqs are ≥ 1 and 0 is SEQ_NOT_YET_ASSIGNED, so
// a ticket can never be taken for a seq.
import type { CommandLog } from "@perpx/engine/log/command-log";
import type { KafkaPosition } from "@perpx/engine/log/kafka/command-writer";
import type { KafkaCommandLog } from "@perpx/engine/log/kafka/kafka-command-log";
import { INPUT_TOPICS, type InputTopic } from "@perpx/engine/log/kafka/topics";
import type { Command, LoggedCommand } from "@perpx/shared/commands";

const NTOPICS = INPUT_TOPICS.length;

/** Ticket of a command written at `pos` (every input topic has one partition: partition 0). */
export function ticketOf(pos: KafkaPosition): number {
  const t = INPUT_TOPICS.indexOf(pos.topic);
  if (t < 0 || pos.partition !== 0) throw new RangeError(`not a ticketable position: ${JSON.stringify(pos)}`);
  const n = pos.offset * NTOPICS + t + 1;
  if (!Number.isSafeInteger(n)) throw new RangeError(`offset ${pos.offset} too large for a ticket`);
  return -n;
}

export function isTicket(n: number): boolean {
  return Number.isSafeInteger(n) && n < 0;
}

export function positionOfTicket(ticket: number): KafkaPosition {
  const n = -ticket - 1;
  return {
    topic: INPUT_TOPICS[n % NTOPICS] as InputTopic,
    partition: 0,
    offset: Math.floor(n / NTOPICS),
  };
}

export class DistributedGatewayLog implements CommandLog {
  constructor(
    private readonly log: KafkaCommandLog,
    /** the highest engine seq the gateway has seen recorded (metrics only) */
    private readonly seenSeq: () => number,
  ) {}

  /** Durable when it resolves (acks = all); one ticket per command (see the file comment). */
  async append(cmds: readonly Command[]): Promise<number[]> {
    const positions = await this.log.appendDurable(cmds);
    return positions.map(ticketOf);
  }

  read(): Promise<LoggedCommand[]> {
    return Promise.reject(new Error("the gateway's command log is append-only"));
  }

  lastSeq(): number {
    return this.seenSeq();
  }

  async waitFor(_after: number, timeoutMs: number): Promise<boolean> {
    await new Promise((r) => setTimeout(r, timeoutMs));
    return false;
  }

  close(): Promise<void> {
    return this.log.close();
  }
}

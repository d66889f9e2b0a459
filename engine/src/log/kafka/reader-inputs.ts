// The input side of KafkaSequencedReader: the fetched records of the four input topics waiting for a
// seq, where each topic is read from (seek), flow control (pause a topic above maxBuffered, resume it
// below half), the live merge by arrival order, and waiting for the next arrival. Owner: the
// KafkaSequencedReader; the Kafka consumer is its own, passed in where one is needed.
import type { Command } from "@perpx/shared/commands";
import type { Consumer, EachBatchPayload } from "kafkajs";
import { decodeCommand } from "./command-message.js";
import { type Buffered, InputBuffer } from "./input-buffer.js";
import { pushPick, type Run } from "./sequence-message.js";
import { INPUT_TOPICS, type InputTopic, type KafkaNames, type LogicalTopic } from "./topics.js";

/** Commands picked for the next seqs, with the runs of input records they came from. */
export interface Decision {
  runs: Run[];
  cmds: Command[];
}

export class ReaderInputs {
  private readonly buffers = new Map<InputTopic, InputBuffer>();
  private arrivals = 0;
  private waiters: (() => void)[] = [];

  constructor(
    private readonly names: KafkaNames,
    private readonly maxBuffered: number,
    private readonly onError: (e: unknown) => void,
  ) {
    for (const t of INPUT_TOPICS) this.buffers.set(t, new InputBuffer());
  }

  /** The records of one topic waiting for a seq (replay walks them by offset). */
  buffer(topic: InputTopic): InputBuffer {
    return this.buffers.get(topic) as InputBuffer;
  }

  /** Records of a fetched input batch: buffered in order, stale re-deliveries skipped. */
  onBatch(
    logical: LogicalTopic | undefined,
    { batch, resolveOffset, isStale }: EachBatchPayload,
    consumer: Consumer | undefined,
  ): void {
    const buf = this.buffers.get(logical as InputTopic);
    if (!buf || !buf.positioned) return;
    for (const m of batch.messages) {
      if (isStale()) return;
      const offset = Number(m.offset);
      if (offset >= buf.expected) {
        buf.expected = offset + 1;
        try {
          buf.items.push({ offset, cmd: decodeCommand(m.value), arrival: ++this.arrivals });
        } catch (e) {
          this.onError(new Error(`skipped ${batch.topic}@${offset}: ${(e as Error).message}`));
        }
      }
      resolveOffset(m.offset);
    }
    if (buf.size > this.maxBuffered && !buf.paused && consumer) {
      buf.paused = true;
      consumer.pause([{ topic: batch.topic }]);
    }
    this.wake();
  }

  /** Until the first read() says where to start, no input topic is fetched. */
  pauseAll(consumer: Consumer): void {
    consumer.pause(INPUT_TOPICS.map((t) => ({ topic: this.names.topic(t) })));
    for (const b of this.buffers.values()) b.paused = true;
  }

  /** Seeks each input topic to its first record needed (`startOffsets`) and starts fetching. */
  position(consumer: Consumer, startOffsets: Iterable<[InputTopic, number]>): void {
    for (const [t, offset] of startOffsets) {
      const buf = this.buffers.get(t) as InputBuffer;
      buf.expected = offset;
      buf.positioned = true;
      buf.paused = false;
      consumer.seek({ topic: this.names.topic(t), partition: 0, offset: String(offset) });
    }
    consumer.resume(INPUT_TOPICS.map((t) => ({ topic: this.names.topic(t) })));
  }

  /** After a consumer restart (a rejoin from scratch): every input back where this reader is. */
  reseek(consumer: Consumer): void {
    for (const [t, b] of this.buffers) {
      b.paused = false;
      consumer.seek({ topic: this.names.topic(t), partition: 0, offset: String(b.expected) });
    }
  }

  /** Resumes the topics paused for flow control once their buffer is below half of maxBuffered. */
  resumeDrained(consumer: Consumer | undefined): void {
    if (!consumer) return;
    for (const [t, b] of this.buffers) {
      if (b.paused && b.positioned && b.size < this.maxBuffered / 2) {
        b.paused = false;
        consumer.resume([{ topic: this.names.topic(t) }]);
      }
    }
  }

  /** Some positioned topic has a record waiting for a seq. */
  hasInput(): boolean {
    for (const b of this.buffers.values()) if (b.positioned && b.size > 0) return true;
    return false;
  }

  /** Takes up to `max` waiting records, oldest arrival first across topics (the live merge). */
  pick(max: number): Decision {
    const runs: Run[] = [];
    const cmds: Command[] = [];
    const bufs = [...this.buffers].filter(([, b]) => b.positioned);
    while (cmds.length < max) {
      let best: [InputTopic, InputBuffer] | undefined;
      let bestArrival = Number.POSITIVE_INFINITY;
      for (const entry of bufs) {
        const h = entry[1].peek();
        if (h && h.arrival < bestArrival) {
          bestArrival = h.arrival;
          best = entry;
        }
      }
      if (!best) break;
      const h = best[1].peek() as Buffered;
      pushPick(runs, best[0], 0, h.offset);
      cmds.push(h.cmd);
      best[1].drop();
    }
    return { runs, cmds };
  }

  /** Wakes every sleepUntilArrival (an arrival, or the reader failing or closing). */
  wake(): void {
    const w = this.waiters;
    this.waiters = [];
    for (const fn of w) fn();
  }

  /** Resolves true on the next arrival (or fatal/close), false after ms. */
  sleepUntilArrival(ms: number): Promise<boolean> {
    return new Promise((resolve) => {
      const t = setTimeout(
        () => {
          this.waiters = this.waiters.filter((w) => w !== done);
          resolve(false);
        },
        Math.max(0, ms),
      );
      const done = () => {
        clearTimeout(t);
        resolve(true);
      };
      this.waiters.push(done);
    });
  }
}

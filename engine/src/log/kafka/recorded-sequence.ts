// The recorded total order in memory: seq → (input topic, partition, offset), kept as runs of
// consecutive offsets (a few bytes per run). Owner: the KafkaSequencedReader. Filled from the sequence
// topic on recovery (learn) and by the reader's own live decisions (record).
import type { Run, SeqRecord } from "./sequence-message.js";
import { INPUT_TOPICS, type InputTopic } from "./topics.js";

/** The recorded sequence cannot be followed (gap, conflict, or an input record that is gone). */
export class SequenceCorruptError extends Error {
  readonly code = "SEQUENCE_CORRUPT" as const;
  readonly retriable = false as const;
  override name = "SequenceCorruptError";
}

/** A recorded run with its first seq, for lookups by seq. */
export interface SeqRun {
  firstSeq: number;
  topic: InputTopic;
  partition: number;
  offset: number;
  count: number;
}

export class RecordedSequence {
  readonly runs: SeqRun[] = [];
  /** seq of the last recorded decision (0 = none) */
  last = 0;
  private readonly maxOffset = new Map<InputTopic, number>();

  /** Adds one recorded decision; a repeat of known decisions (a retried write) must be identical. */
  learn(rec: SeqRecord): void {
    let seq = rec.first;
    if (seq > this.last + 1)
      throw new SequenceCorruptError(`gap in the recorded sequence: ${this.last} then ${seq}`);
    for (const [topic, partition, offset, count] of rec.runs) {
      for (let i = 0; i < count; i++, seq++) {
        if (seq <= this.last) {
          const known = this.pickAt(seq);
          if (known.topic !== topic || known.offset !== offset + i)
            throw new SequenceCorruptError(`two decisions for seq ${seq}`);
          continue;
        }
        this.record(topic, partition, offset + i);
      }
    }
  }

  /** Appends the decision for seq last + 1. */
  record(topic: InputTopic, partition: number, offset: number): void {
    const seq = ++this.last;
    const tail = this.runs[this.runs.length - 1];
    if (
      tail &&
      tail.topic === topic &&
      tail.partition === partition &&
      tail.offset + tail.count === offset &&
      tail.firstSeq + tail.count === seq
    )
      tail.count++;
    else this.runs.push({ firstSeq: seq, topic, partition, offset, count: 1 });
    if (offset > (this.maxOffset.get(topic) ?? -1)) this.maxOffset.set(topic, offset);
  }

  recordRuns(runs: readonly Run[]): void {
    for (const [topic, partition, offset, count] of runs)
      for (let i = 0; i < count; i++) this.record(topic, partition, offset + i);
  }

  /** Index of the run holding seq (binary search). */
  runIndex(seq: number): number {
    let lo = 0;
    let hi = this.runs.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if ((this.runs[mid] as SeqRun).firstSeq <= seq) lo = mid;
      else hi = mid - 1;
    }
    return lo;
  }

  pickAt(seq: number): { topic: InputTopic; offset: number } {
    const r = this.runs[this.runIndex(seq)];
    if (!r || seq < r.firstSeq || seq >= r.firstSeq + r.count)
      throw new RangeError(`seq ${seq} not recorded`);
    return { topic: r.topic, offset: r.offset + (seq - r.firstSeq) };
  }

  /**
   * Where each input topic must be read from to serve seq `from` on: the first offset recorded at or
   * after `from`, or just after the last offset ever recorded for that topic (0 if none).
   */
  startOffsets(from: number): Map<InputTopic, number> {
    const start = new Map<InputTopic, number>();
    if (from <= this.last) {
      for (let i = this.runIndex(from); i < this.runs.length && start.size < INPUT_TOPICS.length; i++) {
        const r = this.runs[i] as SeqRun;
        if (!start.has(r.topic)) start.set(r.topic, r.offset + Math.max(0, from - r.firstSeq));
      }
    }
    for (const t of INPUT_TOPICS) if (!start.has(t)) start.set(t, (this.maxOffset.get(t) ?? -1) + 1);
    return start;
  }
}

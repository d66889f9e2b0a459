// Execute-ahead (JournalCommandLog.readAhead): durable groups whose commands the engine has not taken yet.
// When the runner falls behind the disk (it applies a backlog in slices), a group can become durable
// before it is applied; keeping the group's command objects lets the runner take them as appended
// instead of decoding them back from the tail cache. Only groups the reader has not wholly taken are
// kept (none before a reader asks), a group is dropped as soon as the reader asks for a seq past it, and
// the oldest go beyond `keep` commands: normally nothing outlives its apply (objects kept longer would be
// promoted to the old generation). Owner: the journal (main thread).
import type { LoggedCommand } from "@perpx/shared/commands";
import type { AppendBatch } from "./append-batch.js";

export class HeldBatches {
  private batches: AppendBatch[] = [];
  private head = 0;
  private count = 0;
  /** last seq the reader took (-1: no reader has asked yet) */
  private taken = -1;

  /** keep: commands held at most (0 = none: the reader decodes durable records) */
  constructor(private readonly keep: number) {}

  /** The first seq held (Infinity when none). */
  get firstSeq(): number {
    return this.head < this.batches.length ? this.batches[this.head]!.firstSeq : Number.POSITIVE_INFINITY;
  }

  /** A group became durable (groups come in seq order). */
  add(b: AppendBatch): void {
    if (b.lastSeq <= this.taken || this.taken < 0) return; // taken already, or nobody reads ahead
    if (b.count > this.keep) {
      this.clear();
      return;
    }
    this.batches.push(b);
    this.count += b.count;
    while (this.count > this.keep) this.dropHead();
  }

  /** The reader has taken every seq up to `seq` (it may go back after a rollback: the last word counts). */
  tookUpTo(seq: number): void {
    this.taken = seq;
  }

  /** Drops the groups wholly below `seq`: the reader has taken them. */
  release(seq: number): void {
    while (this.head < this.batches.length && this.batches[this.head]!.lastSeq < seq) this.dropHead();
  }

  /** Appends the held commands with seq ≥ from to `out`, until it holds `max`. */
  read(from: number, max: number, out: LoggedCommand[]): void {
    for (let i = this.head; i < this.batches.length && out.length < max; i++)
      takeFrom(this.batches[i]!, from, max, out);
  }

  clear(): void {
    this.batches = [];
    this.head = 0;
    this.count = 0;
  }

  private dropHead(): void {
    this.count -= this.batches[this.head]!.count;
    this.batches[this.head] = undefined as unknown as AppendBatch;
    this.head++;
    if (this.head === this.batches.length) this.clear();
    else if (this.head >= 64) {
      this.batches = this.batches.slice(this.head);
      this.head = 0;
    }
  }
}

/** Appends the commands of `b` with seq ≥ from to `out`, until it holds `max`. */
export function takeFrom(b: AppendBatch | null, from: number, max: number, out: LoggedCommand[]): void {
  if (!b || b.count === 0 || b.lastSeq < from) return;
  const cmds = b.cmds;
  for (let i = Math.max(0, from - b.firstSeq); i < b.count && out.length < max; i++) out.push(cmds[i]!);
}

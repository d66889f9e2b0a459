// Execute-ahead (engine-runner.ts): the events of commands applied before they are durable, in seq
// order, released to the subscribers as the log's durable seq advances. A chunk is the events of
// consecutive commands; `ends[i]` is the end offset of command firstSeq+i's events, so a chunk that a
// group boundary cuts in two is released in two parts. Owner: the runner (main thread).
import type { EngineEvent } from "@perpx/shared/events";

interface Chunk {
  firstSeq: number;
  events: EngineEvent[];
  ends: number[];
  /** commands of this chunk already released */
  done: number;
}

export class PendingEvents {
  private chunks: Chunk[] = [];
  private head = 0;

  /** Starts the chunk whose first command is `firstSeq`; push each command's events.length to the result. */
  open(events: EngineEvent[], firstSeq: number): number[] {
    const ends: number[] = [];
    this.chunks.push({ firstSeq, events, ends, done: 0 });
    return ends;
  }

  /** Hands out, in order, the events of every command with seq ≤ upTo not handed out yet. */
  release(upTo: number, deliver: (events: readonly EngineEvent[], lastSeq: number) => void): void {
    while (this.head < this.chunks.length) {
      const c = this.chunks[this.head]!;
      const k = Math.min(c.ends.length, upTo - c.firstSeq + 1);
      if (k <= c.done) break;
      const from = c.done === 0 ? 0 : c.ends[c.done - 1]!;
      const to = c.ends[k - 1]!;
      const whole = from === 0 && to === c.events.length;
      c.done = k;
      if (k === c.ends.length) {
        this.chunks[this.head] = undefined as unknown as Chunk;
        this.head++;
      }
      deliver(whole ? c.events : c.events.slice(from, to), c.firstSeq + k - 1);
      if (k < c.ends.length) break;
    }
    if (this.head === this.chunks.length) {
      this.chunks = [];
      this.head = 0;
    } else if (this.head >= 256) {
      this.chunks = this.chunks.slice(this.head);
      this.head = 0;
    }
  }

  /** Commands applied and not yet released. */
  get size(): number {
    let n = 0;
    for (let i = this.head; i < this.chunks.length; i++)
      n += this.chunks[i]!.ends.length - this.chunks[i]!.done;
    return n;
  }

  clear(): void {
    this.chunks = [];
    this.head = 0;
  }
}

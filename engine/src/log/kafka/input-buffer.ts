// Fetched records of one input topic waiting to be sequenced (FIFO with a head index, no Array.shift).
// Owner: the KafkaSequencedReader.
import type { Command } from "@perpx/shared/commands";

export interface Buffered {
  offset: number;
  cmd: Command;
  /** global arrival counter: the live merge order */
  arrival: number;
}

export class InputBuffer {
  items: Buffered[] = [];
  head = 0;
  /** next offset accepted (records below are stale re-deliveries) */
  expected = 0;
  /** the first read() has said where this topic starts */
  positioned = false;
  paused = false;

  get size(): number {
    return this.items.length - this.head;
  }
  peek(): Buffered | undefined {
    return this.items[this.head];
  }
  drop(): void {
    this.head++;
    if (this.head > 4096 && this.head * 2 > this.items.length) {
      this.items = this.items.slice(this.head);
      this.head = 0;
    }
  }
}

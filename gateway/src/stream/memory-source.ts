// An in-memory StreamSource for tests and benchmarks (and the shape of the embedded adapter): the
// producer pushes ordered event batches; the source applies their BOOK events to its own L2 mirrors
// first, then hands the batch to every consumer, so depthSnapshot() always falls on a batch boundary.
// Owner: the producer's thread; push() is synchronous.
import type { Instrument } from "@perpx/shared/domain";
import { type EngineEvent, Ev } from "@perpx/shared/events";
import { L2Book } from "./l2-book.js";
import type { DepthSnapshot, StreamSource } from "./stream-source.js";

type Consumer = (events: readonly EngineEvent[]) => void;

export class MemoryStreamSource implements StreamSource {
  private readonly books = new Map<number, L2Book>();
  private readonly consumers = new Set<Consumer>();
  /** BOOK events whose prevUpdateId did not chain to the mirror (a producer bug; applied anyway) */
  gaps = 0;

  constructor(instruments: readonly Instrument[]) {
    for (const i of instruments) this.books.set(i.symbolId, new L2Book());
  }

  onEvents(cb: Consumer): () => void {
    this.consumers.add(cb);
    return () => {
      this.consumers.delete(cb);
    };
  }

  /** Applies the batch to the mirrors, then delivers it to every consumer, synchronously. */
  push(events: readonly EngineEvent[]): void {
    for (const ev of events) {
      if (ev.ev === Ev.INSTRUMENT && !this.books.has(ev.instrument.symbolId)) {
        this.books.set(ev.instrument.symbolId, new L2Book());
      } else if (ev.ev === Ev.BOOK) {
        const book = this.books.get(ev.symbolId);
        if (!book || ev.lastUpdateId <= book.lastUpdateId) continue;
        if (ev.prevUpdateId !== book.lastUpdateId) this.gaps++;
        book.apply(ev);
      }
    }
    for (const cb of this.consumers) cb(events);
  }

  depthSnapshot(symbolId: number, limit: number): DepthSnapshot | undefined {
    return this.books.get(symbolId)?.snapshot(limit);
  }
}

// A BookSink that only counts, so that benchmarks measure the book and not the consumer.
import type { BookSink } from "../src/matcher/book-api.js";

export class CountingSink implements BookSink {
  trades = 0;
  tradedQty = 0;
  removals = 0;
  outcomes = 0;
  levels = 0;
  trade(_mo: number, _mu: number, _to: number, _tu: number, _s: number, _p: number, qty: number): void {
    this.trades++;
    this.tradedQty += qty;
  }
  removed(): void {
    this.removals++;
  }
  outcome(): void {
    this.outcomes++;
  }
  level(): void {
    this.levels++;
  }
}

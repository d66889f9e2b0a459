// A price-level (L2) mirror of one symbol's book, maintained from BOOK events (absolute quantities,
// 0 deletes). Owner: whoever consumes the event batches (the stream server, a StreamSource); one thread.
// Levels per side are a sorted array of keys plus a Map key → qty; the key is −price for bids and
// +price for asks, so index 0 is the best level on both sides. Insert/delete are a binary search and a
// splice (memmove): cheap for the few thousand levels a ±5 % price band allows.
import type { BookEvent } from "@perpx/shared/events";
import type { DepthSnapshot } from "./stream-source.js";

export class LevelSide {
  /** sorted ascending; best level first */
  private readonly keys: number[] = [];
  private readonly qty = new Map<number, number>();
  constructor(private readonly sign: 1 | -1) {}

  get size(): number {
    return this.keys.length;
  }

  /** Sets a level's absolute quantity (0 removes it). */
  set(price: number, qty: number): void {
    const key = this.sign * price;
    const had = this.qty.has(key);
    if (qty === 0) {
      if (!had) return;
      this.qty.delete(key);
      this.keys.splice(this.indexOf(key), 1);
      return;
    }
    this.qty.set(key, qty);
    if (!had) this.keys.splice(this.indexOf(key), 0, key);
  }

  qtyAt(price: number): number {
    return this.qty.get(this.sign * price) ?? 0;
  }

  /** Price of the i-th best level (i from 0), or NaN. */
  priceAt(i: number): number {
    const k = this.keys[i];
    return k === undefined ? Number.NaN : this.sign * k;
  }

  /** Quantity of the i-th best level, or 0. */
  qtyAtIndex(i: number): number {
    const k = this.keys[i];
    return k === undefined ? 0 : this.qty.get(k)!;
  }

  /** The best `limit` levels as [price, qty] pairs. */
  top(limit: number): [number, number][] {
    const n = Math.min(limit, this.keys.length);
    const out: [number, number][] = new Array(n);
    for (let i = 0; i < n; i++) {
      const k = this.keys[i]!;
      out[i] = [this.sign * k, this.qty.get(k)!];
    }
    return out;
  }

  clear(): void {
    this.keys.length = 0;
    this.qty.clear();
  }

  /** Lower bound: first index whose key is ≥ `key`. */
  private indexOf(key: number): number {
    let lo = 0;
    let hi = this.keys.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (this.keys[mid]! < key) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }
}

export class L2Book {
  readonly bids = new LevelSide(-1);
  readonly asks = new LevelSide(1);
  /** last book update id applied */
  lastUpdateId = 0;

  /** Applies a BOOK event's levels and advances lastUpdateId (the caller checks the id chain). */
  apply(ev: BookEvent): void {
    for (const [p, q] of ev.bids) this.bids.set(p, q);
    for (const [p, q] of ev.asks) this.asks.set(p, q);
    this.lastUpdateId = ev.lastUpdateId;
  }

  /** Replaces the whole book with a snapshot. */
  load(s: DepthSnapshot): void {
    this.bids.clear();
    this.asks.clear();
    for (const [p, q] of s.bids) this.bids.set(p, q);
    for (const [p, q] of s.asks) this.asks.set(p, q);
    this.lastUpdateId = s.lastUpdateId;
  }

  snapshot(limit: number): DepthSnapshot {
    return { lastUpdateId: this.lastUpdateId, bids: this.bids.top(limit), asks: this.asks.top(limit) };
  }
}

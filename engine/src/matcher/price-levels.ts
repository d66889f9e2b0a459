// The price levels of the fast book: a pool of level slots (typed-array columns + free list) and per side
// a PriceLadder (price → level, best-first order). Each level holds the head/tail of its orders' FIFO
// (links in OrderPool) and its total remaining qty. Owner: the OrderBook that created it.
//
// Lifecycle within one command: a level that empties leaves the book order at once (detach), so matching
// moves on to the next price, but stays mapped until the command ends (release); an order resting at the
// same price in the same command finds it again (open). So every level touched by a command is one
// slot, and the end-of-command level events can read each level's start and final totals directly.
import type { Side } from "@perpx/shared/domain";
import { growF64, growI32, growU8, NIL } from "./order-pool.js";
import { PriceLadder } from "./price-ladder.js";

export class PriceLevels {
  private capacity: number;
  price: Float64Array;
  /** sum of the remaining qty of the level's orders */
  total: Float64Array;
  /** total when the current command first touched the level */
  startTotal: Float64Array;
  /** oldest order (front of the FIFO), NIL when empty */
  head: Int32Array;
  /** newest order; for a free slot, the next free slot */
  tail: Int32Array;
  side: Uint8Array;
  /** 1 while the level is in the current command's touched list */
  touched: Uint8Array;
  /** 1 while the level is in its side's book order (non-empty, or re-opened in this command) */
  active: Uint8Array;
  /** by Side: BUY (bids, best = highest), SELL (asks, best = lowest) */
  private readonly ladders: readonly [PriceLadder, PriceLadder];
  private freeHead = NIL;

  constructor(capacity: number) {
    const n = Math.max(4, capacity | 0);
    this.capacity = n;
    this.price = new Float64Array(n);
    this.total = new Float64Array(n);
    this.startTotal = new Float64Array(n);
    this.head = new Int32Array(n);
    this.tail = new Int32Array(n);
    this.side = new Uint8Array(n);
    this.touched = new Uint8Array(n);
    this.active = new Uint8Array(n);
    this.ladders = [new PriceLadder(false), new PriceLadder(true)];
    this.linkFree(0, n);
  }

  /** The best level of a side, or NIL. */
  best(side: Side): number {
    return this.ladders[side].best();
  }

  /** The best price of a side, or NaN when it is empty. */
  bestPrice(side: Side): number {
    return this.ladders[side].bestPrice();
  }

  /** The level at (side, price) if it exists (possibly empty within the current command), or NIL. */
  find(side: Side, price: number): number {
    return this.ladders[side].get(price);
  }

  /** The level at (side, price), created, or put back into the book order if it was emptied. */
  open(side: Side, price: number): number {
    const ladder = this.ladders[side];
    let l = ladder.get(price);
    if (l === NIL) {
      if (this.freeHead === NIL) this.grow();
      l = this.freeHead;
      this.freeHead = this.tail[l]!;
      this.price[l] = price;
      this.total[l] = 0;
      this.head[l] = NIL;
      this.tail[l] = NIL;
      this.side[l] = side;
      this.touched[l] = 0;
      ladder.map(price, l);
    } else if (this.active[l] === 1) {
      return l;
    }
    this.active[l] = 1;
    ladder.activate(price);
    return l;
  }

  /** Takes an emptied level out of its side's order (it stays findable until release). */
  detach(l: number): void {
    this.active[l] = 0;
    this.ladders[this.side[l] as Side].deactivate(this.price[l]!);
  }

  /** Frees an empty, detached level. */
  release(l: number): void {
    this.ladders[this.side[l] as Side].unmap(this.price[l]!);
    this.tail[l] = this.freeHead;
    this.freeHead = l;
  }

  /** Starts a best-first walk over a side's levels (the book must not change until it ends). */
  walkStart(side: Side): void {
    this.ladders[side].walkStart();
  }

  /** Next level of the walk started on that side, or NIL. */
  walkNext(side: Side): number {
    return this.ladders[side].walkNext();
  }

  /** Forgets every level, keeps the allocated columns. */
  reset(): void {
    this.ladders[0].clear();
    this.ladders[1].clear();
    this.active.fill(0);
    this.freeHead = NIL;
    this.linkFree(0, this.capacity);
  }

  /** Makes slots [from, to) the whole free list (called only when it is empty). */
  private linkFree(from: number, to: number): void {
    for (let i = from; i < to - 1; i++) this.tail[i] = i + 1;
    this.tail[to - 1] = NIL;
    this.freeHead = from;
  }

  private grow(): void {
    const old = this.capacity;
    const n = old * 2;
    this.price = growF64(this.price, n);
    this.total = growF64(this.total, n);
    this.startTotal = growF64(this.startTotal, n);
    this.head = growI32(this.head, n);
    this.tail = growI32(this.tail, n);
    this.side = growU8(this.side, n);
    this.touched = growU8(this.touched, n);
    this.active = growU8(this.active, n);
    this.capacity = n;
    this.linkFree(old, n);
  }
}

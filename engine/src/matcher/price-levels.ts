// The price levels of the fast book: a pool of level slots (typed-array columns + free list), per side a
// price → level hash (IdIndex) and a best-first heap (LevelHeap). Each level holds the head/tail of its
// orders' FIFO (links in OrderPool) and its total remaining qty. Owner: the OrderBook that created it.
//
// Lifecycle within one command: a level that empties leaves its heap at once (detach), so matching moves
// on to the next price, but stays in the hash until the command ends (release); an order resting at the
// same price in the same command finds it again (open). So every level touched by a command is one
// slot, and the end-of-command level events can read each level's start and final totals directly.
import { Side } from "@perpx/shared/domain";
import { IdIndex } from "./id-index.js";
import { LevelHeap } from "./level-heap.js";
import { growF64, growI32, growU8, NIL } from "./order-pool.js";

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
  /** by Side: BUY (bids), SELL (asks) */
  readonly heaps: readonly [LevelHeap, LevelHeap];
  private readonly index: readonly [IdIndex, IdIndex];
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
    this.heaps = [new LevelHeap(n), new LevelHeap(n)];
    this.index = [new IdIndex(n), new IdIndex(n)];
    this.linkFree(0, n);
  }

  /** The best level of a side, or NIL. */
  best(side: Side): number {
    return this.heaps[side].top();
  }

  /** The level at (side, price) if it exists (possibly empty within the current command), or NIL. */
  find(side: Side, price: number): number {
    return this.index[side].get(price);
  }

  /** The level at (side, price), created, or put back into its heap if it was emptied. */
  open(side: Side, price: number): number {
    let l = this.index[side].get(price);
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
      this.index[side].set(price, l);
      this.heaps[side].push(l, side === Side.BUY ? -price : price);
    } else if (!this.heaps[side].has(l)) {
      this.heaps[side].push(l, side === Side.BUY ? -price : price);
    }
    return l;
  }

  /** Takes an emptied level out of its side's order (it stays findable until release). */
  detach(l: number): void {
    this.heaps[this.side[l] as Side].remove(l);
  }

  /** Frees an empty, detached level. */
  release(l: number): void {
    this.index[this.side[l] as Side].delete(this.price[l]!);
    this.tail[l] = this.freeHead;
    this.freeHead = l;
  }

  /** Forgets every level, keeps the allocated columns. */
  reset(): void {
    this.heaps[0].clear();
    this.heaps[1].clear();
    this.index[0].clear();
    this.index[1].clear();
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
    this.heaps[0].ensureLevels(n);
    this.heaps[1].ensureLevels(n);
    this.capacity = n;
    this.linkFree(old, n);
  }
}

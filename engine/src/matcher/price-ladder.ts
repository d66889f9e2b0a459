// One side's price → level map and best-first order, as a bucketed bitmap over the price axis.
// Owner: PriceLevels (one ladder per side).
//
// Prices (any safe integer) are cut into blocks of 1 024 consecutive prices. A block holds, per price,
// the level index (levelAt, NIL when none) and one bit per price saying the level is non-empty and in
// the book order ("active"); a 32-bit summary word says which of its 32 bit-words are non-zero. So
// inside a block, lookup is an array read and the best/next active price is two count-leading-zeros.
// Blocks are found by id (price / 1 024) through an IdIndex behind an 8-entry cache, and the blocks that
// have active prices sit in a small heap (MinHeap, key ±blockId) for the best block. A new or emptied
// level costs O(1) bit work, plus O(log blocks) only when a block gains its first or loses its last
// active price. Ordered walks (depth, impact, FOK, snapshots) scan bits, then the next block.
//
// A level can be mapped but inactive: PriceLevels keeps a level emptied during a command findable
// until the command ends. A block is freed when nothing maps into it any more (its arrays are then all
// NIL / zero again, so reuse needs no clearing). Memory: ~4.2 KB per block in use, per side.
import { IdIndex } from "./id-index.js";
import { MinHeap } from "./min-heap.js";
import { growF64, growI32, NIL } from "./order-pool.js";

const BLOCK = 1024; // prices per block
const WORDS = 32; // 32-bit words of active bits per block
const CACHE = 8; // entries of the block cache
const CACHE_MASK = CACHE - 1;
/** 1 / BLOCK, exact: x * PER_BLOCK == x / BLOCK, and a multiply is far cheaper than a divide */
const PER_BLOCK = 1 / BLOCK;

export class PriceLadder {
  /** true: best = lowest price (asks); false: best = highest (bids) */
  private readonly ascending: boolean;
  private readonly blockOf = new IdIndex(16);
  private readonly order: MinHeap;
  private capacity = 0;
  private levelAt: Int32Array = new Int32Array(0);
  private bits: Int32Array = new Int32Array(0);
  private summary: Int32Array = new Int32Array(0);
  private blockId: Float64Array = new Float64Array(0);
  /** prices of the block that map to a level */
  private mapped: Int32Array = new Int32Array(0);
  /** next free block slot (free list) */
  private nextFree: Int32Array = new Int32Array(0);
  private freeHead = NIL;
  /** direct-mapped cache of recent blocks (by id & CACHE_MASK): most commands stay within a few blocks */
  private readonly cacheId = new Float64Array(CACHE).fill(Number.NaN);
  private readonly cacheSlot = new Int32Array(CACHE).fill(NIL);
  /** best active price (NaN: none) while bestValid; recomputed lazily after the best is deactivated */
  private bestCache = Number.NaN;
  private bestValid = true;
  // walk state
  private walkSlot = NIL;
  private walkOff = 0;

  constructor(ascending: boolean, blocks = 4) {
    this.ascending = ascending;
    this.order = new MinHeap(blocks);
    this.grow(Math.max(1, blocks));
  }

  /** Level mapped at price, or NIL. */
  get(price: number): number {
    const id = Math.floor(price * PER_BLOCK);
    const slot = this.slotOf(id);
    return slot === NIL ? NIL : this.levelAt[slot * BLOCK + (price - id * BLOCK)]!;
  }

  /** Maps price → level (price must be unmapped); the level starts inactive. */
  map(price: number, level: number): void {
    const id = Math.floor(price * PER_BLOCK);
    let slot = this.slotOf(id);
    if (slot === NIL) slot = this.newBlock(id);
    this.levelAt[slot * BLOCK + (price - id * BLOCK)] = level;
    this.mapped[slot]!++;
  }

  /** Removes the mapping of an inactive price; frees the block when nothing maps into it. */
  unmap(price: number): void {
    const id = Math.floor(price * PER_BLOCK);
    const slot = this.slotOf(id);
    this.levelAt[slot * BLOCK + (price - id * BLOCK)] = NIL;
    if (--this.mapped[slot]! === 0) this.freeBlock(slot);
  }

  /** Puts a mapped price into the book order. */
  activate(price: number): void {
    const id = Math.floor(price * PER_BLOCK);
    const slot = this.slotOf(id);
    const off = price - id * BLOCK;
    const w = off >> 5;
    const i = slot * WORDS + w;
    this.bits[i] = this.bits[i]! | (1 << (off & 31));
    const sum = this.summary[slot]!;
    if (sum === 0) this.order.push(slot, this.ascending ? id : -id);
    this.summary[slot] = sum | (1 << w);
    // a better price (or the first one) becomes the best; written so that NaN (empty) compares as worse
    if (this.bestValid && (this.ascending ? !(price >= this.bestCache) : !(price <= this.bestCache))) {
      this.bestCache = price;
    }
  }

  /** Takes a price out of the book order (it stays mapped). */
  deactivate(price: number): void {
    if (price === this.bestCache) this.bestValid = false;
    const id = Math.floor(price * PER_BLOCK);
    const slot = this.slotOf(id);
    const off = price - id * BLOCK;
    const w = off >> 5;
    const i = slot * WORDS + w;
    const word = this.bits[i]! & ~(1 << (off & 31));
    this.bits[i] = word;
    if (word === 0) {
      const sum = this.summary[slot]! & ~(1 << w);
      this.summary[slot] = sum;
      if (sum === 0) this.order.remove(slot);
    }
  }

  /** The best active price, or NaN when there is none. O(1): cached, else two clz. */
  bestPrice(): number {
    if (this.bestValid) return this.bestCache;
    const slot = this.order.top();
    let best = Number.NaN;
    if (slot !== NIL) {
      const off = this.ascending ? this.firstFrom(slot, 0) : this.lastUpTo(slot, BLOCK - 1);
      best = this.blockId[slot]! * BLOCK + off;
    }
    this.bestCache = best;
    this.bestValid = true;
    return best;
  }

  /** The level at the best active price, or NIL. */
  best(): number {
    const price = this.bestPrice();
    return Number.isNaN(price) ? NIL : this.get(price);
  }

  /** Starts a best-first walk over the active prices. The ladder must not change during the walk. */
  walkStart(): void {
    this.order.walkStart();
    this.walkSlot = this.order.walkNext();
    this.walkOff = this.ascending ? 0 : BLOCK - 1;
  }

  /** Next level of the walk, or NIL at the end. */
  walkNext(): number {
    while (this.walkSlot !== NIL) {
      const slot = this.walkSlot;
      const off = this.ascending ? this.firstFrom(slot, this.walkOff) : this.lastUpTo(slot, this.walkOff);
      if (off >= 0) {
        this.walkOff = this.ascending ? off + 1 : off - 1;
        return this.levelAt[slot * BLOCK + off]!;
      }
      this.walkSlot = this.order.walkNext();
      this.walkOff = this.ascending ? 0 : BLOCK - 1;
    }
    return NIL;
  }

  /** Forgets everything (keeps the allocated blocks). */
  clear(): void {
    this.levelAt.fill(NIL);
    this.bits.fill(0);
    this.summary.fill(0);
    this.mapped.fill(0);
    this.blockOf.clear();
    this.order.clear();
    this.cacheId.fill(Number.NaN);
    this.cacheSlot.fill(NIL);
    this.bestCache = Number.NaN;
    this.bestValid = true;
    this.freeHead = NIL;
    for (let s = this.capacity - 1; s >= 0; s--) {
      this.nextFree[s] = this.freeHead;
      this.freeHead = s;
    }
  }

  /** Lowest active offset ≥ from in the block, or −1. */
  private firstFrom(slot: number, from: number): number {
    if (from >= BLOCK) return -1;
    let w = from >> 5;
    const word = this.bits[slot * WORDS + w]! & (-1 << (from & 31));
    if (word !== 0) return (w << 5) + ctz(word);
    if (w === WORDS - 1) return -1;
    const sum = this.summary[slot]! & (-1 << (w + 1));
    if (sum === 0) return -1;
    w = ctz(sum);
    return (w << 5) + ctz(this.bits[slot * WORDS + w]!);
  }

  /** Highest active offset ≤ from in the block, or −1. */
  private lastUpTo(slot: number, from: number): number {
    if (from < 0) return -1;
    let w = from >> 5;
    const b = from & 31;
    const word = this.bits[slot * WORDS + w]! & (b === 31 ? -1 : (1 << (b + 1)) - 1);
    if (word !== 0) return (w << 5) + 31 - Math.clz32(word);
    if (w === 0) return -1;
    const sum = this.summary[slot]! & ((1 << w) - 1);
    if (sum === 0) return -1;
    w = 31 - Math.clz32(sum);
    return (w << 5) + 31 - Math.clz32(this.bits[slot * WORDS + w]!);
  }

  /** Block slot of a block id, or NIL. */
  private slotOf(id: number): number {
    const k = id & CACHE_MASK;
    if (this.cacheId[k] === id) return this.cacheSlot[k]!;
    const slot = this.blockOf.get(id);
    if (slot !== NIL) {
      this.cacheId[k] = id;
      this.cacheSlot[k] = slot;
    }
    return slot;
  }

  private newBlock(id: number): number {
    if (this.freeHead === NIL) this.grow(this.capacity * 2);
    const slot = this.freeHead;
    this.freeHead = this.nextFree[slot]!;
    this.blockId[slot] = id;
    this.blockOf.set(id, slot);
    this.cacheId[id & CACHE_MASK] = id;
    this.cacheSlot[id & CACHE_MASK] = slot;
    return slot;
  }

  private freeBlock(slot: number): void {
    const id = this.blockId[slot]!;
    this.blockOf.delete(id);
    if (this.cacheId[id & CACHE_MASK] === id) {
      this.cacheId[id & CACHE_MASK] = Number.NaN;
      this.cacheSlot[id & CACHE_MASK] = NIL;
    }
    this.nextFree[slot] = this.freeHead;
    this.freeHead = slot;
  }

  private grow(n: number): void {
    const old = this.capacity;
    const levelAt = new Int32Array(n * BLOCK).fill(NIL);
    levelAt.set(this.levelAt);
    this.levelAt = levelAt;
    this.bits = growI32(this.bits, n * WORDS);
    this.summary = growI32(this.summary, n);
    this.blockId = growF64(this.blockId, n);
    this.mapped = growI32(this.mapped, n);
    this.nextFree = growI32(this.nextFree, n);
    this.order.ensureSlots(n);
    for (let s = n - 1; s >= old; s--) {
      this.nextFree[s] = this.freeHead;
      this.freeHead = s;
    }
    this.capacity = n;
  }
}

/** Index of the lowest set bit of a non-zero 32-bit word. */
function ctz(x: number): number {
  return 31 - Math.clz32(x & -x);
}

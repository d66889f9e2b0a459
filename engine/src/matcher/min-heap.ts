// A binary min-heap of slot indices (small non-negative ints) keyed by a number, over typed arrays, with
// O(log n) removal of any slot (its position is tracked) and a best-first walk that leaves the heap
// untouched: a frontier heap of positions, O(k log k) for the k smallest. PriceLadder keeps its
// non-empty price blocks in one (key ±blockId). Owner: whoever holds it (one thread).

import { growF64, growI32, NIL } from "./order-pool.js";

export class MinHeap {
  private key: Float64Array;
  private slot: Int32Array;
  private size = 0;
  /** heap position of each slot, NIL when not in the heap */
  private pos: Int32Array;
  /** best-first walk: a min-heap of heap positions (see walkStart) */
  private frontier: Int32Array;
  private fsize = 0;

  constructor(capacity: number) {
    const n = Math.max(4, capacity);
    this.key = new Float64Array(n);
    this.slot = new Int32Array(n);
    this.frontier = new Int32Array(n + 1);
    this.pos = new Int32Array(n).fill(NIL);
  }

  get length(): number {
    return this.size;
  }

  /** The slot with the smallest key, or NIL when empty. */
  top(): number {
    return this.size === 0 ? NIL : this.slot[0]!;
  }

  has(slot: number): boolean {
    return this.pos[slot] !== NIL;
  }

  /** Makes room for slot indices < n. */
  ensureSlots(n: number): void {
    if (this.pos.length >= n) return;
    const old = this.pos.length;
    this.pos = growI32(this.pos, n);
    this.pos.fill(NIL, old);
  }

  push(slot: number, key: number): void {
    if (this.size === this.key.length) {
      const n = this.size * 2;
      this.key = growF64(this.key, n);
      this.slot = growI32(this.slot, n);
      this.frontier = new Int32Array(n + 1);
    }
    this.siftUp(this.size++, key, slot);
  }

  remove(slot: number): void {
    const i = this.pos[slot]!;
    this.pos[slot] = NIL;
    const last = --this.size;
    if (i === last) return;
    const k = this.key[last]!;
    const l = this.slot[last]!;
    if (i > 0 && this.key[(i - 1) >> 1]! > k) this.siftUp(i, k, l);
    else this.siftDown(i, k, l);
  }

  clear(): void {
    for (let i = 0; i < this.size; i++) this.pos[this.slot[i]!] = NIL;
    this.size = 0;
  }

  /** Starts a best-first walk. The heap must not change until the walk is over. */
  walkStart(): void {
    this.fsize = 0;
    if (this.size > 0) this.frontier[this.fsize++] = 0;
  }

  /** The next slot of the walk, smallest key first, or NIL at the end. */
  walkNext(): number {
    if (this.fsize === 0) return NIL;
    const f = this.frontier;
    const p = f[0]!;
    // pop the frontier root, then push p's children (each at least as bad as p)
    const lastPos = f[--this.fsize]!;
    if (this.fsize > 0) this.frontierDown(0, lastPos);
    const c = 2 * p + 1;
    if (c < this.size) this.frontierUp(c);
    if (c + 1 < this.size) this.frontierUp(c + 1);
    return this.slot[p]!;
  }

  private siftUp(i: number, k: number, l: number): void {
    const key = this.key;
    const slots = this.slot;
    const pos = this.pos;
    while (i > 0) {
      const p = (i - 1) >> 1;
      const pk = key[p]!;
      if (pk <= k) break;
      key[i] = pk;
      const pl = slots[p]!;
      slots[i] = pl;
      pos[pl] = i;
      i = p;
    }
    key[i] = k;
    slots[i] = l;
    pos[l] = i;
  }

  private siftDown(i: number, k: number, l: number): void {
    const key = this.key;
    const slots = this.slot;
    const pos = this.pos;
    const n = this.size;
    for (;;) {
      let c = 2 * i + 1;
      if (c >= n) break;
      if (c + 1 < n && key[c + 1]! < key[c]!) c++;
      const ck = key[c]!;
      if (ck >= k) break;
      key[i] = ck;
      const cl = slots[c]!;
      slots[i] = cl;
      pos[cl] = i;
      i = c;
    }
    key[i] = k;
    slots[i] = l;
    pos[l] = i;
  }

  private frontierUp(p: number): void {
    const f = this.frontier;
    const key = this.key;
    const k = key[p]!;
    let i = this.fsize++;
    while (i > 0) {
      const parent = (i - 1) >> 1;
      const fp = f[parent]!;
      if (key[fp]! <= k) break;
      f[i] = fp;
      i = parent;
    }
    f[i] = p;
  }

  private frontierDown(i: number, p: number): void {
    const f = this.frontier;
    const key = this.key;
    const k = key[p]!;
    const n = this.fsize;
    for (;;) {
      let c = 2 * i + 1;
      if (c >= n) break;
      let fc = f[c]!;
      if (c + 1 < n) {
        const fr = f[c + 1]!;
        if (key[fr]! < key[fc]!) {
          c++;
          fc = fr;
        }
      }
      if (key[fc]! >= k) break;
      f[i] = fc;
      i = c;
    }
    f[i] = p;
  }
}

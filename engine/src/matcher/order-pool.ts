// Resting-order storage for the fast book: one slot per order, held as columns of typed arrays
// (structure of arrays) with a free list; grows by doubling when full, never shrinks. A slot is an index
// into every column. Owner: the OrderBook that created it (one thread).
//
// Links are slot indices (NIL = none): `next`/`prev` chain the FIFO of the order's price level (and
// `next` chains the free list), `userNext`/`userPrev` chain the orders of one user (UserOrders).

export const NIL = -1;

export class OrderPool {
  capacity: number;
  /** live orders */
  size = 0;
  orderId: Float64Array;
  userId: Float64Array;
  /** price in instrument price units (ticks × tickUnits) */
  price: Float64Array;
  /** remaining qty in instrument qty units */
  remaining: Float64Array;
  /** arrival number given when the order rested; FIFO order within a level is seq order */
  seq: Float64Array;
  next: Int32Array;
  prev: Int32Array;
  /** index of the price level (PriceLevels) the order rests in */
  level: Int32Array;
  userNext: Int32Array;
  userPrev: Int32Array;
  /** index in UserOrders' table */
  userSlot: Int32Array;
  side: Uint8Array;
  stp: Uint8Array;
  private freeHead = NIL;

  constructor(capacity: number) {
    this.capacity = Math.max(1, capacity | 0);
    const n = this.capacity;
    this.orderId = new Float64Array(n);
    this.userId = new Float64Array(n);
    this.price = new Float64Array(n);
    this.remaining = new Float64Array(n);
    this.seq = new Float64Array(n);
    this.next = new Int32Array(n);
    this.prev = new Int32Array(n);
    this.level = new Int32Array(n);
    this.userNext = new Int32Array(n);
    this.userPrev = new Int32Array(n);
    this.userSlot = new Int32Array(n);
    this.side = new Uint8Array(n);
    this.stp = new Uint8Array(n);
    this.linkFree(0, n);
  }

  /** A free slot (grows the columns when none is left). Its fields are garbage until written. */
  alloc(): number {
    if (this.freeHead === NIL) this.grow();
    const slot = this.freeHead;
    this.freeHead = this.next[slot]!;
    this.size++;
    return slot;
  }

  free(slot: number): void {
    this.next[slot] = this.freeHead;
    this.freeHead = slot;
    this.size--;
  }

  /** Forgets every order, keeps the allocated columns. */
  reset(): void {
    this.size = 0;
    this.linkFree(0, this.capacity);
  }

  /** Makes slots [from, to) the whole free list, lowest index first (called only when it is empty). */
  private linkFree(from: number, to: number): void {
    for (let i = from; i < to - 1; i++) this.next[i] = i + 1;
    this.next[to - 1] = NIL;
    this.freeHead = from;
  }

  private grow(): void {
    const old = this.capacity;
    const n = old * 2;
    this.orderId = growF64(this.orderId, n);
    this.userId = growF64(this.userId, n);
    this.price = growF64(this.price, n);
    this.remaining = growF64(this.remaining, n);
    this.seq = growF64(this.seq, n);
    this.next = growI32(this.next, n);
    this.prev = growI32(this.prev, n);
    this.level = growI32(this.level, n);
    this.userNext = growI32(this.userNext, n);
    this.userPrev = growI32(this.userPrev, n);
    this.userSlot = growI32(this.userSlot, n);
    this.side = growU8(this.side, n);
    this.stp = growU8(this.stp, n);
    this.capacity = n;
    this.linkFree(old, n);
  }
}

export function growF64(a: Float64Array, n: number): Float64Array {
  const b = new Float64Array(n);
  b.set(a);
  return b;
}

export function growI32(a: Int32Array, n: number): Int32Array {
  const b = new Int32Array(n);
  b.set(a);
  return b;
}

export function growU8(a: Uint8Array, n: number): Uint8Array {
  const b = new Uint8Array(n);
  b.set(a);
  return b;
}

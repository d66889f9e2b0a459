// Per-user intrusive lists of resting orders (for cancelAll): each user gets a slot in a small typed
// table (head, tail, count), orders link through OrderPool.userNext/userPrev. O(1) append and unlink,
// no allocation per order. A user slot is kept once created (users are few compared with orders).
// Owner: the OrderBook that created it.
import { ABSENT, IdIndex } from "./id-index.js";
import { growI32, NIL, type OrderPool } from "./order-pool.js";

export class UserOrders {
  private readonly slotOf = new IdIndex(64);
  private users = 0;
  private head: Int32Array;
  private tail: Int32Array;
  private count: Int32Array;

  constructor(capacity = 64) {
    this.head = new Int32Array(capacity);
    this.tail = new Int32Array(capacity);
    this.count = new Int32Array(capacity);
  }

  /** Appends a resting order (pool.userId[o] already written) to its user's list. */
  append(pool: OrderPool, o: number): void {
    const userId = pool.userId[o]!;
    let u = this.slotOf.get(userId);
    if (u === ABSENT) u = this.addUser(userId);
    const t = this.tail[u]!;
    pool.userSlot[o] = u;
    pool.userPrev[o] = t;
    pool.userNext[o] = NIL;
    if (t === NIL) this.head[u] = o;
    else pool.userNext[t] = o;
    this.tail[u] = o;
    this.count[u]!++;
  }

  unlink(pool: OrderPool, o: number): void {
    const u = pool.userSlot[o]!;
    const p = pool.userPrev[o]!;
    const n = pool.userNext[o]!;
    if (p === NIL) this.head[u] = n;
    else pool.userNext[p] = n;
    if (n === NIL) this.tail[u] = p;
    else pool.userPrev[n] = p;
    this.count[u]!--;
  }

  /** Order slots filled by collect() (reused between calls). */
  scratch = new Int32Array(64);

  /** Copies the user's order slots, oldest first, into `scratch`; returns how many. */
  collect(userId: number, pool: OrderPool): number {
    const u = this.slotOf.get(userId);
    if (u === ABSENT) return 0;
    const n = this.count[u]!;
    if (this.scratch.length < n) this.scratch = new Int32Array(Math.max(n, this.scratch.length * 2));
    const buf = this.scratch;
    let k = 0;
    for (let o = this.head[u]!; o !== NIL; o = pool.userNext[o]!) buf[k++] = o;
    return k;
  }

  clear(): void {
    this.slotOf.clear();
    this.users = 0;
  }

  private addUser(userId: number): number {
    if (this.users === this.head.length) {
      const n = this.users * 2;
      this.head = growI32(this.head, n);
      this.tail = growI32(this.tail, n);
      this.count = growI32(this.count, n);
    }
    const u = this.users++;
    this.head[u] = NIL;
    this.tail[u] = NIL;
    this.count[u] = 0;
    this.slotOf.set(userId, u);
    return u;
  }
}

// The resting orders of the fast book and the structures that index them: order records (OrderPool),
// price levels (PriceLevels), orderId → slot (IdIndex) and per-user lists (UserOrders). Knows how to put
// an order into a level and take it out again; knows nothing of matching or events.
// Owner: the OrderBook that created it (one thread).
import { Side, type StpMode } from "@perpx/shared/domain";
import { IdIndex } from "./id-index.js";
import { NIL, OrderPool } from "./order-pool.js";
import { PriceLevels } from "./price-levels.js";
import { UserOrders } from "./user-orders.js";

export class RestingOrders {
  readonly pool: OrderPool;
  readonly levels: PriceLevels;
  /** orderId → slot */
  readonly ids: IdIndex;
  readonly users = new UserOrders();
  /** arrival counter: FIFO order within a level is seq order */
  private seq = 0;

  constructor(capacity: number) {
    this.pool = new OrderPool(capacity);
    this.levels = new PriceLevels(Math.max(4, capacity >> 2));
    this.ids = new IdIndex(capacity);
  }

  /** Forgets every order and level, keeps the allocated storage. */
  reset(): void {
    this.pool.reset();
    this.levels.reset();
    this.ids.clear();
    this.users.clear();
    this.seq = 0;
  }

  /** A new resting order in a fresh slot, at the back of level lvl (already open at (side, price)). */
  insert(
    lvl: number,
    orderId: number,
    userId: number,
    side: Side,
    price: number,
    remaining: number,
    stp: StpMode,
  ): void {
    const pool = this.pool;
    const o = pool.alloc();
    pool.orderId[o] = orderId;
    pool.userId[o] = userId;
    pool.side[o] = side;
    pool.stp[o] = stp;
    this.linkIntoLevel(lvl, o, price, remaining);
    this.users.append(pool, o);
    this.ids.set(orderId, o);
  }

  /** Puts slot o at the back of level lvl's FIFO with a new price, qty and arrival number. */
  linkIntoLevel(lvl: number, o: number, price: number, remaining: number): void {
    const pool = this.pool;
    const levels = this.levels;
    pool.price[o] = price;
    pool.remaining[o] = remaining;
    pool.seq[o] = ++this.seq;
    pool.level[o] = lvl;
    const tail = levels.tail[lvl]!;
    pool.prev[o] = tail;
    pool.next[o] = NIL;
    if (tail === NIL) levels.head[lvl] = o;
    else pool.next[tail] = o;
    levels.tail[lvl] = o;
    levels.total[lvl] = levels.total[lvl]! + remaining;
  }

  /** Takes a resting order out of its level's FIFO and total; detaches the level when it empties. */
  unlinkFromLevel(o: number): void {
    const pool = this.pool;
    const levels = this.levels;
    const lvl = pool.level[o]!;
    const p = pool.prev[o]!;
    const n = pool.next[o]!;
    if (p === NIL) levels.head[lvl] = n;
    else pool.next[p] = n;
    if (n === NIL) levels.tail[lvl] = p;
    else pool.prev[n] = p;
    levels.total[lvl] = levels.total[lvl]! - pool.remaining[o]!;
    if (levels.head[lvl] === NIL) levels.detach(lvl);
  }

  /** Forgets an order that is in no level any more: user list, id index, slot. */
  dropSlot(o: number): void {
    this.users.unlink(this.pool, o);
    this.ids.delete(this.pool.orderId[o]!);
    this.pool.free(o);
  }

  /** Removes a resting order completely. */
  remove(o: number): void {
    this.unlinkFromLevel(o);
    this.dropSlot(o);
  }

  /**
   * The user's resting orders in book order (bids before asks, best price first, then time), as the
   * first n entries of the returned buffer (reused: valid until the next call). Book order, not arrival
   * order, so that a book restored from a snapshot cancels in the same order as the original.
   */
  userOrdersInBookOrder(userId: number): { slots: Int32Array; n: number } {
    const n = this.users.collect(userId, this.pool);
    const slots = this.users.scratch;
    if (n > 1) slots.subarray(0, n).sort(this.bookOrder);
    return { slots, n };
  }

  private readonly bookOrder = (a: number, b: number): number => {
    const pool = this.pool;
    const sa = pool.side[a]!;
    const sb = pool.side[b]!;
    if (sa !== sb) return sa - sb;
    const pa = pool.price[a]!;
    const pb = pool.price[b]!;
    if (pa !== pb) return sa === Side.BUY ? pb - pa : pa - pb;
    return pool.seq[a]! - pool.seq[b]!;
  };
}

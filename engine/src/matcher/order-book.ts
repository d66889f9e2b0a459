// The fast order book of one symbol (OrderBookApi). Owner: the matcher thread of the symbol's shard.
//
// Layout (no object per order, nothing allocated per place/cancel/amend/match once warm):
//  - OrderPool: orders as slots in typed-array columns with a free list, doubling when full.
//  - IdIndex: orderId → slot, open addressing in typed arrays: O(1) cancel/amend lookup.
//  - PriceLevels: per side a PriceLadder, a bucketed bitmap over the price axis (blocks of 1 024
//    prices: level index per price + active bits + a summary word; blocks found by id through a hash,
//    non-empty blocks in a small heap): price → level O(1), best price O(1) (two clz), new/emptied
//    level O(1) bit work (+ O(log blocks) when a block fills or empties). Each level is an intrusive
//    doubly-linked FIFO of its orders, so removing any order (cancel, filled maker, STP) is O(1).
//  - UserOrders: per-user intrusive list of resting orders for cancelAll.
// A command touches levels through touch(): their start total is kept, and at the end one level event
// per level whose total changed is sent under one new update id (first-touched order).
//
// Semantics are those of ReferenceBook (see its header): event order trades/removals → outcome →
// levels; STP by the taker's mode; GTX rejects on price crossing; FOK counts what STP lets it fill;
// cancelAll in book order. The differential test holds both to identical sink calls.
import { Side, StpMode, TimeInForce } from "@perpx/shared/domain";
import { mul, mulDiv } from "@perpx/shared/fixed";
import { type BookSink, CancelResult, type OrderBookApi, PlaceOutcome, RemoveReason } from "./book-api.js";
import { IdIndex } from "./id-index.js";
import { NIL, OrderPool } from "./order-pool.js";
import { PriceLevels } from "./price-levels.js";
import { UserOrders } from "./user-orders.js";

export interface OrderBookOptions {
  /** initial number of order slots (grows by doubling); default 1024 */
  capacity?: number;
}

type SnapshotOrder = {
  orderId: number;
  userId: number;
  side: Side;
  price: number;
  remaining: number;
  stp: StpMode;
};

export class OrderBook implements OrderBookApi {
  readonly symbolId: number;
  private readonly pool: OrderPool;
  private readonly levels: PriceLevels;
  private readonly ids: IdIndex;
  private readonly users: UserOrders;
  private lastUpdateId = 0;
  private seq = 0;
  /** levels touched by the current command, in first-touch order */
  private touchedList = new Int32Array(64);
  private touchedCount = 0;

  constructor(symbolId: number, options?: OrderBookOptions) {
    const capacity = Math.max(1, options?.capacity ?? 1024);
    this.symbolId = symbolId;
    this.pool = new OrderPool(capacity);
    this.levels = new PriceLevels(Math.max(4, capacity >> 2));
    this.ids = new IdIndex(capacity);
    this.users = new UserOrders();
  }

  get updateId(): number {
    return this.lastUpdateId;
  }

  place(
    orderId: number,
    userId: number,
    side: Side,
    price: number,
    qty: number,
    tif: TimeInForce,
    stp: StpMode,
    sink: BookSink,
  ): void {
    if (!(qty > 0)) throw new RangeError(`place: qty must be > 0, got ${qty}`);
    this.match(orderId, userId, side, price, qty, tif, stp, sink);
    this.finish(sink);
  }

  cancel(orderId: number, userId: number, sink: BookSink): CancelResult {
    const o = this.ids.get(orderId);
    if (o === NIL || this.pool.userId[o] !== userId) return CancelResult.UNKNOWN_ORDER;
    const remaining = this.pool.remaining[o]!;
    this.touch(this.pool.level[o]!);
    this.removeOrder(o);
    sink.removed(orderId, userId, remaining, RemoveReason.CANCELED);
    this.finish(sink);
    return CancelResult.OK;
  }

  cancelAll(userId: number, sink: BookSink): number {
    const n = this.users.collect(userId, this.pool);
    if (n === 0) return 0;
    // book order (not arrival order), so that a book restored from a snapshot behaves the same
    const slots = this.users.scratch.subarray(0, n).sort(this.bookOrder);
    const pool = this.pool;
    for (let i = 0; i < n; i++) {
      const o = slots[i]!;
      const orderId = pool.orderId[o]!;
      const remaining = pool.remaining[o]!;
      this.touch(pool.level[o]!);
      this.removeOrder(o);
      sink.removed(orderId, userId, remaining, RemoveReason.CANCELED);
    }
    this.finish(sink);
    return n;
  }

  amend(orderId: number, userId: number, price: number, remaining: number, sink: BookSink): CancelResult {
    const pool = this.pool;
    const o = this.ids.get(orderId);
    if (o === NIL || pool.userId[o] !== userId) return CancelResult.UNKNOWN_ORDER;
    if (!(remaining > 0)) throw new RangeError(`amend: remaining must be > 0, got ${remaining}`);
    const old = pool.remaining[o]!;
    const lvl = pool.level[o]!;
    this.touch(lvl);
    if (price === pool.price[o] && remaining < old) {
      pool.remaining[o] = remaining;
      this.levels.total[lvl] = this.levels.total[lvl]! - (old - remaining);
      sink.outcome(orderId, userId, PlaceOutcome.RESTING, 0, remaining);
    } else {
      // re-entered as a new GTC order, but in the same slot: it keeps its id and user-list entries
      const side = pool.side[o] as Side;
      this.unlinkFromLevel(o);
      pool.remaining[o] = 0; // not resting while it matches
      sink.removed(orderId, userId, old, RemoveReason.AMENDED);
      const best = this.levels.bestPrice(side === Side.BUY ? Side.SELL : Side.BUY);
      if (side === Side.BUY ? best <= price : best >= price) {
        this.match(orderId, userId, side, price, remaining, TimeInForce.GTC, pool.stp[o] as StpMode, sink, o);
      } else {
        // does not cross (the usual move): straight to the back of its new level, as match would
        const to = this.levels.open(side, price);
        this.touch(to);
        this.linkIntoLevel(to, o, price, remaining);
        sink.outcome(orderId, userId, PlaceOutcome.RESTING, 0, remaining);
      }
    }
    this.finish(sink);
    return CancelResult.OK;
  }

  bestBid(): number {
    return this.levels.bestPrice(Side.BUY);
  }

  bestAsk(): number {
    return this.levels.bestPrice(Side.SELL);
  }

  remainingOf(orderId: number): number {
    const o = this.ids.get(orderId);
    return o === NIL ? 0 : this.pool.remaining[o]!;
  }

  depth(depth: number): { bids: [number, number][]; asks: [number, number][] } {
    return { bids: this.topLevels(Side.BUY, depth), asks: this.topLevels(Side.SELL, depth) };
  }

  impact(takerSide: Side, maxQuoteUnits: number): { qty: number; quoteUnits: number } {
    const opposite = takerSide === Side.BUY ? Side.SELL : Side.BUY;
    let qty = 0;
    let quoteUnits = 0;
    this.levels.walkStart(opposite);
    for (let l = this.levels.walkNext(opposite); l !== NIL; l = this.levels.walkNext(opposite)) {
      const price = this.levels.price[l]!;
      const total = this.levels.total[l]!;
      const cost = mul(price, total);
      if (quoteUnits + cost <= maxQuoteUnits) {
        qty += total;
        quoteUnits += cost;
        continue;
      }
      const part = mulDiv(maxQuoteUnits - quoteUnits, 1, price, "floor");
      qty += part;
      quoteUnits += mul(part, price);
      break;
    }
    return { qty, quoteUnits };
  }

  forEachOrder(
    fn: (orderId: number, userId: number, side: Side, price: number, remaining: number) => void,
  ): void {
    const pool = this.pool;
    for (const side of [Side.BUY, Side.SELL] as const) {
      this.levels.walkStart(side);
      for (let l = this.levels.walkNext(side); l !== NIL; l = this.levels.walkNext(side)) {
        for (let o = this.levels.head[l]!; o !== NIL; o = pool.next[o]!) {
          fn(pool.orderId[o]!, pool.userId[o]!, side, pool.price[o]!, pool.remaining[o]!);
        }
      }
    }
  }

  restore(orders: readonly SnapshotOrder[], updateId: number): void {
    this.pool.reset();
    this.levels.reset();
    this.ids.clear();
    this.users.clear();
    this.touchedCount = 0;
    this.seq = 0;
    for (const o of orders) {
      if (!(o.remaining > 0)) throw new Error(`restore: order ${o.orderId} has remaining ${o.remaining}`);
      if (this.ids.get(o.orderId) !== NIL) throw new Error(`restore: duplicate orderId ${o.orderId}`);
      const lvl = this.levels.open(o.side, o.price);
      this.insert(lvl, o.orderId, o.userId, o.side, o.price, o.remaining, o.stp);
    }
    if (this.bestBid() >= this.bestAsk()) throw new Error("restore: crossed book");
    this.lastUpdateId = updateId;
  }

  // ---- internals -------------------------------------------------------------------------------

  /** Matches a taker and rests/expires its remainder; reports trades, removals and the outcome. */
  private match(
    orderId: number,
    userId: number,
    side: Side,
    price: number,
    qty: number,
    tif: TimeInForce,
    stp: StpMode,
    sink: BookSink,
    /** the amended order's slot, already out of its level; NIL for a new order */
    reuse = NIL,
  ): void {
    if (reuse === NIL && this.ids.get(orderId) !== NIL) {
      sink.outcome(orderId, userId, PlaceOutcome.DUPLICATE_ID, 0, qty);
      return;
    }
    const levels = this.levels;
    const pool = this.pool;
    const buy = side === Side.BUY;
    const opposite = buy ? Side.SELL : Side.BUY;
    if (tif === TimeInForce.GTX) {
      const best = levels.bestPrice(opposite);
      if (buy ? best <= price : best >= price) {
        sink.outcome(orderId, userId, PlaceOutcome.POST_ONLY_REJECTED, 0, qty);
        return;
      }
    } else if (tif === TimeInForce.FOK && this.fillable(side, price, userId, stp, qty) < qty) {
      sink.outcome(orderId, userId, PlaceOutcome.FOK_REJECTED, 0, qty);
      return;
    }
    let remaining = qty;
    let expiredByStp = false;
    while (remaining > 0) {
      const lp = levels.bestPrice(opposite); // NaN when empty: compares false
      if (!(buy ? lp <= price : lp >= price)) break;
      const lvl = levels.find(opposite, lp);
      this.touch(lvl);
      // the level's FIFO, oldest first; removeOrder detaches the level when it empties
      let o = levels.head[lvl]!;
      while (o !== NIL) {
        const next = pool.next[o]!;
        const makerUser = pool.userId[o]!;
        const makerId = pool.orderId[o]!;
        const makerRem = pool.remaining[o]!;
        if (stp !== StpMode.NONE && makerUser === userId) {
          if (stp === StpMode.EXPIRE_TAKER) {
            expiredByStp = true;
            break;
          }
          this.removeOrder(o);
          sink.removed(makerId, makerUser, makerRem, RemoveReason.EXPIRED_IN_MATCH);
          if (stp === StpMode.EXPIRE_BOTH) {
            expiredByStp = true;
            break;
          }
          o = next;
          continue;
        }
        const q = remaining < makerRem ? remaining : makerRem;
        const left = makerRem - q;
        remaining -= q;
        pool.remaining[o] = left;
        levels.total[lvl] = levels.total[lvl]! - q;
        if (left === 0) this.removeOrder(o);
        sink.trade(makerId, makerUser, orderId, userId, side, lp, q, left);
        if (remaining === 0) break;
        o = next;
      }
      if (expiredByStp) break;
    }
    const filled = qty - remaining;
    if (expiredByStp || remaining === 0 || tif === TimeInForce.IOC) {
      if (reuse !== NIL) this.dropSlot(reuse);
      const outcome = expiredByStp
        ? PlaceOutcome.EXPIRED_IN_MATCH
        : remaining === 0
          ? PlaceOutcome.FILLED
          : PlaceOutcome.EXPIRED;
      sink.outcome(orderId, userId, outcome, filled, remaining);
      return;
    }
    if (tif === TimeInForce.FOK) throw new Error("FOK left a remainder after its fillable check");
    const lvl = levels.open(side, price);
    this.touch(lvl);
    if (reuse === NIL) this.insert(lvl, orderId, userId, side, price, remaining, stp);
    else this.linkIntoLevel(lvl, reuse, price, remaining);
    sink.outcome(orderId, userId, PlaceOutcome.RESTING, filled, remaining);
  }

  /**
   * What a taker would really fill within its price, counting until `qty` is reached: all qty under
   * NONE; other users' qty under EXPIRE_MAKER (own orders would be removed); under EXPIRE_TAKER and
   * EXPIRE_BOTH only the qty before the first own order (the taker would stop there).
   */
  private fillable(side: Side, price: number, userId: number, stp: StpMode, qty: number): number {
    const levels = this.levels;
    const pool = this.pool;
    const buy = side === Side.BUY;
    const opposite = buy ? Side.SELL : Side.BUY;
    let sum = 0;
    levels.walkStart(opposite);
    for (let l = levels.walkNext(opposite); l !== NIL; l = levels.walkNext(opposite)) {
      const lp = levels.price[l]!;
      if (buy ? lp > price : lp < price) break;
      if (stp === StpMode.NONE) {
        sum += levels.total[l]!;
        if (sum >= qty) return sum;
        continue;
      }
      for (let o = levels.head[l]!; o !== NIL; o = pool.next[o]!) {
        if (pool.userId[o] === userId) {
          if (stp === StpMode.EXPIRE_MAKER) continue;
          return sum;
        }
        sum += pool.remaining[o]!;
        if (sum >= qty) return sum;
      }
    }
    return sum;
  }

  /** A new resting order in a fresh slot, at the back of level lvl (already open at (side, price)). */
  private insert(
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
  private linkIntoLevel(lvl: number, o: number, price: number, remaining: number): void {
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
  private unlinkFromLevel(o: number): void {
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
  private dropSlot(o: number): void {
    this.users.unlink(this.pool, o);
    this.ids.delete(this.pool.orderId[o]!);
    this.pool.free(o);
  }

  /** Removes a resting order completely. */
  private removeOrder(o: number): void {
    this.unlinkFromLevel(o);
    this.dropSlot(o);
  }

  /** Records the level's total before the current command first changes it. */
  private touch(lvl: number): void {
    const levels = this.levels;
    if (levels.touched[lvl] === 1) return;
    levels.touched[lvl] = 1;
    levels.startTotal[lvl] = levels.total[lvl]!;
    if (this.touchedCount === this.touchedList.length) {
      const grown = new Int32Array(this.touchedCount * 2);
      grown.set(this.touchedList);
      this.touchedList = grown;
    }
    this.touchedList[this.touchedCount++] = lvl;
  }

  /** Ends a command: level events under one new update id, then frees the levels it emptied. */
  private finish(sink: BookSink): void {
    const levels = this.levels;
    const list = this.touchedList;
    const n = this.touchedCount;
    this.touchedCount = 0;
    let id = 0;
    for (let i = 0; i < n; i++) {
      const l = list[i]!;
      levels.touched[l] = 0;
      const total = levels.total[l]!;
      if (total !== levels.startTotal[l]) {
        if (id === 0) id = ++this.lastUpdateId;
        sink.level(levels.side[l] as Side, levels.price[l]!, total, id);
      }
      if (levels.head[l] === NIL) levels.release(l);
    }
  }

  private topLevels(side: Side, depth: number): [number, number][] {
    const out: [number, number][] = [];
    this.levels.walkStart(side);
    for (
      let l = this.levels.walkNext(side);
      l !== NIL && out.length < depth;
      l = this.levels.walkNext(side)
    ) {
      out.push([this.levels.price[l]!, this.levels.total[l]!]);
    }
    return out;
  }

  /** Sort order of cancelAll: bids before asks, best price first, then time (seq). */
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

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
// RestingOrders owns these and the moves of an order in and out of a level; book-walks.ts holds the
// read-only walks (depth, impact, FOK's fillable check, snapshots).
// A command touches levels through touch(): their start total is kept, and at the end one level event
// per level whose total changed is sent under one new update id (first-touched order).
//
// Semantics are those of ReferenceBook (see its header): event order trades/removals → outcome →
// levels; STP by the taker's mode; GTX rejects on price crossing; FOK counts what STP lets it fill;
// cancelAll in book order. The differential test holds both to identical sink calls.
// Caller errors (qty ≤ 0, a price that is not a positive safe integer, a corrupt snapshot) throw
// RangeError/Error: the sequencer never sends them. A sink must not throw or call back into the book.
import { Side, StpMode, TimeInForce } from "@perpx/shared/domain";
import { type BookSink, CancelResult, type OrderBookApi, PlaceOutcome, RemoveReason } from "./book-api.js";
import { fillableQty, forEachResting, impactOf, topLevels } from "./book-walks.js";
import type { IdIndex } from "./id-index.js";
import { NIL, type OrderPool } from "./order-pool.js";
import type { PriceLevels } from "./price-levels.js";
import { RestingOrders } from "./resting-orders.js";

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
  private readonly store: RestingOrders;
  // the store's parts, at hand for the hot paths
  private readonly pool: OrderPool;
  private readonly levels: PriceLevels;
  private readonly ids: IdIndex;
  private lastUpdateId = 0;
  /** levels touched by the current command, in first-touch order */
  private touchedList = new Int32Array(64);
  private touchedCount = 0;

  constructor(symbolId: number, options?: OrderBookOptions) {
    const capacity = Math.max(1, options?.capacity ?? 1024);
    this.symbolId = symbolId;
    this.store = new RestingOrders(capacity);
    this.pool = this.store.pool;
    this.levels = this.store.levels;
    this.ids = this.store.ids;
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
    if (!(price > 0 && Number.isSafeInteger(price))) throw new RangeError(`place: bad price ${price}`);
    this.match(orderId, userId, side, price, qty, tif, stp, sink);
    this.finish(sink);
  }

  cancel(orderId: number, userId: number, sink: BookSink): CancelResult {
    const o = this.ids.get(orderId);
    if (o === NIL || this.pool.userId[o] !== userId) return CancelResult.UNKNOWN_ORDER;
    const remaining = this.pool.remaining[o]!;
    this.touch(this.pool.level[o]!);
    this.store.remove(o);
    sink.removed(orderId, userId, remaining, RemoveReason.CANCELED);
    this.finish(sink);
    return CancelResult.OK;
  }

  cancelAll(userId: number, sink: BookSink): number {
    const { slots, n } = this.store.userOrdersInBookOrder(userId);
    if (n === 0) return 0;
    const pool = this.pool;
    for (let i = 0; i < n; i++) {
      const o = slots[i]!;
      const orderId = pool.orderId[o]!;
      const remaining = pool.remaining[o]!;
      this.touch(pool.level[o]!);
      this.store.remove(o);
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
    if (!(price > 0 && Number.isSafeInteger(price))) throw new RangeError(`amend: bad price ${price}`);
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
      this.store.unlinkFromLevel(o);
      pool.remaining[o] = 0; // not resting while it matches
      sink.removed(orderId, userId, old, RemoveReason.AMENDED);
      const best = this.levels.bestPrice(side === Side.BUY ? Side.SELL : Side.BUY);
      if (side === Side.BUY ? best <= price : best >= price) {
        this.match(orderId, userId, side, price, remaining, TimeInForce.GTC, pool.stp[o] as StpMode, sink, o);
      } else {
        // does not cross (the usual move): straight to the back of its new level, as match would
        const to = this.levels.open(side, price);
        this.touch(to);
        this.store.linkIntoLevel(to, o, price, remaining);
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
    return { bids: topLevels(this.levels, Side.BUY, depth), asks: topLevels(this.levels, Side.SELL, depth) };
  }

  impact(takerSide: Side, maxQuoteUnits: number): { qty: number; quoteUnits: number } {
    return impactOf(this.levels, takerSide, maxQuoteUnits);
  }

  forEachOrder(
    fn: (orderId: number, userId: number, side: Side, price: number, remaining: number) => void,
  ): void {
    forEachResting(this.store, fn);
  }

  /** Replaces the whole book; throws on a corrupt snapshot (the book must then be restored again). */
  restore(orders: readonly SnapshotOrder[], updateId: number): void {
    this.store.reset();
    this.touchedCount = 0;
    for (const o of orders) {
      if (!(o.remaining > 0)) throw new Error(`restore: order ${o.orderId} has remaining ${o.remaining}`);
      if (this.ids.get(o.orderId) !== NIL) throw new Error(`restore: duplicate orderId ${o.orderId}`);
      const lvl = this.levels.open(o.side, o.price);
      this.store.insert(lvl, o.orderId, o.userId, o.side, o.price, o.remaining, o.stp);
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
    } else if (tif === TimeInForce.FOK && fillableQty(this.store, side, price, userId, stp, qty) < qty) {
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
      // the level's FIFO, oldest first; store.remove detaches the level when it empties
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
          this.store.remove(o);
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
        if (left === 0) this.store.remove(o);
        sink.trade(makerId, makerUser, orderId, userId, side, lp, q, left);
        if (remaining === 0) break;
        o = next;
      }
      if (expiredByStp) break;
    }
    const filled = qty - remaining;
    if (expiredByStp || remaining === 0 || tif === TimeInForce.IOC) {
      if (reuse !== NIL) this.store.dropSlot(reuse);
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
    if (reuse === NIL) this.store.insert(lvl, orderId, userId, side, price, remaining, stp);
    else this.store.linkIntoLevel(lvl, reuse, price, remaining);
    sink.outcome(orderId, userId, PlaceOutcome.RESTING, filled, remaining);
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
}

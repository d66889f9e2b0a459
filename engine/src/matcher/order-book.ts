// TEMPORARY placeholder so the ring/worker branch builds and tests: a naive OrderBookApi (sorted arrays,
// O(n) everywhere). The real OrderBook is written in parallel on the `book` branch and replaces this file
// at merge time. Owner: the matcher worker that owns the symbol's shard.
import type { Side, StpMode, TimeInForce } from "@perpx/shared/domain";
import { type BookSink, CancelResult, type OrderBookApi, PlaceOutcome, RemoveReason } from "./book-api.js";

interface Order {
  orderId: number;
  userId: number;
  side: Side;
  price: number;
  remaining: number;
  stp: StpMode;
}

interface Level {
  price: number;
  orders: Order[];
}

const BUY = 0;

export class OrderBook implements OrderBookApi {
  readonly symbolId: number;
  updateId = 0;
  private readonly bids: Level[] = []; // best (highest) first
  private readonly asks: Level[] = []; // best (lowest) first
  private readonly byId = new Map<number, Order>();
  private touched: { side: Side; price: number }[] = [];

  constructor(symbolId: number) {
    this.symbolId = symbolId;
  }

  private levels(side: Side): Level[] {
    return side === BUY ? this.bids : this.asks;
  }

  private touch(side: Side, price: number): void {
    if (!this.touched.some((t) => t.side === side && t.price === price)) this.touched.push({ side, price });
  }

  private flushLevels(sink: BookSink): void {
    if (this.touched.length === 0) return;
    this.updateId++;
    for (const t of this.touched) {
      const lvl = this.levels(t.side).find((l) => l.price === t.price);
      sink.level(t.side, t.price, lvl ? lvl.orders.reduce((s, o) => s + o.remaining, 0) : 0, this.updateId);
    }
    this.touched = [];
  }

  private insert(o: Order): void {
    const lv = this.levels(o.side);
    let i = 0;
    while (i < lv.length && (o.side === BUY ? lv[i]!.price > o.price : lv[i]!.price < o.price)) i++;
    if (i < lv.length && lv[i]!.price === o.price) lv[i]!.orders.push(o);
    else lv.splice(i, 0, { price: o.price, orders: [o] });
    this.byId.set(o.orderId, o);
    this.touch(o.side, o.price);
  }

  private unlink(o: Order): void {
    const lv = this.levels(o.side);
    const i = lv.findIndex((l) => l.price === o.price);
    const level = lv[i]!;
    level.orders.splice(level.orders.indexOf(o), 1);
    if (level.orders.length === 0) lv.splice(i, 1);
    this.byId.delete(o.orderId);
    this.touch(o.side, o.price);
  }

  private crosses(side: Side, price: number): boolean {
    const best = side === BUY ? this.asks[0] : this.bids[0];
    return best !== undefined && (side === BUY ? best.price <= price : best.price >= price);
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
    if (this.byId.has(orderId)) {
      sink.outcome(orderId, userId, PlaceOutcome.DUPLICATE_ID, 0, qty);
      return;
    }
    if (tif === 3 && this.crosses(side, price)) {
      sink.outcome(orderId, userId, PlaceOutcome.POST_ONLY_REJECTED, 0, qty);
      return;
    }
    if (tif === 2) {
      let avail = 0;
      for (const l of side === BUY ? this.asks : this.bids) {
        if (side === BUY ? l.price > price : l.price < price) break;
        for (const o of l.orders) avail += o.remaining;
      }
      if (avail < qty) {
        sink.outcome(orderId, userId, PlaceOutcome.FOK_REJECTED, 0, qty);
        return;
      }
    }
    let remaining = qty;
    let stpExpired = false;
    while (remaining > 0 && this.crosses(side, price)) {
      const best = side === BUY ? this.asks[0] : this.bids[0];
      if (best === undefined) break;
      const maker = best.orders[0]!;
      if (maker.userId === userId && stp !== 0) {
        if (stp === 2 || stp === 3) {
          this.unlink(maker);
          sink.removed(maker.orderId, maker.userId, maker.remaining, RemoveReason.EXPIRED_IN_MATCH);
        }
        if (stp === 1 || stp === 3) {
          stpExpired = true;
          break;
        }
        continue;
      }
      const q = Math.min(remaining, maker.remaining);
      maker.remaining -= q;
      remaining -= q;
      this.touch(maker.side, maker.price);
      if (maker.remaining === 0) this.unlink(maker);
      sink.trade(maker.orderId, maker.userId, orderId, userId, side, maker.price, q, maker.remaining);
    }
    let outcome: PlaceOutcome = PlaceOutcome.FILLED;
    if (stpExpired) outcome = PlaceOutcome.EXPIRED_IN_MATCH;
    else if (remaining > 0 && (tif === 0 || tif === 3)) {
      this.insert({ orderId, userId, side, price, remaining, stp });
      outcome = PlaceOutcome.RESTING;
    } else if (remaining > 0) outcome = PlaceOutcome.EXPIRED;
    this.flushLevels(sink);
    sink.outcome(orderId, userId, outcome, qty - remaining, remaining);
  }

  cancel(orderId: number, userId: number, sink: BookSink): CancelResult {
    const o = this.byId.get(orderId);
    if (o === undefined || o.userId !== userId) return CancelResult.UNKNOWN_ORDER;
    this.unlink(o);
    sink.removed(o.orderId, o.userId, o.remaining, RemoveReason.CANCELED);
    this.flushLevels(sink);
    return CancelResult.OK;
  }

  cancelAll(userId: number, sink: BookSink): number {
    const mine: Order[] = [];
    this.forEachRaw((o) => {
      if (o.userId === userId) mine.push(o);
    });
    for (const o of mine) {
      this.unlink(o);
      sink.removed(o.orderId, o.userId, o.remaining, RemoveReason.CANCELED);
    }
    this.flushLevels(sink);
    return mine.length;
  }

  amend(orderId: number, userId: number, price: number, remaining: number, sink: BookSink): CancelResult {
    const o = this.byId.get(orderId);
    if (o === undefined || o.userId !== userId) return CancelResult.UNKNOWN_ORDER;
    if (price === o.price && remaining < o.remaining) {
      o.remaining = remaining;
      this.touch(o.side, o.price);
      this.flushLevels(sink);
      sink.outcome(orderId, userId, PlaceOutcome.RESTING, 0, remaining);
      return CancelResult.OK;
    }
    this.unlink(o);
    sink.removed(o.orderId, o.userId, o.remaining, RemoveReason.AMENDED);
    this.place(orderId, userId, o.side, price, remaining, 0, o.stp, sink);
    return CancelResult.OK;
  }

  bestBid(): number {
    return this.bids[0]?.price ?? Number.NaN;
  }

  bestAsk(): number {
    return this.asks[0]?.price ?? Number.NaN;
  }

  remainingOf(orderId: number): number {
    return this.byId.get(orderId)?.remaining ?? 0;
  }

  depth(depth: number): { bids: [number, number][]; asks: [number, number][] } {
    const sum = (l: Level): [number, number] => [l.price, l.orders.reduce((s, o) => s + o.remaining, 0)];
    return { bids: this.bids.slice(0, depth).map(sum), asks: this.asks.slice(0, depth).map(sum) };
  }

  impact(takerSide: Side, maxQuoteUnits: number): { qty: number; quoteUnits: number } {
    let qty = 0;
    let quoteUnits = 0;
    for (const l of takerSide === BUY ? this.asks : this.bids) {
      const total = l.orders.reduce((s, o) => s + o.remaining, 0);
      const q = Math.min(total, Math.floor((maxQuoteUnits - quoteUnits) / l.price));
      qty += q;
      quoteUnits += q * l.price;
      if (q < total) break;
    }
    return { qty, quoteUnits };
  }

  private forEachRaw(fn: (o: Order) => void): void {
    for (const l of this.bids) for (const o of l.orders) fn(o);
    for (const l of this.asks) for (const o of l.orders) fn(o);
  }

  forEachOrder(
    fn: (orderId: number, userId: number, side: Side, price: number, remaining: number) => void,
  ): void {
    this.forEachRaw((o) => fn(o.orderId, o.userId, o.side, o.price, o.remaining));
  }

  restore(
    orders: readonly {
      orderId: number;
      userId: number;
      side: Side;
      price: number;
      remaining: number;
      stp: StpMode;
    }[],
    updateId: number,
  ): void {
    this.bids.length = 0;
    this.asks.length = 0;
    this.byId.clear();
    for (const o of orders) this.insert({ ...o });
    this.touched = [];
    this.updateId = updateId;
  }
}

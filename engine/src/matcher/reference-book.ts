// The reference order book: naive and obviously correct, the oracle of the differential test (like
// exchange-core's OrderBookNaiveImpl). Plain arrays of order objects kept in priority order, linear
// scans everywhere. Not for production use: O(orders) per command. Owner: the test or thread that made it.
//
// Semantics shared with the fast book (OrderBook) — both must produce identical sink calls:
//  - Event order per command: trades/removals in matching order, then the command's outcome, then the
//    level events (first-touched order, only levels whose total differs from the start of the command).
//  - STP uses the taker's mode. EXPIRE_TAKER stops before the own maker; EXPIRE_MAKER removes it
//    (reason EXPIRED_IN_MATCH) and continues; EXPIRE_BOTH removes it and stops. A stopped taker ends
//    EXPIRED_IN_MATCH whatever its time in force.
//  - GTX is rejected when the best opposite price crosses its price, whoever owns that order.
//  - FOK counts, best first within the price limit, what the taker would really fill: other users' qty
//    (all qty under NONE); under EXPIRE_MAKER own orders are skipped; under EXPIRE_TAKER / EXPIRE_BOTH the
//    count stops at the first own order. Not enough → FOK_REJECTED and nothing changes (no STP removal).
//  - cancelAll removes the user's orders in book order (bids best first, then asks best first, FIFO in a
//    level), so a book restored from a snapshot emits exactly what the original would have.
//  - Rejected/duplicate outcomes report filled 0 and remaining = the requested qty.
//  - Caller errors throw: qty ≤ 0, a price that is not a positive safe integer, a corrupt snapshot.
import { Side, type Side as SideT, StpMode, TimeInForce } from "@perpx/shared/domain";
import { mul, mulDiv } from "@perpx/shared/fixed";
import { type BookSink, CancelResult, type OrderBookApi, PlaceOutcome, RemoveReason } from "./book-api.js";

interface RefOrder {
  readonly orderId: number;
  readonly userId: number;
  readonly side: SideT;
  readonly price: number;
  remaining: number;
  readonly stp: StpMode;
}

interface Touched {
  readonly side: SideT;
  readonly price: number;
  readonly before: number;
}

export class ReferenceBook implements OrderBookApi {
  readonly symbolId: number;
  /** best first: price descending, then time */
  private bids: RefOrder[] = [];
  /** best first: price ascending, then time */
  private asks: RefOrder[] = [];
  private byId = new Map<number, RefOrder>();
  private lastUpdateId = 0;
  /** levels touched by the current command, keyed "side:price", in first-touch order */
  private touched = new Map<string, Touched>();

  constructor(symbolId: number) {
    this.symbolId = symbolId;
  }

  get updateId(): number {
    return this.lastUpdateId;
  }

  place(
    orderId: number,
    userId: number,
    side: SideT,
    price: number,
    qty: number,
    tif: TimeInForce,
    stp: StpMode,
    sink: BookSink,
  ): void {
    if (!(qty > 0)) throw new RangeError(`place: qty must be > 0, got ${qty}`);
    if (!(price > 0 && Number.isSafeInteger(price))) throw new RangeError(`place: bad price ${price}`);
    this.touched.clear();
    this.match(orderId, userId, side, price, qty, tif, stp, sink);
    this.finish(sink);
  }

  cancel(orderId: number, userId: number, sink: BookSink): CancelResult {
    const o = this.byId.get(orderId);
    if (o === undefined || o.userId !== userId) return CancelResult.UNKNOWN_ORDER;
    this.touched.clear();
    this.removeOrder(o);
    sink.removed(o.orderId, o.userId, o.remaining, RemoveReason.CANCELED);
    this.finish(sink);
    return CancelResult.OK;
  }

  cancelAll(userId: number, sink: BookSink): number {
    const mine = [...this.bids, ...this.asks].filter((o) => o.userId === userId);
    this.touched.clear();
    for (const o of mine) {
      this.removeOrder(o);
      sink.removed(o.orderId, o.userId, o.remaining, RemoveReason.CANCELED);
    }
    this.finish(sink);
    return mine.length;
  }

  amend(orderId: number, userId: number, price: number, remaining: number, sink: BookSink): CancelResult {
    const o = this.byId.get(orderId);
    if (o === undefined || o.userId !== userId) return CancelResult.UNKNOWN_ORDER;
    if (!(remaining > 0)) throw new RangeError(`amend: remaining must be > 0, got ${remaining}`);
    if (!(price > 0 && Number.isSafeInteger(price))) throw new RangeError(`amend: bad price ${price}`);
    this.touched.clear();
    if (price === o.price && remaining < o.remaining) {
      this.touch(o.side, o.price);
      o.remaining = remaining;
      sink.outcome(orderId, userId, PlaceOutcome.RESTING, 0, remaining);
    } else {
      this.removeOrder(o);
      sink.removed(orderId, userId, o.remaining, RemoveReason.AMENDED);
      this.match(orderId, userId, o.side, price, remaining, TimeInForce.GTC, o.stp, sink);
    }
    this.finish(sink);
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
    return { bids: this.levels(this.bids).slice(0, depth), asks: this.levels(this.asks).slice(0, depth) };
  }

  impact(takerSide: SideT, maxQuoteUnits: number): { qty: number; quoteUnits: number } {
    let qty = 0;
    let quoteUnits = 0;
    for (const [price, total] of this.levels(takerSide === Side.BUY ? this.asks : this.bids)) {
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
    fn: (orderId: number, userId: number, side: SideT, price: number, remaining: number) => void,
  ): void {
    for (const o of [...this.bids, ...this.asks]) fn(o.orderId, o.userId, o.side, o.price, o.remaining);
  }

  restore(
    orders: readonly {
      orderId: number;
      userId: number;
      side: SideT;
      price: number;
      remaining: number;
      stp: StpMode;
    }[],
    updateId: number,
  ): void {
    this.bids = [];
    this.asks = [];
    this.byId.clear();
    for (const o of orders) {
      if (this.byId.has(o.orderId)) throw new Error(`restore: duplicate orderId ${o.orderId}`);
      this.insert({ ...o });
    }
    if (this.bestBid() >= this.bestAsk()) throw new Error("restore: crossed book");
    this.lastUpdateId = updateId;
  }

  // ---- internals -------------------------------------------------------------------------------

  /** Matches a taker and rests/expires its remainder; reports trades, removals and the outcome. */
  private match(
    orderId: number,
    userId: number,
    side: SideT,
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
    const opposite = side === Side.BUY ? this.asks : this.bids;
    const crosses = (p: number): boolean => (side === Side.BUY ? p <= price : p >= price);
    const best = opposite[0];
    if (tif === TimeInForce.GTX && best !== undefined && crosses(best.price)) {
      sink.outcome(orderId, userId, PlaceOutcome.POST_ONLY_REJECTED, 0, qty);
      return;
    }
    if (tif === TimeInForce.FOK && this.fillable(opposite, crosses, userId, stp, qty) < qty) {
      sink.outcome(orderId, userId, PlaceOutcome.FOK_REJECTED, 0, qty);
      return;
    }
    let remaining = qty;
    let expiredByStp = false;
    while (remaining > 0) {
      const maker = opposite[0];
      if (maker === undefined || !crosses(maker.price)) break;
      this.touch(maker.side, maker.price);
      if (stp !== StpMode.NONE && maker.userId === userId) {
        if (stp === StpMode.EXPIRE_TAKER) {
          expiredByStp = true;
          break;
        }
        this.removeOrder(maker);
        sink.removed(maker.orderId, maker.userId, maker.remaining, RemoveReason.EXPIRED_IN_MATCH);
        if (stp === StpMode.EXPIRE_BOTH) {
          expiredByStp = true;
          break;
        }
        continue;
      }
      const q = Math.min(remaining, maker.remaining);
      maker.remaining -= q;
      remaining -= q;
      if (maker.remaining === 0) this.removeOrder(maker);
      sink.trade(maker.orderId, maker.userId, orderId, userId, side, maker.price, q, maker.remaining);
    }
    const filled = qty - remaining;
    if (expiredByStp) {
      sink.outcome(orderId, userId, PlaceOutcome.EXPIRED_IN_MATCH, filled, remaining);
    } else if (remaining === 0) {
      sink.outcome(orderId, userId, PlaceOutcome.FILLED, filled, 0);
    } else if (tif === TimeInForce.IOC) {
      sink.outcome(orderId, userId, PlaceOutcome.EXPIRED, filled, remaining);
    } else {
      if (tif === TimeInForce.FOK) throw new Error("FOK left a remainder after its fillable check");
      this.touch(side, price);
      this.insert({ orderId, userId, side, price, remaining, stp });
      sink.outcome(orderId, userId, PlaceOutcome.RESTING, filled, remaining);
    }
  }

  private fillable(
    opposite: readonly RefOrder[],
    crosses: (p: number) => boolean,
    userId: number,
    stp: StpMode,
    qty: number,
  ): number {
    let sum = 0;
    for (const o of opposite) {
      if (!crosses(o.price) || sum >= qty) break;
      if (stp !== StpMode.NONE && o.userId === userId) {
        if (stp === StpMode.EXPIRE_MAKER) continue;
        break;
      }
      sum += o.remaining;
    }
    return sum;
  }

  /** Appends at the back of its price level. */
  private insert(o: RefOrder): void {
    const list = o.side === Side.BUY ? this.bids : this.asks;
    const worse = (p: number): boolean => (o.side === Side.BUY ? p < o.price : p > o.price);
    let i = list.findIndex((x) => worse(x.price));
    if (i < 0) i = list.length;
    list.splice(i, 0, o);
    this.byId.set(o.orderId, o);
  }

  private removeOrder(o: RefOrder): void {
    this.touch(o.side, o.price);
    const list = o.side === Side.BUY ? this.bids : this.asks;
    list.splice(list.indexOf(o), 1);
    this.byId.delete(o.orderId);
  }

  private touch(side: SideT, price: number): void {
    const key = `${side}:${price}`;
    if (!this.touched.has(key)) this.touched.set(key, { side, price, before: this.levelTotal(side, price) });
  }

  private levelTotal(side: SideT, price: number): number {
    let total = 0;
    for (const o of side === Side.BUY ? this.bids : this.asks) if (o.price === price) total += o.remaining;
    return total;
  }

  /** Level events for every touched level whose total changed, under one new update id. */
  private finish(sink: BookSink): void {
    let id = 0;
    for (const t of this.touched.values()) {
      const now = this.levelTotal(t.side, t.price);
      if (now === t.before) continue;
      if (id === 0) id = ++this.lastUpdateId;
      sink.level(t.side, t.price, now, id);
    }
    this.touched.clear();
  }

  private levels(list: readonly RefOrder[]): [number, number][] {
    const out: [number, number][] = [];
    for (const o of list) {
      const last = out[out.length - 1];
      if (last !== undefined && last[0] === o.price) last[1] += o.remaining;
      else out.push([o.price, o.remaining]);
    }
    return out;
  }
}

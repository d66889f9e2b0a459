// A deliberately naive price-time book for the stream tests (until the engine's ReferenceBook lands on
// this branch): FIFO arrays per price, sorted price lists, linear scans. It reports through the
// engine's BookSink contract, one update id per command that changed the book.
import {
  type BookSink,
  CancelResult,
  type OrderBookApi,
  PlaceOutcome,
  RemoveReason,
} from "@perpx/engine/matcher/book-api";
import { Side, type StpMode, TimeInForce } from "@perpx/shared/domain";

interface Resting {
  orderId: number;
  userId: number;
  side: Side;
  price: number;
  qty: number;
}

/** The subset of OrderBookApi the order flow drives. */
export type FlowBook = Pick<OrderBookApi, "place" | "cancel" | "depth" | "updateId">;

export class TinyBook implements FlowBook {
  updateId = 0;
  private readonly levels: [Map<number, Resting[]>, Map<number, Resting[]>] = [new Map(), new Map()];
  /** prices best first: bids descending, asks ascending */
  private readonly prices: [number[], number[]] = [[], []];
  private readonly orders = new Map<number, Resting>();

  place(
    orderId: number,
    userId: number,
    side: Side,
    price: number,
    qty: number,
    tif: TimeInForce,
    _stp: StpMode,
    sink: BookSink,
  ): void {
    const opp = side === Side.BUY ? Side.SELL : Side.BUY;
    const touched = new Set<string>();
    let left = qty;
    while (left > 0) {
      const best = this.prices[opp][0];
      if (best === undefined || (side === Side.BUY ? best > price : best < price)) break;
      const queue = this.levels[opp].get(best)!;
      const maker = queue[0]!;
      const fill = Math.min(left, maker.qty);
      maker.qty -= fill;
      left -= fill;
      if (maker.qty === 0) {
        queue.shift();
        this.orders.delete(maker.orderId);
        if (queue.length === 0) this.removeLevel(opp, best);
      }
      touched.add(`${opp}:${best}`);
      sink.trade(maker.orderId, maker.userId, orderId, userId, side, best, fill, maker.qty);
    }
    if (left > 0 && tif === TimeInForce.GTC) {
      const o: Resting = { orderId, userId, side, price, qty: left };
      this.orders.set(orderId, o);
      let queue = this.levels[side].get(price);
      if (!queue) {
        queue = [];
        this.levels[side].set(price, queue);
        this.insertPrice(side, price);
      }
      queue.push(o);
      touched.add(`${side}:${price}`);
    }
    this.report(touched, sink);
    const outcome =
      left === 0
        ? PlaceOutcome.FILLED
        : tif === TimeInForce.GTC
          ? PlaceOutcome.RESTING
          : PlaceOutcome.EXPIRED;
    sink.outcome(orderId, userId, outcome, qty - left, left);
  }

  cancel(orderId: number, userId: number, sink: BookSink): CancelResult {
    const o = this.orders.get(orderId);
    if (!o || o.userId !== userId) return CancelResult.UNKNOWN_ORDER;
    this.orders.delete(orderId);
    const queue = this.levels[o.side].get(o.price)!;
    queue.splice(queue.indexOf(o), 1);
    if (queue.length === 0) this.removeLevel(o.side, o.price);
    sink.removed(orderId, userId, o.qty, RemoveReason.CANCELED);
    this.report(new Set([`${o.side}:${o.price}`]), sink);
    return CancelResult.OK;
  }

  depth(depth: number): { bids: [number, number][]; asks: [number, number][] } {
    const side = (s: Side) =>
      this.prices[s].slice(0, depth).map((p): [number, number] => [p, this.levelQty(s, p)]);
    return { bids: side(Side.BUY), asks: side(Side.SELL) };
  }

  /** Ids of resting orders (for the flow's cancels). */
  restingIds(): IterableIterator<number> {
    return this.orders.keys();
  }

  get restingCount(): number {
    return this.orders.size;
  }

  ownerOf(orderId: number): number | undefined {
    return this.orders.get(orderId)?.userId;
  }

  private levelQty(side: Side, price: number): number {
    let q = 0;
    for (const o of this.levels[side].get(price) ?? []) q += o.qty;
    return q;
  }

  private report(touched: Set<string>, sink: BookSink): void {
    if (touched.size === 0) return;
    const id = ++this.updateId;
    for (const key of touched) {
      const [s, p] = key.split(":").map(Number) as [Side, number];
      sink.level(s, p, this.levelQty(s, p), id);
    }
  }

  private insertPrice(side: Side, price: number): void {
    const list = this.prices[side];
    const better = (a: number, b: number) => (side === Side.BUY ? a > b : a < b);
    let i = 0;
    while (i < list.length && better(list[i]!, price)) i++;
    list.splice(i, 0, price);
  }

  private removeLevel(side: Side, price: number): void {
    this.levels[side].delete(price);
    const list = this.prices[side];
    list.splice(list.indexOf(price), 1);
  }
}

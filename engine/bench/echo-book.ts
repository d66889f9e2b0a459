// A book that matches nothing: it answers every call with a fixed, plausible set of events (a level and
// an outcome per place, a result per cancel/amend/cancel-all) and keeps no state. Behind the worker it
// measures what the rings, codec, worker loop and router cost on their own.
import type { Side, StpMode, TimeInForce } from "@perpx/shared/domain";
import { type BookSink, CancelResult, type OrderBookApi, PlaceOutcome } from "../src/matcher/book-api.js";

export class EchoBook implements OrderBookApi {
  readonly symbolId: number;
  updateId = 0;

  constructor(symbolId: number) {
    this.symbolId = symbolId;
  }

  place(
    orderId: number,
    userId: number,
    side: Side,
    price: number,
    qty: number,
    _tif: TimeInForce,
    _stp: StpMode,
    sink: BookSink,
  ): void {
    sink.level(side, price, qty, ++this.updateId);
    sink.outcome(orderId, userId, PlaceOutcome.RESTING, 0, qty);
  }
  cancel(): CancelResult {
    return CancelResult.UNKNOWN_ORDER;
  }
  cancelAll(): number {
    return 0;
  }
  amend(): CancelResult {
    return CancelResult.UNKNOWN_ORDER;
  }
  bestBid(): number {
    return Number.NaN;
  }
  bestAsk(): number {
    return Number.NaN;
  }
  remainingOf(): number {
    return 0;
  }
  depth(): { bids: [number, number][]; asks: [number, number][] } {
    return { bids: [], asks: [] };
  }
  impact(): { qty: number; quoteUnits: number } {
    return { qty: 0, quoteUnits: 0 };
  }
  forEachOrder(): void {}
  restore(_orders: readonly unknown[], updateId: number): void {
    this.updateId = updateId;
  }
}

// What the sequencer receives from the matcher workers, and the switch that turns a decoded ring slot
// into a call on it. A MatcherEventSink is a BookSink plus the answers that are return values of the
// OrderBookApi calls (cancel/amend/cancelAll results), the snapshot rows, and commandDone — so the
// sequencer handles a book behind rings with the same code as a book on its own thread.
import type { EventFields } from "@perpx/shared/codec/matcher/fields";
import { MatcherOp } from "@perpx/shared/codec/matcher/opcodes";
import type { Side } from "@perpx/shared/domain";
import type { BookSink, CancelResult, PlaceOutcome, RemoveReason } from "./book-api.js";

export interface MatcherEventSink extends BookSink {
  /** return value of OrderBookApi.cancel, after the cancel's events */
  cancelResult(orderId: number, result: CancelResult): void;
  /** return value of OrderBookApi.amend, after the amend's events */
  amendResult(orderId: number, result: CancelResult): void;
  /** return value of OrderBookApi.cancelAll (orders canceled), after its events */
  cancelAllResult(userId: number, count: number): void;
  /** answer to a snapshot request: the book header; `count` snapshotOrder calls follow */
  snapshotBook(symbolId: number, updateId: number, count: number): void;
  /** one resting order, in book order */
  snapshotOrder(orderId: number, userId: number, side: Side, price: number, remaining: number): void;
  /**
   * answer to a sample request: best bid/ask (0 = side empty) and the impact fills (qty, price·qty
   * units) of a taker SELL into the bids and a taker BUY into the asks (OrderBookApi.impact)
   */
  sampleResult(
    bestBid: number,
    bestAsk: number,
    bidQty: number,
    bidQuote: number,
    askQty: number,
    askQuote: number,
  ): void;
  /** every event of the command with engine seq `seq` has been delivered */
  commandDone(seq: number): void;
}

/** Calls the sink method of a decoded event slot (COMMAND_DONE excluded: the router checks it first). */
export function dispatchEvent(e: EventFields, sink: MatcherEventSink): void {
  switch (e.op) {
    case MatcherOp.TRADE:
      sink.trade(
        e.makerOrderId,
        e.makerUserId,
        e.takerOrderId,
        e.takerUserId,
        e.takerSide,
        e.price,
        e.qty,
        e.makerRemaining,
      );
      return;
    case MatcherOp.REMOVED:
      sink.removed(e.orderId, e.userId, e.remaining, e.reason as RemoveReason);
      return;
    case MatcherOp.OUTCOME:
      sink.outcome(e.orderId, e.userId, e.outcome as PlaceOutcome, e.filled, e.remaining);
      return;
    case MatcherOp.LEVEL:
      sink.level(e.side, e.price, e.totalQty, e.updateId);
      return;
    case MatcherOp.CANCEL_RESULT:
      sink.cancelResult(e.orderId, e.result as CancelResult);
      return;
    case MatcherOp.AMEND_RESULT:
      sink.amendResult(e.orderId, e.result as CancelResult);
      return;
    case MatcherOp.CANCEL_ALL_RESULT:
      sink.cancelAllResult(e.userId, e.count);
      return;
    case MatcherOp.SNAPSHOT_BOOK:
      sink.snapshotBook(e.symbolId, e.updateId, e.count);
      return;
    case MatcherOp.SNAPSHOT_ORDER:
      sink.snapshotOrder(e.orderId, e.userId, e.side, e.price, e.remaining);
      return;
    case MatcherOp.SAMPLE_RESULT:
      sink.sampleResult(e.bestBid, e.bestAsk, e.bidQty, e.bidQuote, e.askQty, e.askQuote);
      return;
  }
}

// Test kit for order books: a BookSink that records every call as a tuple, a Harness that runs one
// command and returns its events, and constructors for the expected events.
import { type Side, StpMode, TimeInForce } from "@perpx/shared/domain";
import type {
  BookSink,
  CancelResult,
  OrderBookApi,
  PlaceOutcome,
  RemoveReason,
} from "../../src/matcher/book-api.js";

export type BookEvent =
  | ["trade", number, number, number, number, number, number, number, number]
  | ["removed", number, number, number, number]
  | ["outcome", number, number, number, number, number]
  | ["level", number, number, number, number];

export class RecordingSink implements BookSink {
  events: BookEvent[] = [];

  trade(
    makerOrderId: number,
    makerUserId: number,
    takerOrderId: number,
    takerUserId: number,
    takerSide: number,
    price: number,
    qty: number,
    makerRemaining: number,
  ): void {
    this.events.push([
      "trade",
      makerOrderId,
      makerUserId,
      takerOrderId,
      takerUserId,
      takerSide,
      price,
      qty,
      makerRemaining,
    ]);
  }

  removed(orderId: number, userId: number, remaining: number, reason: RemoveReason): void {
    this.events.push(["removed", orderId, userId, remaining, reason]);
  }

  outcome(orderId: number, userId: number, outcome: PlaceOutcome, filled: number, remaining: number): void {
    this.events.push(["outcome", orderId, userId, outcome, filled, remaining]);
  }

  level(side: number, price: number, totalQty: number, updateId: number): void {
    this.events.push(["level", side, price, totalQty, updateId]);
  }

  /** Returns the recorded events and starts a new recording. */
  take(): BookEvent[] {
    const e = this.events;
    this.events = [];
    return e;
  }
}

/** Flattens a book's resting orders (forEachOrder) into tuples. */
export function ordersOf(book: {
  forEachOrder(
    fn: (orderId: number, userId: number, side: 0 | 1, price: number, remaining: number) => void,
  ): void;
}): [number, number, number, number, number][] {
  const out: [number, number, number, number, number][] = [];
  book.forEachOrder((orderId, userId, side, price, remaining) => {
    out.push([orderId, userId, side, price, remaining]);
  });
  return out;
}

export class Harness {
  readonly sink = new RecordingSink();
  constructor(readonly book: OrderBookApi) {}

  place(
    id: number,
    user: number,
    side: Side,
    price: number,
    qty: number,
    tif: TimeInForce = TimeInForce.GTC,
    stp: StpMode = StpMode.NONE,
  ): BookEvent[] {
    this.book.place(id, user, side, price, qty, tif, stp, this.sink);
    return this.sink.take();
  }

  cancel(id: number, user: number): [CancelResult, BookEvent[]] {
    const r = this.book.cancel(id, user, this.sink);
    return [r, this.sink.take()];
  }

  cancelAll(user: number): [number, BookEvent[]] {
    const r = this.book.cancelAll(user, this.sink);
    return [r, this.sink.take()];
  }

  amend(id: number, user: number, price: number, qty: number): [CancelResult, BookEvent[]] {
    const r = this.book.amend(id, user, price, qty, this.sink);
    return [r, this.sink.take()];
  }
}

export const trade = (
  maker: number,
  makerUser: number,
  taker: number,
  takerUser: number,
  side: Side,
  price: number,
  qty: number,
  makerRem: number,
): BookEvent => ["trade", maker, makerUser, taker, takerUser, side, price, qty, makerRem];
export const removed = (id: number, user: number, rem: number, reason: RemoveReason): BookEvent => [
  "removed",
  id,
  user,
  rem,
  reason,
];
export const outcome = (
  id: number,
  user: number,
  o: PlaceOutcome,
  filled: number,
  rem: number,
): BookEvent => ["outcome", id, user, o, filled, rem];
export const level = (side: Side, price: number, total: number, uid: number): BookEvent => [
  "level",
  side,
  price,
  total,
  uid,
];

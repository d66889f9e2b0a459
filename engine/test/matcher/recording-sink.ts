// A BookSink that records every call as a tuple, for the contract and differential tests.
import type { BookSink, PlaceOutcome, RemoveReason } from "../../src/matcher/book-api.js";

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

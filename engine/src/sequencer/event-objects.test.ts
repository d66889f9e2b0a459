// The constructor-built events are plain objects, equal to the literals they replace: same prototype,
// same keys in the same order, same JSON, deep-strict-equal.
import assert from "node:assert/strict";
import { test } from "node:test";
import { OrderStatus, OrderType, Side, StpMode, TimeInForce, WorkingType } from "@perpx/shared/domain";
import { Ev } from "@perpx/shared/events";
import { BookEventObject, OrderEventObject } from "./event-objects.js";
import type { OpenOrder } from "./state.js";

/** The order's fields an OrderEvent carries, in the event's key order. */
const fields = {
  orderId: 7,
  clientOrderId: "c7",
  userId: 3,
  symbolId: 1,
  side: Side.SELL,
  type: OrderType.LIMIT,
  tif: TimeInForce.GTC,
  status: OrderStatus.PARTIALLY_FILLED,
  price: 500_000,
  stopPrice: 0,
  origQty: 10,
  executedQty: 4,
  cumQuoteUnits: 2_000_000,
  reduceOnly: false,
  closePosition: false,
  workingType: WorkingType.CONTRACT_PRICE,
  stp: StpMode.NONE,
  rejectReason: 0,
  createTime: 1_700_000_000_000,
};
const order: OpenOrder = { ...fields, bookPrice: 500_000, openLoss: 0, pos: null };

test("ORDER and BOOK events are plain objects equal to their literals, keys in the same order", () => {
  const ts = 1_700_000_000_123;
  const literal = { ev: Ev.ORDER, seq: 42, ts, ...fields };
  const ev = new OrderEventObject(42, ts, order);
  assert.equal(Object.getPrototypeOf(ev), Object.prototype);
  assert.equal(ev.constructor, Object);
  assert.deepEqual(Object.keys(ev), Object.keys(literal));
  assert.deepEqual(ev, literal);
  assert.equal(JSON.stringify(ev), JSON.stringify(literal));
  assert.deepEqual(structuredClone(ev), literal);

  const bids: [number, number][] = [[500_000, 3]];
  const book = new BookEventObject(42, ts, 1, 9, 9, 8, bids, []);
  const bookLiteral = {
    ev: Ev.BOOK,
    seq: 42,
    ts,
    symbolId: 1,
    firstUpdateId: 9,
    lastUpdateId: 9,
    prevUpdateId: 8,
    bids: [[500_000, 3]],
    asks: [],
  };
  assert.equal(Object.getPrototypeOf(book), Object.prototype);
  assert.deepEqual(Object.keys(book), Object.keys(bookLiteral));
  assert.deepEqual(book, bookLiteral);
  assert.equal(JSON.stringify(book), JSON.stringify(bookLiteral));
  assert.equal(book.bids, bids);
});

import assert from "node:assert/strict";
import { test } from "node:test";
import { Ev } from "@perpx/shared/events";
import { L2Book } from "./l2-book.js";

test("L2Book keeps both sides best first and deletes on 0", () => {
  const b = new L2Book();
  b.apply({
    ev: Ev.BOOK,
    seq: 1,
    ts: 1,
    symbolId: 1,
    firstUpdateId: 1,
    lastUpdateId: 1,
    prevUpdateId: 0,
    bids: [
      [100, 1],
      [102, 2],
      [101, 3],
    ],
    asks: [
      [105, 1],
      [103, 2],
      [104, 3],
    ],
  });
  assert.deepEqual(b.snapshot(10), {
    lastUpdateId: 1,
    bids: [
      [102, 2],
      [101, 3],
      [100, 1],
    ],
    asks: [
      [103, 2],
      [104, 3],
      [105, 1],
    ],
  });
  b.apply({
    ev: Ev.BOOK,
    seq: 2,
    ts: 2,
    symbolId: 1,
    firstUpdateId: 2,
    lastUpdateId: 3,
    prevUpdateId: 1,
    bids: [
      [102, 0],
      [99, 0],
      [101, 7],
    ],
    asks: [[103, 0]],
  });
  assert.deepEqual(b.snapshot(2), {
    lastUpdateId: 3,
    bids: [
      [101, 7],
      [100, 1],
    ],
    asks: [
      [104, 3],
      [105, 1],
    ],
  });
  assert.equal(b.bids.priceAt(5), Number.NaN);
  assert.equal(b.asks.qtyAtIndex(0), 3);
  assert.equal(b.bids.qtyAt(100), 1);
});

test("L2Book agrees with a naive model on random updates", () => {
  let seed = 99;
  const r = () => {
    seed = (seed * 16807) % 2147483647;
    return seed / 2147483647;
  };
  const b = new L2Book();
  const model = [new Map<number, number>(), new Map<number, number>()];
  for (let i = 0; i < 20_000; i++) {
    const side = r() < 0.5 ? 0 : 1;
    const price = 1000 + Math.floor(r() * 300);
    const qty = r() < 0.4 ? 0 : 1 + Math.floor(r() * 9);
    (side === 0 ? b.bids : b.asks).set(price, qty);
    if (qty === 0) model[side]!.delete(price);
    else model[side]!.set(price, qty);
  }
  const sorted = (m: Map<number, number>, desc: boolean) =>
    [...m].sort((x, y) => (desc ? y[0] - x[0] : x[0] - y[0]));
  assert.deepEqual(b.bids.top(1e9), sorted(model[0]!, true));
  assert.deepEqual(b.asks.top(1e9), sorted(model[1]!, false));
});

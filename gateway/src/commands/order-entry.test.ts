import assert from "node:assert/strict";
import { test } from "node:test";
import { idText } from "../ids.js";
import { ackJson } from "./order-entry.js";

test("ackJson: the 202 ack's JSON text, as JSON.stringify writes the ack object (escapes included)", () => {
  const refs = [
    { userId: 1, orderId: 1, clientOrderId: "b1", symbol: "BTCUSDT" },
    { userId: 7, orderId: 4_503_599_627_370_495, clientOrderId: "x-1y2z", symbol: "ETHUSDT" },
    { userId: 2, orderId: 123_456_789_012, clientOrderId: 'q"\\/\n\u0001é', symbol: "A\u2028B" },
  ];
  for (const ref of refs) {
    const text = ackJson(ref);
    const expected = {
      orderId: idText(ref.orderId),
      clientOrderId: ref.clientOrderId,
      symbol: ref.symbol,
      status: "ACCEPTED",
    };
    assert.equal(text, JSON.stringify(expected));
    assert.deepEqual(JSON.parse(text), expected);
  }
});

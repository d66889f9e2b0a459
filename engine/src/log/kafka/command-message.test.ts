import assert from "node:assert/strict";
import { test } from "node:test";
import { type Command, Op } from "@perpx/shared/commands";
import { DEFAULT_INSTRUMENTS } from "@perpx/shared/instruments";
import { CommandDecodeError, decodeCommand, encodeCommand, inputTopicFor } from "./command-message.js";

const ts = 1_700_000_000_000;
const samples: Command[] = [
  { op: Op.CREATE_USER, ts, userId: 1 },
  { op: Op.DEPOSIT, ts, userId: 1, amount: 25_000_000, txId: "tx-1" },
  { op: Op.WITHDRAW, ts, userId: 1, amount: 1, withdrawId: "w-1" },
  { op: Op.SET_LEVERAGE, ts, userId: 1, symbolId: 1, leverage: 20 },
  { op: Op.SET_MARGIN_TYPE, ts, userId: 1, symbolId: 1, marginType: 1 },
  { op: Op.ADJUST_ISOLATED_MARGIN, ts, userId: 1, symbolId: 1, amount: -5 },
  {
    op: Op.PLACE_ORDER,
    ts,
    orderId: 9_007_199_254_740_991,
    userId: 1,
    symbolId: 1,
    clientOrderId: "abc:/-._1",
    side: 1,
    type: 0,
    tif: 3,
    price: 500_001,
    qty: 1,
    stopPrice: 0,
    reduceOnly: true,
    closePosition: false,
    workingType: 1,
    callbackRate: 0,
    activationPrice: 0,
    stp: 1,
  },
  { op: Op.AMEND_ORDER, ts, userId: 1, symbolId: 1, orderId: 5, price: 1, qty: 2 },
  { op: Op.CANCEL_ORDER, ts, userId: 1, symbolId: 1, orderId: 5 },
  { op: Op.CANCEL_ALL, ts, userId: 1, symbolId: 1 },
  { op: Op.UPSERT_INSTRUMENT, ts, instrument: DEFAULT_INSTRUMENTS[0]! },
  { op: Op.ORACLE_PRICE, ts, symbolId: 1, price: 500_000 },
  { op: Op.MARK_SAMPLE, ts, symbolId: 0 },
  { op: Op.PAY_FUNDING, ts, symbolId: 0, fundingTime: ts },
  { op: Op.COUNTDOWN_CANCEL_ALL, ts, userId: 1, symbolId: 1, deadline: 0 },
  { op: Op.SNAPSHOT, ts },
];

test("every opcode round-trips through the v1 JSON message", () => {
  assert.equal(samples.length, Object.keys(Op).length);
  for (const c of samples) assert.deepEqual(decodeCommand(encodeCommand(c)), c);
  assert.equal(encodeCommand(samples[0]!).toString(), `{"v":1,"cmd":{"op":1,"ts":${ts},"userId":1}}`);
});

test("client orders, cancels and everything else go to the seed's topics", () => {
  const topics = samples.map((c) => `${c.op}:${inputTopicFor(c)}`);
  assert.deepEqual(
    topics.filter((t) => !t.endsWith("matching_engine_input")),
    [
      `${Op.PLACE_ORDER}:save_order_from_client_v2`,
      `${Op.AMEND_ORDER}:save_order_from_client_v2`,
      `${Op.CANCEL_ORDER}:cancel_order_from_client`,
      `${Op.CANCEL_ALL}:cancel_order_from_client`,
    ],
  );
});

test("anything but a complete v1 command is refused", () => {
  const bad = [
    null,
    "not json",
    "[]",
    '{"v":2,"cmd":{"op":1,"ts":1,"userId":1}}',
    '{"v":1,"cmd":{"op":99,"ts":1}}',
    '{"v":1,"cmd":{"op":1,"userId":1}}',
    '{"v":1,"cmd":{"op":1,"ts":1,"userId":"1"}}',
    '{"v":1,"cmd":{"op":2,"ts":1,"userId":1,"amount":1.5,"txId":"t"}}',
    '{"v":1,"cmd":{"op":7,"ts":1,"orderId":1}}',
  ];
  for (const b of bad) assert.throws(() => decodeCommand(b), CommandDecodeError, String(b));
});

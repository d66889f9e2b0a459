import assert from "node:assert/strict";
import { test } from "node:test";
import * as zlib from "node:zlib";
import { Side, TradeType } from "@perpx/shared/domain";
import { Ev, type TradeEvent } from "@perpx/shared/events";
import { DEFAULT_INSTRUMENTS } from "@perpx/shared/instruments";
import { L2Book } from "./l2-book.js";
import { depthChecksum, forceOrderJson, markPriceJson, sideJson, tradeJson } from "./market-wire.js";

const BTC = DEFAULT_INSTRUMENTS[0]!;
const ETH = DEFAULT_INSTRUMENTS[1]!;
const zcrc = (zlib as { crc32?: (s: string) => number }).crc32;

test("depth checksum: b1p:b1q:a1p:a1q:… over the top 25, missing levels skipped", () => {
  const b = new L2Book();
  b.bids.set(500_000, 1_000); // 50000.0 / 1.000
  b.bids.set(499_999, 25); // 49999.9 / 0.025
  b.asks.set(500_001, 2_500);
  const text = "50000.0:1.000:50000.1:2.500:49999.9:0.025";
  assert.equal(depthChecksum(BTC, b.bids, b.asks), 0x78334da6); // zlib.crc32(text)
  if (zcrc) assert.equal(depthChecksum(BTC, b.bids, b.asks), zcrc(text));
  assert.equal(
    depthChecksum(BTC, new L2Book().bids, new L2Book().asks),
    0,
    "empty book: crc of the empty string",
  );
  // only the top 25 count
  const deep = new L2Book();
  for (let i = 0; i < 40; i++) deep.bids.set(100_000 - i, 1);
  const before = depthChecksum(ETH, deep.bids, deep.asks);
  deep.bids.set(100_000 - 30, 5);
  assert.equal(depthChecksum(ETH, deep.bids, deep.asks), before);
  deep.bids.set(100_000 - 24, 5);
  assert.notEqual(depthChecksum(ETH, deep.bids, deep.asks), before);
});

test("levels are written with the tick's and the step's decimals", () => {
  const b = new L2Book();
  b.asks.set(300_001, 1); // ETH tick 0.01 → "3000.01", step 0.001 → "0.001"
  b.asks.set(300_000, 12_345);
  assert.equal(sideJson(ETH, b.asks, 10), '[["3000.00","12.345"],["3000.01","0.001"]]');
  assert.equal(sideJson(ETH, b.asks, 1), '[["3000.00","12.345"]]');
  assert.equal(sideJson(ETH, b.bids, 10), "[]");
});

test("trade, forceOrder and markPrice messages", () => {
  const t: TradeEvent = {
    ev: Ev.TRADE,
    seq: 9,
    ts: 1_700_000_000_123,
    tradeId: 77,
    symbolId: 1,
    type: TradeType.LIQUIDATION,
    price: 499_995,
    qty: 1_234,
    quote: 61_699_383_000,
    buyOrderId: 1,
    sellOrderId: 2,
    buyUserId: 3,
    sellUserId: 4,
    makerSide: Side.BUY,
    buyFee: 0,
    sellFee: 0,
    buyRealizedPnl: 0,
    sellRealizedPnl: 0,
  };
  assert.equal(
    tradeJson("trades:BTCUSDT", BTC, t),
    '{"channel":"trades:BTCUSDT","t":77,"p":"49999.5","q":"1.234","m":true,"T":1700000000123,"X":"LIQUIDATION"}',
  );
  assert.equal(
    forceOrderJson("forceOrder:BTCUSDT", BTC, t),
    '{"channel":"forceOrder:BTCUSDT","t":77,"X":"LIQUIDATION","S":"SELL","p":"49999.5","q":"1.234","T":1700000000123}',
  );
  assert.equal(
    markPriceJson("markPrice:BTCUSDT", BTC, {
      ev: Ev.MARK,
      seq: 1,
      ts: 5,
      symbolId: 1,
      markPrice: 500_012,
      indexPrice: 500_000,
      lastPrice: 500_020,
      fundingRate: -3_750,
      nextFundingTime: 1_700_006_400_000,
    }),
    '{"channel":"markPrice:BTCUSDT","p":"50001.2","i":"50000.0","r":"-0.00003750","T":1700006400000,"E":5}',
  );
});

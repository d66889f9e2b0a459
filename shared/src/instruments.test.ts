import assert from "node:assert/strict";
import { test } from "node:test";
import { notionalFactor } from "./domain.js";
import { DEFAULT_INSTRUMENTS } from "./instruments.js";

test("BTCUSDT brackets follow SPEC §3 (maintAmount by the cumulative rule)", () => {
  const btc = DEFAULT_INSTRUMENTS[0]!;
  assert.equal(btc.symbol, "BTCUSDT");
  assert.equal(btc.priceDecimals, 1);
  assert.equal(btc.qtyDecimals, 3);
  assert.equal(notionalFactor(btc), 100); // 1 price unit × 1 qty unit = 0.1 × 0.001 USDT = 100 micro
  const b = btc.brackets;
  assert.equal(b.length, 10);
  assert.deepEqual(b[0], {
    notionalCap: 50_000e6,
    maxLeverage: 125,
    maintMarginRate: 400_000,
    maintAmount: 0,
  });
  // 50k × (0.5% − 0.4%) = 50 USDT
  assert.equal(b[1]!.maintAmount, 50e6);
  // 50 + 250k × (1% − 0.5%) = 1 300 USDT
  assert.equal(b[2]!.maintAmount, 1_300e6);
  // 1 300 + 1M × 1.5% = 16 300
  assert.equal(b[3]!.maintAmount, 16_300e6);
  // last: Binance publishes 50 000 000 + ... check it is monotone and integral
  for (const x of b) assert.ok(Number.isSafeInteger(x.maintAmount));
  // fundingCap = 0.75 × (0.8% − 0.4%) = 0.3%
  assert.equal(btc.fundingCap, 300_000);
  // impact margin notional = 200 × 125 = 25 000 USDT
  assert.equal(btc.impactMarginNotional, 25_000e6);
});

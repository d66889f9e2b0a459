// Margin formulas on the default BTCUSDT brackets (factor 100: price units 0.1, qty units 0.001).
import assert from "node:assert/strict";
import { test } from "node:test";
import { DEFAULT_INSTRUMENTS } from "@perpx/shared/instruments";
import {
  averagePriceText,
  bracketFor,
  initialMargin,
  liquidationPrice,
  maintMargin,
  maxLeverage,
  notionalOf,
  orderCost,
  unrealizedPnl,
} from "./margin-math.js";

const btc = DEFAULT_INSTRUMENTS[0]!;
const USDT = 1_000_000;

test("notional and UPnL are exact micro-USDT", () => {
  assert.equal(notionalOf(btc, 1000, 500_000), 50_000 * USDT);
  assert.equal(unrealizedPnl(btc, 1000, 500_000_000, 510_000), 1_000 * USDT);
  assert.equal(unrealizedPnl(btc, -1000, 500_000_000, 510_000), -1_000 * USDT);
  assert.equal(unrealizedPnl(btc, 3, 1_500_001, 500_000), -100); // entry 50000.0333..: −0.0001 USDT
  assert.equal(unrealizedPnl(btc, 0, 0, 510_000), 0);
});

test("brackets: a notional exactly at a cap belongs to that bracket; maintenance is continuous", () => {
  assert.equal(bracketFor(btc, 50_000 * USDT).maxLeverage, 125);
  assert.equal(bracketFor(btc, 50_000 * USDT + 1).maxLeverage, 100);
  assert.equal(bracketFor(btc, 10 ** 15).maxLeverage, 1); // beyond the last cap: the last bracket
  assert.equal(maintMargin(btc, 50_000 * USDT), 200 * USDT);
  assert.equal(maintMargin(btc, 50_000 * USDT + 100), 200 * USDT + 1); // 0.5% of 100 micro, rounded up
  assert.equal(maintMargin(btc, 250_000 * USDT), 1_200 * USDT); // 250k × 0.5% − 50
  assert.equal(maintMargin(btc, 1), 1); // rounds up
  assert.equal(maxLeverage(btc), 125);
});

test("initial margin and order cost round up; open loss only when buying above / selling below the mark", () => {
  assert.equal(initialMargin(100, 3), 34);
  assert.equal(orderCost(btc, 0, 10, 520_000, 510_000, 20), 36 * USDT);
  assert.equal(orderCost(btc, 0, 10, 500_000, 510_000, 20), 25 * USDT);
  assert.equal(orderCost(btc, 1, 10, 500_000, 510_000, 20), 25 * USDT + 10 * USDT); // 0.010 × 1000 below
  assert.equal(orderCost(btc, 1, 10, 500_000, undefined, 20), 25 * USDT);
});

test("liquidation price: long rounds up, short rounds down, none when the wallet covers everything", () => {
  assert.equal(liquidationPrice(btc, 1000, 500_000_000, 9_975 * USDT, 51_000 * USDT), 401_858);
  assert.equal(liquidationPrice(btc, -1000, 500_000_000, 4_990 * USDT, 51_000 * USDT), 547_661);
  assert.equal(liquidationPrice(btc, 1000, 500_000_000, 60_000 * USDT, 51_000 * USDT), 0);
  assert.equal(liquidationPrice(btc, 0, 0, 0, 0), 0);
  // 100x long with wallet = IM (500 USDT): equity 500 − 301.2 = MM 0.4% × 49698.8 at 49698.8
  const p = liquidationPrice(btc, 1000, 500_000_000, 500 * USDT, 50_000 * USDT);
  assert.equal(p, 496_988); // 1e8(5e10 − 5e8) / (100(1e11 − 4e8)) = 496987.95 → up
});

test("average prices are truncated to 8 decimals", () => {
  assert.equal(averagePriceText(btc, 1_500_001, 3), "50000.03333333");
  assert.equal(averagePriceText(btc, 0, 0), "0.00000000");
});

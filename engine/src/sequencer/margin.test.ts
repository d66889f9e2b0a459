import assert from "node:assert/strict";
import { test } from "node:test";
import { Side } from "@perpx/shared/domain";
import { DEFAULT_INSTRUMENTS } from "@perpx/shared/instruments";
import {
  bracketIndex,
  feeOf,
  initialMargin,
  maintenanceMargin,
  marketTakePrice,
  maxNotionalAtLeverage,
  notionalOf,
  openLossPerUnit,
  orderCost,
  priceBand,
  roundToTick,
  sideOrderMargin,
  unrealizedPnl,
} from "./margin.js";

const BTC = DEFAULT_INSTRUMENTS[0]!;
const U = 1_000_000; // micro-USDT per USDT
const F = 100; // BTCUSDT: micro-USDT per price unit × qty unit (0.1 × 0.001 USDT)

test("notional is price × qty × factor, exact", () => {
  // 50 000.0 USDT × 1.000 BTC
  assert.equal(notionalOf(500_000, 1000, F), 50_000 * U);
  assert.equal(notionalOf(500_000, -1000, F), 50_000 * U);
  // 50 000.1 × 0.003 = 150.0003 USDT
  assert.equal(notionalOf(500_001, 3, F), 150_000_300);
});

test("bracket lookup: the first bracket whose cap holds the notional", () => {
  assert.equal(bracketIndex(BTC, 0), 0);
  assert.equal(bracketIndex(BTC, 50_000 * U), 0); // caps are inclusive
  assert.equal(bracketIndex(BTC, 50_000 * U + 1), 1);
  assert.equal(bracketIndex(BTC, 250_000 * U), 1);
  assert.equal(bracketIndex(BTC, 1_000_000 * U), 2);
  assert.equal(bracketIndex(BTC, 10_000_000 * U), 3);
  assert.equal(bracketIndex(BTC, 900_000_000 * U), 9); // beyond every cap: the last bracket
});

test("maintenance margin = notional × MMR − maintAmount, rounded up", () => {
  // 40 000 USDT in bracket 1 (0.40 %, amount 0): 160 USDT
  assert.equal(maintenanceMargin(BTC, 40_000 * U), (40_000 * U * 4) / 1000);
  // 100 000 USDT in bracket 2 (0.50 %, amount 50 USDT): 500 − 50 = 450 USDT
  assert.equal(maintenanceMargin(BTC, 100_000 * U), 100_000 * U * 0.005 - 50 * U);
  // 2 000 000 USDT in bracket 4 (2.5 %, amount 16 300): 50 000 − 16 300 = 33 700 USDT
  assert.equal(maintenanceMargin(BTC, 2_000_000 * U), 50_000 * U - 16_300 * U);
  // continuity at a bracket edge: 50 000 USDT is 200 in bracket 1, and 50 000.000001 in bracket 2 is
  // ⌈50 000.000001 × 0.5 %⌉ − 50 = 200.000001 (rounded up to the micro)
  assert.equal(maintenanceMargin(BTC, 50_000 * U), 200 * U);
  assert.equal(maintenanceMargin(BTC, 50_000 * U + 1), 200 * U + 1);
  // rounding up: 1 micro-USDT of notional needs 1 micro of MM
  assert.equal(maintenanceMargin(BTC, 1), 1);
  assert.equal(maintenanceMargin(BTC, 0), 0);
});

test("max position notional for a leverage: the cap of the last bracket still allowing it", () => {
  assert.equal(maxNotionalAtLeverage(BTC, 125), 50_000 * U);
  assert.equal(maxNotionalAtLeverage(BTC, 101), 50_000 * U);
  assert.equal(maxNotionalAtLeverage(BTC, 100), 250_000 * U);
  assert.equal(maxNotionalAtLeverage(BTC, 21), 1_000_000 * U);
  assert.equal(maxNotionalAtLeverage(BTC, 20), 10_000_000 * U);
  assert.equal(maxNotionalAtLeverage(BTC, 1), 500_000_000 * U);
  assert.equal(maxNotionalAtLeverage(BTC, 126), 0);
});

test("initial margin and order cost round up; open loss only when the order is worse than mark", () => {
  assert.equal(initialMargin(50_000 * U, 20), 2_500 * U);
  assert.equal(initialMargin(7, 2), 4); // 3.5 → 4
  // buy 1 BTC at 50 100 with mark 50 000: IM 50 100 / 20 = 2 505, open loss 1 × 100 = 100
  assert.equal(openLossPerUnit(Side.BUY, 501_000, 500_000), 1000);
  assert.equal(orderCost(1000, 501_000, 1000, 20, F), 2_505 * U + 100 * U);
  // a buy below mark and a sell above mark lose nothing at once
  assert.equal(openLossPerUnit(Side.BUY, 499_000, 500_000), 0);
  assert.equal(openLossPerUnit(Side.SELL, 501_000, 500_000), 0);
  // a sell at 49 900 with mark 50 000 loses 100 per BTC
  assert.equal(openLossPerUnit(Side.SELL, 499_000, 500_000), 1000);
  // no mark, no open loss
  assert.equal(openLossPerUnit(Side.BUY, 501_000, 0), 0);
});

test("side order margin: only the part beyond the reducible position pays, proportionally", () => {
  // two sells: 1 BTC at 50 000 and 1 BTC at 52 000, no open loss, leverage 10
  const side = { qty: 2000, qtyPrice: 1000 * 500_000 + 1000 * 520_000, qtyLoss: 0, roQty: 0 };
  const full = (102_000 * U) / 10; // (50 000 + 52 000) / 10
  assert.equal(sideOrderMargin(side, 0, 10, F), full);
  // against a long of 1 BTC, half of the side opens: ⌈10 200 × 1/2⌉
  assert.equal(sideOrderMargin(side, 1000, 10, F), full / 2);
  // a long of 2 BTC or more covers everything
  assert.equal(sideOrderMargin(side, 2000, 10, F), 0);
  assert.equal(sideOrderMargin(side, 5000, 10, F), 0);
  // with open loss: 1 BTC at 50 000 with 100 USDT loss per BTC, leverage 20 → 2 500 + 100
  const one = { qty: 1000, qtyPrice: 1000 * 500_000, qtyLoss: 1000 * 1000, roQty: 0 };
  assert.equal(sideOrderMargin(one, 0, 20, F), orderCost(1000, 500_000, 1000, 20, F));
  // a third opens: ⌈2 600 / 3⌉ in micro-USDT
  assert.equal(sideOrderMargin(one, 667, 20, F), Math.ceil((2_600 * U * 333) / 1000));
});

test("fees: paid rounds up, rebates round down (toward zero)", () => {
  // 150.0003 USDT at 0.05 % = 0.07500015 → 75 001 micro
  assert.equal(feeOf(150_000_300, 50_000), 75_001);
  // at −0.01 % the maker receives ⌊0.01500003⌋ = 15 000 micro
  assert.equal(feeOf(150_000_300, -10_000), -15_000);
  assert.equal(feeOf(50_000 * U, 50_000), 25 * U);
  assert.equal(feeOf(0, 50_000), 0);
});

test("UPnL = (Q × price − signed entry value) × factor", () => {
  // long 2 BTC entered at 50 000 and 50 100; at 51 000: 2 × 51 000 − 100 100 = 1 900 USDT
  assert.equal(unrealizedPnl(2000, 1000 * 500_000 + 1000 * 501_000, 510_000, F), 1_900 * U);
  // short 1 BTC at 50 000; at 51 000: −1 000 USDT
  assert.equal(unrealizedPnl(-1000, 1000 * 500_000, 510_000, F), -1_000 * U);
  assert.equal(unrealizedPnl(0, 0, 510_000, F), 0);
});

test("price band and market-take bound on the tick", () => {
  // ±5 % of 50 000.0
  assert.deepEqual(priceBand(500_000, 5_000_000), { lo: 475_000, hi: 525_000 });
  // ±5 % of 50 000.3 (500 003 units): lo ⌈475 002.85⌉, hi ⌊525 003.15⌋
  assert.deepEqual(priceBand(500_003, 5_000_000), { lo: 475_003, hi: 525_003 });
  // market bound of a buy: 50 000.3 × 1.05 = 52 500.315 → down to the tick (0.1 = 1 unit): 52 500.3
  assert.equal(marketTakePrice(Side.BUY, 500_003, 5_000_000, 1), 525_003);
  // with a 10-unit tick, toward mark: buy 525 003 → 525 000, sell 475 002.85 → up to 475 010
  assert.equal(marketTakePrice(Side.BUY, 500_003, 5_000_000, 10), 525_000);
  assert.equal(marketTakePrice(Side.SELL, 500_003, 5_000_000, 10), 475_010);
  assert.equal(roundToTick(500_005, 10), 500_010); // halves up
  assert.equal(roundToTick(500_004, 10), 500_000);
});

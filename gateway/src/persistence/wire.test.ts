import assert from "node:assert/strict";
import { test } from "node:test";
import { DEFAULT_INSTRUMENTS } from "@perpx/shared/instruments";
import { averagePrice, quoteMoney } from "./wire.js";

const BTC = DEFAULT_INSTRUMENTS[0]!;

test("average prices have 8 decimals, truncated; quote values are exact USDT", () => {
  // 0.003 filled at 50000.0, 50000.1, 50000.1 → 50000.0666… → 50000.06666666
  assert.equal(averagePrice(BTC, 500_000 + 500_001 + 500_001, 3), "50000.06666666");
  assert.equal(averagePrice(BTC, 0, 0), "0.00000000");
  assert.equal(averagePrice(BTC, 25_000_000, -50), "50000.00000000");
  assert.equal(quoteMoney(BTC, 24_975_000), "2497.500000");
  // beyond 2^53 micro-USDT in the intermediate: still exact
  assert.equal(quoteMoney(BTC, 9_007_199_254_740_991), "900719925474.099100");
});

import assert from "node:assert/strict";
import { test } from "node:test";
import { DEFAULT_INSTRUMENTS } from "@perpx/shared/instruments";
import { RollingTicker, tickerJson } from "./ticker.js";

const BTC = DEFAULT_INSTRUMENTS[0]!;
const H = 3_600_000;
const T0 = 1_700_000_000_000;

test("24 h ticker: open/high/low/close, volumes and count, hand-computed", () => {
  const t = new RollingTicker();
  // price ticks (0.1), qty lots (0.001), quote micro-USDT = price × qty × 100
  t.add(T0, 500_000, 1_000, 50_000_000_000); // 1.000 @ 50000.0
  t.add(T0 + H, 510_000, 500, 25_500_000_000); // 0.500 @ 51000.0
  t.add(T0 + 2 * H, 490_000, 2_000, 98_000_000_000); // 2.000 @ 49000.0
  t.add(T0 + 3 * H, 495_000, 100, 4_950_000_000); // 0.100 @ 49500.0
  const s = t.stats(T0 + 3 * H);
  assert.deepEqual(s, {
    open: 500_000,
    high: 510_000,
    low: 490_000,
    close: 495_000,
    volume: 3_600,
    quoteVolume: 178_450_000_000n,
    count: 4,
    openTime: T0,
    closeTime: T0 + 3 * H,
  });
  // change −500.0, −1.000 %
  assert.equal(
    tickerJson("ticker:BTCUSDT", BTC, s!, T0 + 3 * H),
    `{"channel":"ticker:BTCUSDT","p":"-500.0","P":"-1.000","o":"50000.0","h":"51000.0","l":"49000.0","c":"49500.0","v":"3.600","q":"178450.000000","n":4,"O":${T0},"C":${T0 + 3 * H},"E":${T0 + 3 * H}}`,
  );
});

test("24 h ticker: old trades leave the window, minute by minute", () => {
  const t = new RollingTicker();
  t.add(T0, 500_000, 1_000, 1);
  t.add(T0 + 60_000, 520_000, 1_000, 1);
  // 24 h later the first minute has left, the second not yet
  const s = t.stats(T0 + 24 * H + 30_000);
  assert.equal(s?.count, 1);
  assert.equal(s?.open, 520_000);
  assert.equal(t.stats(T0 + 25 * H), null);
  // a trade older than the window is ignored
  t.add(T0 + 30 * H, 500_000, 1, 1);
  t.add(T0, 1, 1, 1);
  assert.equal(t.stats(T0 + 30 * H)?.low, 500_000);
  // the same ring slot one day later is reset, not merged
  t.add(T0 + 30 * H + 24 * H, 400_000, 2, 2);
  assert.deepEqual(
    [t.stats(T0 + 54 * H)?.count, t.stats(T0 + 54 * H)?.volume, t.stats(T0 + 54 * H)?.high],
    [1, 2, 400_000],
  );
});

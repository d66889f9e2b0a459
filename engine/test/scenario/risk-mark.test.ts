// Mark price (SPEC §6): median(Price1, Price2, last trade) with hand-computed cases, the 30-sample
// basis window, Price1 after a funding payment, and the no-mark cases. Price units of BTCUSDT (0.1 USDT).
import assert from "node:assert/strict";
import { test } from "node:test";
import { OrderStatus, Side } from "@perpx/shared/domain";
import { RejectReason } from "@perpx/shared/errors";
import { Ev } from "@perpx/shared/events";
import { computeMark, type MarkInputs } from "../../src/sequencer/mark-price.js";
import { Harness, lastOrder, ofType, px, qty, usdt } from "../support/seq-harness.js";

const HOUR = 3_600_000;
const base: MarkInputs = {
  indexPrice: 500_000,
  lastPrice: 0,
  tick: 1,
  lastFundingRate: 0,
  timeToFunding: 4 * HOUR, // half of the 8 h interval
  intervalMs: 8 * HOUR,
  basisSum: 0,
  basisCount: 0,
};

test("mark = median(Price1, Price2, last), rounded to the tick halves up", () => {
  const rows: [string, Partial<MarkInputs>, number][] = [
    ["no index, no trade: no mark", { indexPrice: 0 }, 0],
    ["no index: the last trade", { indexPrice: 0, lastPrice: 500_070 }, 500_070],
    ["index only: P1 = P2 = index, last = P2", {}, 500_000],
    // basis sample bid + ask − 2 × index = 200 half units → MA 100 → P2 = 500 100; no trade: last = P2
    ["before any trade: P2", { basisSum: 200, basisCount: 1 }, 500_100],
    // rate 0.01 %, half the interval left: P1 = 500 000 × (1 + 0.0001 × ½) = 500 025
    [
      "P1 < P2 < last → P2",
      { lastFundingRate: 10_000, basisSum: 200, basisCount: 1, lastPrice: 501_000 },
      500_100,
    ],
    [
      "P1 < last < P2 → last",
      { lastFundingRate: 10_000, basisSum: 200, basisCount: 1, lastPrice: 500_050 },
      500_050,
    ],
    [
      "last < P1 < P2 → P1",
      { lastFundingRate: 10_000, basisSum: 200, basisCount: 1, lastPrice: 499_000 },
      500_025,
    ],
    // rate 0.3 %: P1 = 500 000 × 1.0015 = 500 750
    [
      "P2 < P1 < last → P1",
      { lastFundingRate: 300_000, basisSum: 200, basisCount: 1, lastPrice: 501_000 },
      500_750,
    ],
    // negative rate −0.3 %, a quarter of the interval left: P1 = 500 000 × (1 − 0.00075) = 499 625
    ["negative rate", { lastFundingRate: -300_000, timeToFunding: 2 * HOUR, lastPrice: 490_000 }, 499_625],
    // P2 = 500 000 + 1 / 2 = 500 000.5 → halves up → 500 001
    ["half a unit rounds up", { basisSum: 1, basisCount: 1 }, 500_001],
    // P2 = 500 000 + 1 / 4 → 500 000
    ["a quarter rounds down", { basisSum: 1, basisCount: 2 }, 500_000],
    // P2 = 500 000 − 1 / 2 = 499 999.5 → halves up → 500 000
    ["minus half rounds up", { basisSum: -1, basisCount: 1 }, 500_000],
    // 30 samples of 20 half units: MA = 600 / 60 = 10 → 500 010
    ["mean of 30 samples", { basisSum: 600, basisCount: 30 }, 500_010],
    // tick of 10 units: 500 004 → 500 000, 500 005 → 500 010
    ["tick 10, below half", { tick: 10, indexPrice: 500_004 }, 500_000],
    ["tick 10, half", { tick: 10, indexPrice: 500_005 }, 500_010],
    // P1 with a rate that makes it inexact: 0.0123 % × 1/3 of the interval: 500 000 × (1 + 0.000041) = 500 020.5 → 500 021
    [
      "inexact P1 rounds once",
      {
        lastFundingRate: 12_300,
        timeToFunding: (8 * HOUR) / 3,
        lastPrice: 501_000,
        basisSum: 20, // P2 = 500 010 < P1
        basisCount: 1,
      },
      500_021,
    ],
  ];
  for (const [name, over, want] of rows) assert.equal(computeMark({ ...base, ...over }), want, name);
});

test("no mark: MARKET orders are rejected PRICE_OUT_OF_BAND; without an index the mark follows trades", () => {
  const h = new Harness();
  for (const u of [1, 2, 3]) h.user(u, usdt(100_000));
  const ev = h.market(1, Side.BUY, qty(0.1), { orderId: 1 });
  assert.deepEqual(
    [lastOrder(ev, 1)?.status, lastOrder(ev, 1)?.rejectReason],
    [OrderStatus.REJECTED, RejectReason.PRICE_OUT_OF_BAND],
  );
  h.tradeAt(2, 3, px(50_000), qty(0.1));
  assert.equal(h.seq.symbol(1)?.markPrice, px(50_000));
  h.tradeAt(2, 3, px(50_100), qty(0.1));
  assert.equal(h.seq.symbol(1)?.markPrice, px(50_100));
  // with an index the mark moves only at ORACLE_PRICE / MARK_SAMPLE: median(50 000, 50 000, 50 100)
  h.oracle(px(50_000));
  assert.equal(h.seq.symbol(1)?.markPrice, px(50_000));
  h.tradeAt(2, 3, px(50_200), qty(0.1));
  assert.equal(h.seq.symbol(1)?.markPrice, px(50_000));
});

test("the basis window holds the last 30 samples; a sample without both sides counts 0", () => {
  const h = new Harness();
  for (const u of [1, 2]) h.user(u, usdt(100_000));
  h.oracle(px(50_000));
  h.buy(1, px(49_990), qty(0.1), { orderId: 1 });
  h.sell(2, px(50_030), qty(0.1), { orderId: 2 });
  // basis 499 900 + 500 300 − 1 000 000 = 200 half units → P2 = 50 010.0; no trade yet: last = P2
  const ev = h.sample();
  assert.deepEqual(
    ofType(ev, Ev.MARK).map((m) => [m.markPrice, m.indexPrice, m.lastPrice]),
    [[px(50_010), px(50_000), 0]],
  );
  h.cancel(1, 1);
  for (let i = 0; i < 28; i++) h.sample(); // 29 samples: MA = 200 / 58 = 3.4 → P2 = 500 003.4 → 500 003
  assert.equal(h.seq.symbol(1)?.markPrice, 500_003);
  h.sample(); // 30 samples: 200 / 60 = 3.3 → 500 003
  assert.equal(h.seq.symbol(1)?.markPrice, 500_003);
  h.sample(); // the 200 sample leaves the window: P2 = index
  assert.equal(h.seq.symbol(1)?.markPrice, px(50_000));
});

test("Price1 uses the last funding rate and the time to the next funding", () => {
  const h = new Harness();
  for (const u of [1, 2, 3]) h.user(u, usdt(1_000_000));
  h.oracle(px(50_000));
  h.tradeAt(1, 2, px(50_000), qty(0.1)); // last 50 000
  h.buy(3, px(52_000), qty(1), { orderId: 99 });
  h.sample(); // premium +4 % (no ask side: basis 0)
  h.cancel(3, 99);
  h.funding(1_700_028_800_000); // F = 4 % − 0.05 % → capped at 0.3 %
  assert.equal(h.seq.symbol(1)?.lastFundingRate, 300_000);
  const ts = h.ts + 1_000; // the next command's time
  const T = 8 * HOUR;
  const ttf = (Math.floor(ts / T) + 1) * T - ts;
  // P1 = 49 000 × (1 + 0.003 × ttf / T) in price units, rounded half up; P2 = 49 000 (MA of one 0
  // sample); last 50 000 → the median is P1
  const num = 490_000n * (100_000_000n * BigInt(T) + 300_000n * BigInt(ttf));
  const den = 100_000_000n * BigInt(T);
  const p1 = Number((2n * num + den) / (2n * den));
  assert.ok(p1 > 490_000 && p1 < 500_000);
  const ev = h.oracle(px(49_000));
  assert.deepEqual(
    ofType(ev, Ev.MARK).map((m) => [
      m.markPrice,
      m.indexPrice,
      m.lastPrice,
      m.fundingRate,
      m.nextFundingTime,
    ]),
    // the predicted rate with no new samples is the interest rate, 0.01 %
    [[p1, px(49_000), px(50_000), 10_000, ts + ttf]],
  );
});

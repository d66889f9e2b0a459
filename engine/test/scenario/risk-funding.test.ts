// Premium samples and funding (SPEC §7) with hand-computed numbers. BTCUSDT: 1 price unit = 0.1 USDT,
// 1 qty unit = 0.001 BTC, price × qty × 100 = micro-USDT; impact notional 200 × 125 = 25 000 USDT;
// interest 0.01 % (10 000 per 1e8); fundingCap 0.75 × (0.8 % − 0.4 %) = 0.3 % (300 000 per 1e8).
import assert from "node:assert/strict";
import { test } from "node:test";
import { MarginType } from "@perpx/shared/domain";
import { Ev } from "@perpx/shared/events";
import { DEFAULT_INSTRUMENTS } from "@perpx/shared/instruments";
import { premiumOf } from "../../src/sequencer/funding.js";
import { Harness, ofType, px, qty, usdt } from "../support/seq-harness.js";

const U = 1_000_000;

test("instrument defaults: funding cap 0.3 %, impact notional 25 000 USDT", () => {
  assert.equal(DEFAULT_INSTRUMENTS[0]!.fundingCap, 300_000);
  assert.equal(DEFAULT_INSTRUMENTS[0]!.impactMarginNotional, 25_000 * U);
});

test("premium of one sample: impact bid/ask from the book walk, each term truncated toward zero", () => {
  // index 50 000.0 (500 000 units); 25 000 USDT = 250 000 000 price·qty units
  // asks at 49 900: a market buy gets ⌊250 000 000 / 499 000⌋ = 501 units for 249 999 000 → avg 49 900
  //   → −(50 000 − 49 900) / 50 000 = −0.2 % = −200 000
  assert.equal(premiumOf(500_000, 0, 0, 501, 249_999_000), -200_000);
  // bids at 52 000: a market sell gets 480 units for 249 600 000 → avg 52 000 → +4 %
  assert.equal(premiumOf(500_000, 480, 249_600_000, 0, 0), 4_000_000);
  // impact bid below the index and impact ask above it: no premium
  assert.equal(premiumOf(500_000, 480, 480 * 499_000, 480, 480 * 501_000), 0);
  // 1 unit at 50 000.3: +0.3 / 50 000 = 0.0006 % = 600; at 50 000.00001 it truncates to 0
  assert.equal(premiumOf(500_000, 1, 500_003, 0, 0), 600);
  assert.equal(premiumOf(50_000_000_000, 1, 50_000_000_001, 0, 0), 0);
});

test("funding: positive and negative rates, the ±0.05 % clamp around interest, the cap", () => {
  // User 1 isolated long 1 BTC at 50 000 (wallet 4 975), user 2 cross short 1 (maker fee 10). User 3
  // shapes the book before one MARK_SAMPLE; the mark stays 50 000 (median with P1 = last = 50 000).
  // F = avg P + clamp(0.01 % − avg P, ±0.05 %), capped at ±0.3 %; payment |Q| × mark × |F| = 50 000 × |F|.
  const rows = [
    { name: "no samples: F = interest", book: [] as [number, number][], p: null, f: 10_000, pay: 5 },
    // P −0.2 % → F = −0.2 % + 0.05 % = −0.15 %: shorts pay longs 75
    {
      name: "discount",
      book: [
        [1, 49_800],
        [-1, 49_900],
      ] as [number, number][],
      p: -200_000,
      f: -150_000,
      pay: -75,
    },
    // P +4 % → F = 4 % − 0.05 % = 3.95 % → capped at 0.3 %: longs pay 150
    { name: "premium capped", book: [[1, 52_000]] as [number, number][], p: 4_000_000, f: 300_000, pay: 150 },
    // P −4.8 % → F = −4.75 % → capped at −0.3 %: shorts pay 150
    {
      name: "discount capped",
      book: [[-1, 47_600]] as [number, number][],
      p: -4_800_000,
      f: -300_000,
      pay: -150,
    },
  ];
  for (const r of rows) {
    const h = new Harness();
    h.user(1, usdt(10_000));
    h.user(2, usdt(100_000));
    h.user(3, usdt(1_000_000));
    h.oracle(px(50_000));
    h.marginType(1, MarginType.ISOLATED);
    h.leverage(1, 10);
    h.sell(2, px(50_000), qty(1));
    h.buy(1, px(50_000), qty(1));
    for (const [dir, price] of r.book) (dir > 0 ? h.buy : h.sell).call(h, 3, px(price), qty(1));
    if (r.p !== null) {
      const ev = h.sample();
      const mark = ofType(ev, Ev.MARK)[0];
      assert.deepEqual([mark?.markPrice, mark?.fundingRate], [px(50_000), r.f], `${r.name}: predicted rate`);
    }
    const ev = h.funding(1_700_028_800_000);
    assert.deepEqual(
      ofType(ev, Ev.FUNDING_RATE).map((e) => [e.fundingRate, e.markPrice]),
      [[r.f, px(50_000)]],
      r.name,
    );
    assert.deepEqual(
      ofType(ev, Ev.FUNDING_PAYMENT).map((e) => [e.userId, e.positionQty, e.amount]),
      [
        [1, qty(1), -usdt(r.pay)],
        [2, -qty(1), usdt(r.pay)],
      ],
      r.name,
    );
    assert.equal(
      h.pos(1).isolatedWallet,
      4_975 * U - usdt(r.pay),
      `${r.name}: paid from the isolated wallet`,
    );
    assert.equal(h.wallet(1), 5_000 * U, `${r.name}: cross untouched`);
    assert.equal(h.wallet(2), 100_000 * U - 10 * U + usdt(r.pay));
    assert.deepEqual(ofType(ev, Ev.INSURANCE), [], `${r.name}: no residue`);
    assert.equal(ofType(ev, Ev.BALANCE).find((b) => b.userId === 2)?.reason, 1); // FUNDING_FEE
    assert.equal(h.seq.symbol(1)?.lastFundingRate, r.f);
    assert.equal(h.seq.symbol(1)?.premiumCount, 0, "samples reset for the next interval");
    assert.equal(h.difference(), 0);
  }
});

test("funding rounding: payers round up, receivers down, the residue goes to the insurance fund", () => {
  // mark 50 000.1; 0.001 BTC is 50.0001 USDT; × 0.01 % = 0.00500001 USDT = 5 000.01 micro.
  // user 1 long 0.003: pays ⌈15 000.03⌉ = 15 001; users 2, 4, 5 short 0.001 each get ⌊5 000.01⌋ = 5 000.
  const h = new Harness();
  for (const u of [1, 2, 4, 5]) h.user(u, usdt(10_000));
  h.oracle(px(50_000.1));
  for (const u of [2, 4, 5]) h.sell(u, px(50_000.1), qty(0.001));
  h.buy(1, px(50_000.1), qty(0.003));
  const before = [1, 2, 4, 5].map((u) => h.wallet(u));
  const ev = h.funding(1_700_028_800_000);
  assert.deepEqual(
    ofType(ev, Ev.FUNDING_PAYMENT).map((e) => [e.userId, e.amount]),
    [
      [1, -15_001],
      [2, 5_000],
      [4, 5_000],
      [5, 5_000],
    ],
  );
  assert.deepEqual(
    [1, 2, 4, 5].map((u, i) => h.wallet(u) - before[i]!),
    [-15_001, 5_000, 5_000, 5_000],
  );
  assert.deepEqual(
    ofType(ev, Ev.INSURANCE).map((e) => [e.delta, e.balance, e.reason]),
    [[1, 1, "FUNDING_RESIDUE"]],
  );
  assert.equal(h.difference(), 0);
  // the same funding time again, or an earlier one: nothing happens
  assert.deepEqual(h.funding(1_700_028_800_000), []);
  assert.deepEqual(h.funding(1_700_000_000_000), []);
  assert.equal(h.seq.solvency().insuranceFund, 1);
});

test("funding for every symbol (symbolId 0) pays each symbol once", () => {
  const h = new Harness();
  for (const u of [1, 2]) h.user(u, usdt(100_000));
  h.oracle(px(50_000));
  h.oracle(300_000, 2); // ETH 3 000.00
  h.sell(2, px(50_000), qty(1));
  h.buy(1, px(50_000), qty(1));
  const ev = h.funding(1_700_028_800_000, 0);
  // BTC: 50 000 × 0.01 % = 5; ETH has no position: a rate row and no payment
  assert.deepEqual(
    ofType(ev, Ev.FUNDING_RATE).map((e) => [e.symbolId, e.fundingRate]),
    [
      [1, 10_000],
      [2, 10_000],
    ],
  );
  assert.deepEqual(
    ofType(ev, Ev.FUNDING_PAYMENT).map((e) => [e.userId, e.amount]),
    [
      [1, -5 * U],
      [2, 5 * U],
    ],
  );
  assert.deepEqual(h.funding(1_700_028_800_000, 1), []);
});

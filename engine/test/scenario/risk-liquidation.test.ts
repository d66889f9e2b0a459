// Liquidation, insurance fund and ADL scenarios (SPEC §7) with hand-computed numbers.
// BTCUSDT: 1 price unit = 0.1 USDT, 1 qty unit = 0.001 BTC, price × qty × 100 = micro-USDT; brackets
// ≤ 50 000 USDT: MMR 0.4 %, maintAmount 0; ≤ 250 000: MMR 0.5 %, maintAmount 50 USDT. ETHUSDT: 1 price
// unit = 0.01 USDT, price × qty × 10 = micro-USDT, same brackets. Fees: taker 0.05 %, maker 0.02 %,
// liquidation fee 1.25 %. Isolated long 1 BTC at 50 000, 10x: IM 5 000 − taker fee 25 = wallet 4 975.
import assert from "node:assert/strict";
import { test } from "node:test";
import { MarginType, OrderStatus, Side, TradeType } from "@perpx/shared/domain";
import { Ev } from "@perpx/shared/events";
import { Harness, ofType, px, qty, trades, usdt } from "../support/seq-harness.js";

const U = 1_000_000;
const ETH = 2;
const epx = (x: number) => Math.round(x * 100); // ETH price units

/** User 1 isolated 10x, 1 BTC at 50 000 against user 2 (maker); users 3.. have 100 000 USDT. */
function isolatedPosition(side: Side): Harness {
  const h = new Harness();
  h.user(1, usdt(10_000));
  for (const u of [2, 3, 4, 5]) h.user(u, usdt(100_000));
  h.oracle(px(50_000));
  h.marginType(1, MarginType.ISOLATED);
  h.leverage(1, 10);
  h.order(2, side === Side.BUY ? Side.SELL : Side.BUY, px(50_000), qty(1));
  h.order(1, side, px(50_000), qty(1));
  assert.equal(h.pos(1).isolatedWallet, 4_975 * U);
  return h;
}

test("isolated long and short liquidated, fills better than the bankruptcy price: fee capped by d, rest kept", () => {
  // long: liquidatable when 4 975 + (m − 50 000) ≤ 0.4 % × m → m ≤ 45 205.8; at 45 200: equity 175,
  //   MM 180.8; BQ = 45 200 − 175 = 45 025 = BP (= 50 000 − 4 975); the IOC sells at the resting bid.
  // short: liquidatable when 4 975 + (50 000 − m) ≤ 0.5 % × m − 50 → m ≥ 54 757.0; at 54 800: equity 175,
  //   MM 224; BQ = −54 800 − 175 = −54 975 (paid), BP = 54 975; the IOC buys at the resting ask.
  // d = quote received − BQ; the fund takes min(d, 1.25 % × fill notional), the user keeps the rest.
  const rows = [
    // side, mark before, resting price, liquidation mark, d, fee, kept
    { side: Side.BUY, pre: 46_000, fill: 45_900, liq: 45_200, d: 875, fee: 573.75, kept: 301.25, mm: 180.8 },
    { side: Side.BUY, pre: 46_000, fill: 45_300, liq: 45_200, d: 275, fee: 275, kept: 0, mm: 180.8 },
    { side: Side.SELL, pre: 54_000, fill: 54_100, liq: 54_800, d: 875, fee: 676.25, kept: 198.75, mm: 224 },
    { side: Side.SELL, pre: 54_000, fill: 54_700, liq: 54_800, d: 275, fee: 275, kept: 0, mm: 224 },
  ];
  for (const r of rows) {
    const h = isolatedPosition(r.side);
    h.oracle(px(r.pre));
    // the book side the liquidation will hit (user 3, maker)
    h.order(3, r.side, px(r.fill), qty(1));
    const ev = h.oracle(px(r.liq));
    assert.deepEqual(
      ofType(ev, Ev.MARGIN_CALL).map((e) => [e.userId, e.symbolId, e.marginBalance, e.maintMargin]),
      [[1, 1, 175 * U, usdt(r.mm)]],
      "a margin call precedes the liquidation",
    );
    const [t] = trades(ev);
    const long = r.side === Side.BUY;
    const realized = long ? (r.fill - 50_000) * U : (50_000 - r.fill) * U; // −4 100 or −4 700
    const makerFee = Math.ceil(r.fill * 200); // 0.02 % in micro-USDT
    assert.deepEqual(
      [t?.type, t?.price, t?.qty, t?.makerSide, long ? t?.sellFee : t?.buyFee, long ? t?.buyFee : t?.sellFee],
      [TradeType.LIQUIDATION, px(r.fill), qty(1), r.side, 0, makerFee],
    );
    assert.equal(long ? t?.sellRealizedPnl : t?.buyRealizedPnl, realized);
    assert.equal(4_975 * U + realized, usdt(r.d)); // the isolated wallet after the fill is d
    assert.deepEqual(
      ofType(ev, Ev.INSURANCE).map((e) => [e.delta, e.balance, e.reason]),
      [[usdt(r.fee), usdt(r.fee), "LIQUIDATION_FEE"]],
    );
    const auto = ofType(ev, Ev.ORDER).find((o) => o.clientOrderId.startsWith("autoclose-"));
    assert.deepEqual(
      [auto?.status, auto?.price, auto?.origQty, auto?.executedQty, auto?.reduceOnly],
      [OrderStatus.FILLED, px(long ? 45_025 : 54_975), qty(1), qty(1), true],
    );
    assert.deepEqual(h.pos(1), { qty: 0, entryValue: 0, isolatedWallet: 0 });
    assert.equal(h.wallet(1), 5_000 * U + usdt(r.kept));
    assert.equal(ofType(ev, Ev.BALANCE).find((b) => b.userId === 1)?.reason, 2); // LIQUIDATION
    assert.equal(h.difference(), 0);
  }
});

test("cross account with two positions: largest maintenance margin first, re-check after each", () => {
  // User 1 (6 000 USDT, cross 20x) long 1 BTC at 50 000 and 10 ETH at 3 000: fees 25 + 15 → wallet 5 960.
  // BTC mark 44 300: margin balance 5 960 − 5 700 = 260; MM = 177.2 (BTC) + 120 (ETH) = 297.2 → liquidatable.
  // BTC first (MM 177.2 > 120): BQ = 44 300 − ⌊260 × 177.2 / 297.2⌋ = 44 300 − 155.020188
  //   = 44 144.979812 → BP = 44 145.0 (rounded up against the long).
  const share = Math.floor((260 * U * 177_200_000) / 297_200_000);
  assert.equal(share, 155_020_188);
  const bqBtc = 44_300 * U - share;
  const rows = [
    {
      // bid 44 200: d = 55.020188 ≤ cap 552.5 → all to the fund; wallet 5 960 − 5 800 − 55.020188
      // = 104.979812 ≤ MM 120: ETH next, BQ = 30 000 − 104.979812, BP ⌈2 989.50202⌉ = 2 989.51;
      // bid 2 995: d = 29 950 − 29 895.020188 = 54.979812 → fund; wallet −50 − 54.979812 → 0
      btcBid: 44_200,
      fees: [44_200 * U - bqBtc, 29_950 * U - (30_000 * U - 104_979_812)],
      wallet: 0,
      ethLeft: 0,
    },
    {
      // bid 44 900: d = 755.020188 > cap 561.25 → fee 561.25, wallet 5 960 − 5 100 − 561.25 = 298.75
      // > MM 120 (and > 1.5 × 120): the ETH position stays
      btcBid: 44_900,
      fees: [usdt(561.25)],
      wallet: usdt(298.75),
      ethLeft: qty(10),
    },
  ];
  assert.deepEqual(rows[0]!.fees, [55_020_188, 54_979_812]);
  for (const r of rows) {
    const h = new Harness();
    h.user(1, usdt(6_000));
    for (const u of [2, 3]) h.user(u, usdt(200_000));
    h.oracle(px(50_000));
    h.oracle(epx(3_000), ETH);
    h.sell(2, px(50_000), qty(1));
    h.buy(1, px(50_000), qty(1));
    h.sell(2, epx(3_000), qty(10), { symbolId: ETH });
    h.buy(1, epx(3_000), qty(10), { symbolId: ETH });
    assert.equal(h.wallet(1), 5_960 * U);
    h.oracle(px(45_000)); // margin balance 960 > 1.5 × 300: nothing yet
    h.buy(3, px(r.btcBid), qty(1));
    h.buy(3, epx(2_995), qty(10), { symbolId: ETH });
    const ev = h.oracle(px(44_300));
    assert.deepEqual(
      ofType(ev, Ev.MARGIN_CALL).map((e) => [e.userId, e.symbolId, e.marginBalance, e.maintMargin]),
      [[1, 0, 260 * U, usdt(297.2)]],
    );
    const auto = ofType(ev, Ev.ORDER).filter((o) => o.clientOrderId.startsWith("autoclose-"));
    assert.deepEqual(
      auto.map((o) => [o.symbolId, o.price]),
      r.ethLeft === 0
        ? [
            [1, px(44_145)],
            [ETH, epx(2_989.51)],
          ]
        : [[1, px(44_145)]],
    );
    assert.deepEqual(
      ofType(ev, Ev.INSURANCE).map((e) => e.delta),
      r.fees,
    );
    assert.equal(h.wallet(1), r.wallet);
    assert.equal(h.pos(1, ETH).qty, r.ethLeft);
    assert.equal(
      h.seq.solvency().insuranceFund,
      r.fees.reduce((a, b) => a + b, 0),
    );
    assert.equal(h.difference(), 0);
  }
});

test("the insurance fund covers a deficit: the fund's pass fills below the bankruptcy price", () => {
  // Users 1 and 4: identical isolated longs (1 BTC at 50 000, 10x, wallet 4 975, BP 45 025).
  const h = new Harness();
  for (const u of [1, 4]) h.user(u, usdt(10_000));
  for (const u of [2, 3, 5]) h.user(u, usdt(100_000));
  h.oracle(px(50_000));
  for (const u of [1, 4]) {
    h.marginType(u, MarginType.ISOLATED);
    h.leverage(u, 10);
  }
  h.sell(2, px(50_000), qty(2));
  h.buy(1, px(50_000), qty(1));
  h.buy(4, px(50_000), qty(1));
  h.oracle(px(46_000));
  h.buy(3, px(45_900), qty(1));
  h.buy(5, px(44_900), qty(1));
  const ev = h.oracle(px(45_200)); // both liquidatable (equity 175 ≤ MM 180.8); user 1 first (same key)
  // user 1: IOC at 45 025 fills 45 900: d 875, fee 573.75 → fund 573.75 (as above)
  // user 4: IOC at 45 025 finds only the 44 900 bid. The fund's pass: gap ⌊(573.75 − 0.000001) / 0.1⌋ ticks
  //   = 5 737 → limit 45 025 − 573.7 = 44 451.3 (inside the 5 % market bound 42 940): fills 44 900,
  //   d = 44 900 − 45 025 = −125 → the fund pays 125; wallet 4 975 − 5 100 + 125 = 0.
  assert.deepEqual(
    trades(ev).map((t) => [t.type, t.sellUserId, t.price]),
    [
      [TradeType.LIQUIDATION, 1, px(45_900)],
      [TradeType.LIQUIDATION, 4, px(44_900)],
    ],
  );
  assert.deepEqual(
    ofType(ev, Ev.INSURANCE).map((e) => [e.delta, e.balance, e.reason]),
    [
      [usdt(573.75), usdt(573.75), "LIQUIDATION_FEE"],
      [-125 * U, usdt(448.75), "DEFICIT"],
    ],
  );
  const auto4 = ofType(ev, Ev.ORDER).find((o) => o.userId === 4 && o.clientOrderId.startsWith("autoclose-"));
  assert.equal(auto4?.price, px(45_025));
  assert.equal(h.wallet(4), 5_000 * U); // the isolated wallet ended at exactly 0
  assert.deepEqual(h.pos(4), { qty: 0, entryValue: 0, isolatedWallet: 0 });
  assert.equal(h.difference(), 0);
});

test("insurance fund exhausted: ADL against the top-ranked opposite position at the bankruptcy price", () => {
  const h = new Harness();
  const deposits: [number, number][] = [
    [1, 30_000], // isolated long 2 at 5x: IM 20 000, fee 50 → wallet 19 950, BP 50 000 − 9 975 = 40 025
    [7, 10_000], // isolated long 1 at 10x: wallet 4 975 (liquidated first, feeds the fund 275)
    [5, 100_000], // cross long 1
    [2, 10_000], // the four shorts (makers at 50 000, fee 10 each), ranked by margin balance below
    [3, 50_000],
    [4, 5_000],
    [10, 20_000],
    [6, 100_000], // bidders
    [8, 100_000],
    [9, 100_000],
  ];
  for (const [u, amount] of deposits) h.user(u, usdt(amount));
  h.oracle(px(50_000));
  h.marginType(1, MarginType.ISOLATED);
  h.leverage(1, 5);
  h.marginType(7, MarginType.ISOLATED);
  h.leverage(7, 10);
  for (const u of [2, 3, 4, 10]) h.sell(u, px(50_000), qty(1));
  h.buy(7, px(50_000), qty(1)); // ← user 2
  h.buy(1, px(50_000), qty(2)); // ← users 3, 4
  h.buy(5, px(50_000), qty(1)); // ← user 10
  assert.equal(h.pos(1).isolatedWallet, 19_950 * U);

  h.oracle(px(46_000));
  h.buy(8, px(45_300), qty(1));
  // user 7 at 45 200: equity 175 ≤ 180.8; fills 45 300, d = 275 ≤ cap → the fund holds 275
  h.oracle(px(45_200));
  assert.equal(h.seq.solvency().insuranceFund, 275 * U);

  h.oracle(px(41_800)); // user 1: equity 19 950 − 16 400 = 3 550 > 1.5 × MM 368: nothing
  h.buy(6, px(39_900), qty(1));
  h.buy(9, px(39_800), qty(1));
  h.sell(4, px(42_000), qty(1)); // a resting order of the future ADL victim
  // ADL rank at 41 800 (each short: UPnL 8 200, entry notional 50 000, notional 41 800): score =
  // 8 200 × 41 800 / (50 000 × margin balance), margin balance = deposit − 10 + 8 200:
  // user 4 (13 190) > user 2 (18 190) > user 10 (28 190) > user 3 (58 190) → quantiles 4, 3, 2, 1
  // (min(5, ⌊5 × below / 4⌋ + 1) with below = 3, 2, 1, 0)
  assert.deepEqual(
    [4, 2, 10, 3].map((u) => h.seq.adlQuantiles(u).map((q) => q.quantile)),
    [[4], [3], [2], [1]],
  );

  const ev = h.oracle(px(40_000));
  // user 1: equity 19 950 − 20 000 = −50 ≤ MM 80 000 × 0.5 % − 50 = 350. BQ = 80 000 + 50 = 80 050,
  // BP 40 025. No bid at or above 40 025. The fund (275) passes at gap ⌊274.999999 / (2 × 0.1)⌋ = 1 374
  // ticks → 40 025 − 137.4 = 39 887.6: takes the 39 900 bid, not the 39 800 one; d = 39 900 − ⌈80 050 / 2⌉
  // = −125 → the fund pays 125 (150 left, which cannot pay the 39 800 bid's 225). The last BTC goes to
  // ADL at 40 025 against user 4 (ranked first): d = 40 025 − (80 050 − 40 025) = 0.
  assert.deepEqual(
    trades(ev).map((t) => [t.type, t.price, t.qty, t.buyUserId, t.sellUserId, t.buyFee, t.sellFee]),
    [
      [TradeType.LIQUIDATION, px(39_900), qty(1), 6, 1, 7_980_000, 0],
      [TradeType.ADL, px(40_025), qty(1), 4, 1, 0, 0],
    ],
  );
  const adl = trades(ev)[1]!;
  assert.deepEqual([adl.buyRealizedPnl, adl.sellRealizedPnl], [9_975 * U, -9_975 * U]);
  assert.deepEqual(
    ofType(ev, Ev.INSURANCE).map((e) => [e.delta, e.balance, e.reason]),
    [[-125 * U, 150 * U, "DEFICIT"]],
  );
  // the victim: its resting BTC order cancelled, an ADL order reported, position closed at BP
  const v = ofType(ev, Ev.ORDER).filter((o) => o.userId === 4);
  assert.deepEqual(
    v.map((o) => [o.status, o.clientOrderId.startsWith("adl_autoclose-")]),
    [
      [OrderStatus.CANCELED, false],
      [OrderStatus.FILLED, true],
    ],
  );
  assert.equal(h.pos(4).qty, 0);
  assert.equal(h.wallet(4), (5_000 - 10 + 9_975) * U);
  assert.equal(ofType(ev, Ev.BALANCE).find((b) => b.userId === 4)?.reason, 3); // ADL
  for (const u of [2, 3, 10]) assert.equal(h.pos(u).qty, -qty(1)); // not in line
  // user 1: realized −10 100 − 9 975 = −20 075; wallet 19 950 − 20 075 + 125 = 0 → cross 10 000
  assert.deepEqual(h.pos(1), { qty: 0, entryValue: 0, isolatedWallet: 0 });
  assert.equal(h.wallet(1), 10_000 * U);
  assert.equal(h.pos(9).qty, 0); // the 39 800 bid was not taken
  assert.equal(h.difference(), 0);
});

test("margin calls: once on entering the warning zone, again only after leaving it", () => {
  // isolated long 1 at 50 000, wallet 4 975: warned when 4 975 + (m − 50 000) ≤ 1.5 × 0.4 % × m → m ≤ 45 296.7
  const h = isolatedPosition(Side.BUY);
  const calls = (ev: ReturnType<Harness["run"]>) =>
    ofType(ev, Ev.MARGIN_CALL).map((e) => [e.marginBalance, e.maintMargin]);
  assert.deepEqual(calls(h.oracle(px(45_400))), []);
  assert.deepEqual(calls(h.oracle(px(45_250))), [[225 * U, 181 * U]]); // 225 ≤ 271.5, > 181
  assert.deepEqual(calls(h.oracle(px(45_240))), []);
  assert.deepEqual(calls(h.oracle(px(46_000))), []);
  assert.deepEqual(calls(h.oracle(px(45_250))), [[225 * U, 181 * U]]);
  assert.equal(h.pos(1).qty, qty(1));
  assert.equal(h.difference(), 0);
});

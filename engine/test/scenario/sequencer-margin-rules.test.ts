// Sequencer margin and pre-trade rule scenarios (SPEC §4, §5) with hand-computed numbers. BTCUSDT units:
// 1 price unit = 0.1 USDT, 1 qty unit = 0.001 BTC, price × qty × 100 = micro-USDT.
import assert from "node:assert/strict";
import { test } from "node:test";
import { MarginType, OrderStatus, OrderType, Side, TimeInForce } from "@perpx/shared/domain";
import { RejectReason } from "@perpx/shared/errors";
import { Ev } from "@perpx/shared/events";
import { DEFAULT_INSTRUMENTS } from "@perpx/shared/instruments";
import { Harness, lastOrder, ofType, px, qty, rejects, trades, usdt } from "../support/seq-harness.js";

const U = 1_000_000;
const takerFee = (notional: number) => Math.ceil((notional * 5) / 10_000); // 0.05 %

function reasonOf(ev: ReturnType<Harness["run"]>, orderId: number): number | undefined {
  return lastOrder(ev, orderId)?.rejectReason;
}

test("isolated vs cross: the isolated wallet is funded per fill, its loss does not touch cross available", () => {
  const h = new Harness();
  for (const u of [1, 2, 3, 4]) h.user(u, usdt(10_000));
  h.deposit(2, usdt(100_000), "more-2");
  h.oracle(px(50_000));
  h.marginType(1, MarginType.ISOLATED);
  h.leverage(1, 10);
  h.leverage(3, 10);
  h.sell(2, px(50_000), qty(2));
  h.buy(1, px(50_000), qty(1)); // isolated long 1
  h.buy(3, px(50_000), qty(1)); // cross long 1
  const im = (50_000 * U) / 10; // 5 000 USDT
  const fee = takerFee(50_000 * U); // 25 USDT
  assert.equal(h.wallet(1), 10_000 * U - im);
  assert.equal(h.pos(1).isolatedWallet, im - fee); // 4 975
  assert.equal(h.available(1), 5_000 * U); // cross wallet, nothing else
  assert.equal(h.wallet(3), 10_000 * U - fee);
  assert.equal(h.available(3), 9_975 * U - im); // 4 975

  h.oracle(px(49_000));
  // cross: 9 975 − 1 000 (UPnL) − 4 900 (IM at the new mark)
  assert.equal(h.available(3), 9_975 * U - 1_000 * U - 4_900 * U);
  assert.equal(h.available(1), 5_000 * U); // the isolated loss stays isolated

  // closing the isolated position returns its whole wallet to cross
  h.buy(4, px(49_000), qty(1));
  const ev = h.sell(1, px(49_000), qty(1));
  const fee2 = takerFee(49_000 * U); // 24.5
  assert.equal(trades(ev)[0]?.sellRealizedPnl, -1_000 * U);
  assert.deepEqual(h.pos(1), { qty: 0, entryValue: 0, isolatedWallet: 0 });
  assert.equal(h.wallet(1), 10_000 * U - fee - 1_000 * U - fee2);
  assert.equal(h.difference(), 0);
});

test("isolated partial close returns the closed share plus its PnL; margin add and remove", () => {
  const h = new Harness();
  h.user(1, usdt(20_000));
  h.user(2, usdt(200_000));
  h.oracle(px(50_000));
  h.marginType(1, MarginType.ISOLATED);
  h.leverage(1, 10);
  h.sell(2, px(50_000), qty(2));
  h.buy(1, px(50_000), qty(2));
  const w = 10_000 * U - takerFee(100_000 * U); // 10 000 IM − 50 fee = 9 950
  assert.equal(h.pos(1).isolatedWallet, w);
  assert.equal(h.wallet(1), 10_000 * U);
  h.oracle(px(51_000));
  h.buy(2, px(51_000), qty(1));
  h.sell(1, px(51_000), qty(1));
  const pnl = 1_000 * U;
  const fee = takerFee(51_000 * U); // 25.5
  const back = w / 2 + pnl - fee; // closed half of the wallet + its PnL − fee
  assert.equal(h.wallet(1), 10_000 * U + back);
  assert.equal(h.pos(1).isolatedWallet, w + pnl - fee - back);

  const add = h.isolatedMargin(1, 1_000 * U);
  assert.deepEqual(
    add.map((e) => e.ev),
    [Ev.POSITION, Ev.BALANCE],
  );
  assert.equal(h.pos(1).isolatedWallet, w / 2 + 1_000 * U);
  // long 1 at 50 000, mark 51 000: IM 5 100; removing down to below IM (ignoring the +1 000 UPnL) fails
  const tooMuch = h.isolatedMargin(1, -(w / 2 + 1_000 * U - 5_100 * U + 1));
  assert.equal(rejects(tooMuch)[0]?.reason, RejectReason.MARGIN_INSUFFICIENT);
  h.isolatedMargin(1, -(w / 2 + 1_000 * U - 5_100 * U));
  assert.equal(h.pos(1).isolatedWallet, 5_100 * U);
  // adding more than the withdrawable cross balance fails
  const over = h.isolatedMargin(1, h.wallet(1) + 1);
  assert.equal(rejects(over)[0]?.reason, RejectReason.BALANCE_INSUFFICIENT);
  assert.equal(h.difference(), 0);
});

test("margin insufficient: cost = qty × price / leverage + open loss, to the micro-USDT", () => {
  const h = new Harness();
  h.user(1, 2_605 * U - 1);
  h.oracle(px(50_000));
  // buy 1 at 50 100 with mark 50 000: 50 100 / 20 + 1 × 100 = 2 605 USDT
  const r = h.buy(1, px(50_100), qty(1));
  assert.equal(lastOrder(r, 1)?.status, OrderStatus.REJECTED);
  assert.equal(reasonOf(r, 1), RejectReason.MARGIN_INSUFFICIENT);
  h.deposit(1, 1, "one-micro");
  const ok = h.buy(1, px(50_100), qty(1));
  assert.equal(lastOrder(ok, 2)?.status, OrderStatus.NEW);
  assert.equal(h.available(1), 0);
  h.cancel(1, 2);
  // a buy below mark has no open loss: 49 000 / 20 = 2 450
  h.buy(1, px(49_000), qty(1));
  assert.equal(h.available(1), 2_605 * U - 2_450 * U);
  // the rejected order's clientOrderId is used for ever
  const dup = h.buy(1, px(49_000), qty(0.001), { clientOrderId: "c1" });
  assert.equal(rejects(dup)[0]?.reason, RejectReason.DUPLICATE);
  assert.equal(ofType(dup, Ev.ORDER).length, 0);
});

test("reduce-only: only shrinks, never flips; resting ones are cut back as the position shrinks", () => {
  const h = new Harness();
  for (const u of [1, 2, 3, 4, 5]) h.user(u, usdt(100_000));
  h.oracle(px(50_000));
  h.sell(2, px(50_000), qty(1)); // 1
  h.buy(1, px(50_000), qty(1)); // 2: user 1 long 1
  assert.equal(
    reasonOf(h.sell(3, px(50_000), qty(1), { reduceOnly: true }), 3),
    RejectReason.REDUCE_ONLY_REJECTED,
  );
  assert.equal(
    reasonOf(h.buy(1, px(49_000), qty(0.5), { reduceOnly: true }), 4),
    RejectReason.REDUCE_ONLY_REJECTED,
  );
  assert.equal(
    reasonOf(h.sell(1, px(51_000), qty(2), { reduceOnly: true }), 5),
    RejectReason.REDUCE_ONLY_REJECTED,
  );
  assert.equal(lastOrder(h.sell(1, px(51_000), qty(0.6), { reduceOnly: true }), 6)?.status, OrderStatus.NEW);
  // a second reduce-only order may not take the total beyond the position
  assert.equal(
    reasonOf(h.sell(1, px(52_000), qty(0.5), { reduceOnly: true }), 7),
    RejectReason.REDUCE_ONLY_REJECTED,
  );
  assert.equal(lastOrder(h.sell(1, px(52_000), qty(0.4), { reduceOnly: true }), 8)?.status, OrderStatus.NEW);
  // a normal sell on the same side: reduce-only orders are cut back, newest first, to keep Σ ≤ |Q|
  const n = h.sell(1, px(50_500), qty(0.3)); // 9
  assert.equal(lastOrder(n, 8)?.origQty, 100);
  // the position shrinks by 0.5 (market sell into user 4's bid): cut 0.1 of order 8 (cancelled), 0.4 of 6
  h.buy(4, px(49_900), qty(0.5)); // 10
  const m = h.market(1, Side.SELL, qty(0.5)); // 11
  assert.equal(trades(m)[0]?.qty, 500);
  assert.equal(lastOrder(m, 8)?.status, OrderStatus.CANCELED);
  assert.equal(lastOrder(m, 6)?.origQty, 200);
  // a buyer sweeping 1 BTC takes user 1's 0.3 then the reduce-only 0.2: flat, never short
  const sweep = h.buy(5, px(51_000), qty(1)); // 12
  assert.deepEqual(
    trades(sweep).map((t) => [t.sellOrderId, t.qty]),
    [
      [9, 300],
      [6, 200],
    ],
  );
  assert.equal(h.pos(1).qty, 0);
  assert.equal(h.difference(), 0);
});

test("a reducing order that the position no longer covers is expired when the account cannot fund it", () => {
  const h = new Harness();
  h.user(1, usdt(2_530));
  h.user(2, usdt(100_000));
  h.user(3, usdt(100_000));
  h.oracle(px(50_000));
  h.sell(2, px(50_000), qty(1)); // 1
  h.buy(1, px(50_000), qty(1)); // 2: long 1, IM 2 500, wallet 2 505, available 5
  assert.equal(h.available(1), 5 * U);
  // a take-profit as a plain limit sell: it only reduces the long, so it needs no margin
  const tp = h.sell(1, px(51_000), qty(1)); // 3
  assert.equal(lastOrder(tp, 3)?.status, OrderStatus.NEW);
  assert.equal(h.available(1), 5 * U);
  // a plain market sell on top would open 1 of the 2 now on the sell side: refused
  assert.equal(reasonOf(h.market(1, Side.SELL, qty(1)), 4), RejectReason.MARGIN_INSUFFICIENT);
  h.buy(3, px(50_000), qty(1)); // 5
  // closing with a reduce-only market sell leaves order 3 opening a short of 1 at 51 000 (2 550 USDT of
  // margin) on a wallet of 2 505 − 25 = 2 480: it is expired rather than left unfunded in the book
  const close = h.market(1, Side.SELL, qty(1), { reduceOnly: true }); // 6
  assert.equal(h.pos(1).qty, 0);
  assert.equal(lastOrder(close, 3)?.status, OrderStatus.EXPIRED);
  assert.equal(reasonOf(close, 3), RejectReason.MARGIN_INSUFFICIENT);
  assert.equal(h.seq.openOrder(3), undefined);
  assert.equal(h.available(1), 2_480 * U);
  assert.equal(h.difference(), 0);
});

test("a reduce-only order left on the wrong side by a flip is cancelled", () => {
  const h = new Harness();
  for (const u of [1, 2, 3]) h.user(u, usdt(100_000));
  h.oracle(px(50_000));
  h.sell(2, px(50_000), qty(1));
  h.buy(1, px(50_000), qty(1)); // long 1
  h.sell(1, px(52_000), qty(1), { reduceOnly: true }); // 3
  h.buy(3, px(49_000), qty(2)); // 4
  const ev = h.sell(1, px(49_000), qty(2)); // 5: flips user 1 to short 1
  assert.equal(h.pos(1).qty, -1000);
  assert.equal(lastOrder(ev, 3)?.status, OrderStatus.CANCELED);
});

test("post-only (GTX) is rejected when it would take; FOK all or nothing", () => {
  const h = new Harness();
  for (const u of [1, 2]) h.user(u, usdt(100_000));
  h.sell(1, px(50_000), qty(1)); // 1
  const gtx = h.buy(2, px(50_000), qty(1), { tif: TimeInForce.GTX });
  assert.equal(lastOrder(gtx, 2)?.status, OrderStatus.REJECTED);
  assert.equal(reasonOf(gtx, 2), RejectReason.POST_ONLY_REJECTED);
  assert.equal(trades(gtx).length, 0);
  assert.equal(h.available(2), 100_000 * U); // the reservation went with it
  assert.equal(lastOrder(h.buy(2, px(49_900), qty(1), { tif: TimeInForce.GTX }), 3)?.status, OrderStatus.NEW);

  const fok = h.buy(2, px(50_000), qty(2), { tif: TimeInForce.FOK }); // 4
  assert.equal(reasonOf(fok, 4), RejectReason.FOK_REJECTED);
  assert.equal(trades(fok).length, 0);
  assert.equal(h.seq.openOrder(1)?.executedQty, 0);
  const all = h.buy(2, px(50_000), qty(1), { tif: TimeInForce.FOK }); // 5
  assert.equal(lastOrder(all, 5)?.status, OrderStatus.FILLED);
});

test("deposits are idempotent by txId; withdrawals only from the withdrawable balance", () => {
  const h = new Harness();
  h.user(1);
  h.user(2, usdt(100_000));
  const d = h.deposit(1, usdt(10_000), "tx-1");
  assert.deepEqual(
    d.map((e) => e.ev),
    [Ev.DEPOSIT, Ev.BALANCE],
  );
  const again = h.deposit(1, usdt(10_000), "tx-1");
  assert.deepEqual(rejects(again)[0], {
    ev: Ev.REJECT,
    seq: again[0]?.seq,
    ts: again[0]?.ts,
    userId: 1,
    op: 2,
    reason: RejectReason.DUPLICATE,
    ref: "tx-1",
  });
  assert.equal(h.wallet(1), 10_000 * U);
  assert.equal(h.seq.solvency().netDeposits, 110_000 * U);

  h.oracle(px(50_000));
  h.sell(2, px(50_000), qty(1));
  h.buy(1, px(50_000), qty(1)); // wallet 9 975, IM 2 500 → available 7 475
  assert.equal(h.available(1), 7_475 * U);
  const over = h.withdraw(1, 7_475 * U + 1, "w-1");
  assert.equal(rejects(over)[0]?.reason, RejectReason.BALANCE_INSUFFICIENT);
  const ok = h.withdraw(1, 7_475 * U, "w-1");
  assert.deepEqual(
    ok.map((e) => e.ev),
    [Ev.WITHDRAWAL, Ev.BALANCE],
  );
  assert.equal(h.wallet(1), 2_500 * U);
  assert.equal(rejects(h.withdraw(1, 1, "w-1"))[0]?.reason, RejectReason.DUPLICATE);
  // +1 000 USDT of unrealized profit is margin, not cash: available 950, withdrawable none
  h.oracle(px(51_000));
  assert.equal(h.available(1), 2_500 * U + 1_000 * U - 2_550 * U);
  assert.equal(rejects(h.withdraw(1, 1, "w-2"))[0]?.reason, RejectReason.BALANCE_INSUFFICIENT);
  assert.equal(h.difference(), 0);
});

test("leverage: refused when initial margin would no longer be met or the bracket cap is exceeded", () => {
  const h = new Harness();
  h.user(1, usdt(3_000));
  h.user(2, usdt(100_000));
  h.oracle(px(50_000));
  h.sell(2, px(50_000), qty(1));
  h.buy(1, px(50_000), qty(1)); // wallet 2 975, IM 2 500 at 20x, available 475
  assert.equal(h.available(1), 475 * U);
  const r = h.leverage(1, 10); // IM 5 000 > 2 975
  assert.equal(rejects(r)[0]?.reason, RejectReason.MARGIN_INSUFFICIENT);
  assert.equal(h.seq.position(1, 1)?.leverage, 20);
  const ok = h.leverage(1, 18); // IM ⌈50 000 / 18⌉ = 2 777.777778
  assert.equal(ofType(ok, Ev.LEVERAGE)[0]?.leverage, 18);
  assert.equal(h.available(1), 2_975 * U - Math.ceil((50_000 * U) / 18));
  assert.equal(rejects(h.leverage(1, 126))[0]?.reason, RejectReason.INVALID_PARAMETER);
  assert.equal(rejects(h.leverage(1, 0))[0]?.reason, RejectReason.INVALID_PARAMETER);
  // 125x allows 50 000 USDT: the position fits; one more step of resting buy does not
  h.leverage(1, 125);
  assert.equal(reasonOf(h.buy(1, px(48_000), qty(0.3)), 3), RejectReason.MAX_POSITION_EXCEEDED);
  h.leverage(1, 100);
  assert.equal(lastOrder(h.buy(1, px(48_000), qty(0.3)), 4)?.status, OrderStatus.NEW);
  // back to 125x would put position + open buys above 50 000 USDT
  assert.equal(rejects(h.leverage(1, 125))[0]?.reason, RejectReason.MAX_POSITION_EXCEEDED);
});

test("margin type: refused with open orders or a position, accepted when flat", () => {
  const h = new Harness();
  h.user(1, usdt(100_000));
  h.user(2, usdt(100_000));
  h.buy(1, px(49_000), qty(1)); // 1
  const r = h.marginType(1, MarginType.ISOLATED);
  assert.equal(rejects(r)[0]?.reason, RejectReason.POSITION_OR_ORDERS_OPEN);
  h.cancel(1, 1);
  const ok = h.marginType(1, MarginType.ISOLATED);
  assert.equal(ofType(ok, Ev.LEVERAGE)[0]?.marginType, MarginType.ISOLATED);
  h.sell(2, px(50_000), qty(1));
  h.buy(1, px(50_000), qty(1));
  assert.equal(rejects(h.marginType(1, MarginType.CROSSED))[0]?.reason, RejectReason.POSITION_OR_ORDERS_OPEN);
});

test("price band, open-order cap, trigger types and unknown symbols", () => {
  const btc = DEFAULT_INSTRUMENTS[0]!;
  const h = new Harness([{ ...btc, maxOpenOrders: 2 }]);
  h.user(1, usdt(100_000));
  h.oracle(px(50_000));
  assert.equal(reasonOf(h.buy(1, px(52_500) + 1, qty(0.01)), 1), RejectReason.PRICE_OUT_OF_BAND);
  assert.equal(reasonOf(h.sell(1, px(47_500) - 1, qty(0.01)), 2), RejectReason.PRICE_OUT_OF_BAND);
  assert.equal(lastOrder(h.buy(1, px(47_500), qty(0.01)), 3)?.status, OrderStatus.NEW);
  assert.equal(lastOrder(h.sell(1, px(52_500), qty(0.01)), 4)?.status, OrderStatus.NEW);
  assert.equal(reasonOf(h.buy(1, px(48_000), qty(0.01)), 5), RejectReason.MAX_OPEN_ORDERS);
  // a STOP without a stop price is invalid; a valid one counts toward the open-order cap
  assert.equal(
    reasonOf(h.buy(1, px(48_000), qty(0.01), { type: OrderType.STOP }), 6),
    RejectReason.INVALID_PARAMETER,
  );
  assert.equal(
    reasonOf(
      h.buy(1, px(51_000), qty(0.01), { type: OrderType.STOP, stopPrice: px(51_000), orderId: 60 }),
      60,
    ),
    RejectReason.MAX_OPEN_ORDERS,
  );
  assert.equal(reasonOf(h.buy(1, px(48_000), qty(0.01), { symbolId: 9 }), 7), RejectReason.UNKNOWN_SYMBOL);
  assert.equal(rejects(h.buy(77, px(48_000), qty(0.01)))[0]?.reason, RejectReason.UNKNOWN_ACCOUNT);
});

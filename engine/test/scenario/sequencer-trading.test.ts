// Sequencer trading scenarios with hand-computed numbers (BTCUSDT defaults: tick 0.1, step 0.001,
// taker 0.05 %, maker 0.02 %, leverage 20). Units: 1 price unit = 0.1 USDT, 1 qty unit = 0.001 BTC, so
// price units × qty units × 100 = micro-USDT.
import assert from "node:assert/strict";
import { test } from "node:test";
import { OrderStatus, Side, StpMode, TimeInForce } from "@perpx/shared/domain";
import { RejectReason } from "@perpx/shared/errors";
import { Ev } from "@perpx/shared/events";
import { DEFAULT_INSTRUMENTS } from "@perpx/shared/instruments";
import {
  Harness,
  lastOrder,
  ofType,
  orders,
  px,
  qty,
  rejects,
  trades,
  usdt,
} from "../support/seq-harness.js";

const U = 1_000_000;
const F = 100;
const takerFee = (notional: number) => Math.ceil((notional * 5) / 10_000); // 0.05 %
const makerFee = (notional: number) => Math.ceil((notional * 2) / 10_000); // 0.02 %

test("open a long and a short: one trade, fees both sides, positions, events in order", () => {
  const h = new Harness();
  h.user(1, usdt(10_000));
  h.user(2, usdt(10_000));
  h.sell(1, px(50_000), qty(1)); // order 1 rests
  const ev = h.buy(2, px(50_000), qty(1)); // order 2 takes it
  const notional = 50_000 * U;
  assert.deepEqual(
    ev.map((e) => e.ev),
    // no index yet: the mark follows the trade and is published (MARK) before the closing events
    [
      Ev.TRADE,
      Ev.FEE_ACCOUNT,
      Ev.ORDER,
      Ev.ORDER,
      Ev.MARK,
      Ev.POSITION,
      Ev.POSITION,
      Ev.BALANCE,
      Ev.BALANCE,
      Ev.BOOK,
    ],
  );
  // the fee account takes both fees: 25 + 10 USDT
  const fee = ev.find((e) => e.ev === Ev.FEE_ACCOUNT);
  assert.deepEqual(fee && fee.ev === Ev.FEE_ACCOUNT ? [fee.balance, fee.delta] : [], [35 * U, 35 * U]);
  const [t] = trades(ev);
  assert.equal(t?.tradeId, 1);
  assert.equal(t?.quote, notional);
  assert.equal(t?.buyFee, takerFee(notional)); // 25 USDT
  assert.equal(t?.buyFee, 25 * U);
  assert.equal(t?.sellFee, makerFee(notional)); // 10 USDT
  assert.equal(t?.makerSide, Side.SELL);
  assert.equal(lastOrder(ev, 1)?.status, OrderStatus.FILLED);
  assert.equal(lastOrder(ev, 2)?.status, OrderStatus.FILLED);
  assert.equal(lastOrder(ev, 2)?.cumQuoteUnits, 500_000 * 1000);

  assert.equal(h.wallet(2), 10_000 * U - 25 * U);
  assert.equal(h.wallet(1), 10_000 * U - 10 * U);
  assert.deepEqual(h.pos(2), { qty: 1000, entryValue: 500_000 * 1000, isolatedWallet: 0 });
  assert.deepEqual(h.pos(1), { qty: -1000, entryValue: 500_000 * 1000, isolatedWallet: 0 });
  // mark = last trade (no index yet): IM = 50 000 / 20 = 2 500 USDT
  assert.equal(h.available(2), 9_975 * U - 2_500 * U);
  const s = h.seq.solvency();
  assert.equal(s.feeAccount, 35 * U);
  assert.equal(s.netDeposits, 20_000 * U);
  assert.equal(s.difference, 0);

  const balances = ofType(ev, Ev.BALANCE);
  assert.deepEqual(
    balances.map((b) => [b.userId, b.delta]),
    [
      [2, -25 * U],
      [1, -10 * U],
    ],
  );
  const book = ofType(ev, Ev.BOOK)[0]!;
  assert.deepEqual([book.prevUpdateId, book.firstUpdateId, book.lastUpdateId], [1, 2, 2]);
  assert.deepEqual(book.asks, [[500_000, 0]]);
});

test("partial fills then an increase at another price: entry value is the exact sum", () => {
  const h = new Harness();
  h.user(1, usdt(100_000));
  h.user(2, usdt(100_000));
  h.sell(1, px(50_000), qty(1)); // 1
  const e1 = h.buy(2, px(50_000), qty(0.4)); // 2
  assert.equal(lastOrder(e1, 1)?.status, OrderStatus.PARTIALLY_FILLED);
  assert.equal(lastOrder(e1, 1)?.executedQty, 400);
  const e2 = h.buy(2, px(50_000), qty(0.6)); // 3
  assert.equal(lastOrder(e2, 1)?.status, OrderStatus.FILLED);
  h.sell(1, px(50_100), qty(1)); // 4
  h.buy(2, px(50_100), qty(1)); // 5
  // long 2 BTC: 1 at 50 000.0, 1 at 50 100.0 → entry value 500 000 × 1000 + 501 000 × 1000, entry 50 050
  assert.deepEqual(h.pos(2), { qty: 2000, entryValue: 500_000 * 1000 + 501_000 * 1000, isolatedWallet: 0 });
  assert.equal(h.pos(2).entryValue / 2000, 500_500);
  const fees = takerFee(20_000 * U) + takerFee(30_000 * U) + takerFee(50_100 * U); // 10 + 15 + 25.05
  assert.equal(h.wallet(2), 100_000 * U - fees);
  assert.equal(h.difference(), 0);
});

test("reduce: realized PnL on a proportional, exactly kept entry value (long rounds against the holder)", () => {
  const h = new Harness();
  for (const u of [1, 2, 3]) h.user(u, usdt(10_000));
  h.sell(1, 500_000, 1); // 0.001 at 50 000.0
  h.buy(2, 500_000, 1);
  h.sell(1, 500_001, 2); // 0.002 at 50 000.1
  h.buy(2, 500_001, 2);
  const entry = 500_000 * 1 + 500_001 * 2; // 1 500 002 price·qty units for 3 qty units
  assert.deepEqual(h.pos(2), { qty: 3, entryValue: entry, isolatedWallet: 0 });
  h.buy(3, 500_010, 3); // resting bid at 50 001.0
  const w0 = h.wallet(2);
  const r1 = h.sell(2, 500_010, 1);
  // removed share = ⌈1 500 002 / 3⌉ = 500 001 (long: up, so realized PnL rounds down)
  const removed = Math.ceil(entry / 3);
  assert.equal(removed, 500_001);
  const pnl1 = (500_010 * 1 - removed) * F; // 900 micro-USDT
  assert.equal(trades(r1)[0]?.sellRealizedPnl, pnl1);
  assert.deepEqual(h.pos(2), { qty: 2, entryValue: entry - removed, isolatedWallet: 0 });
  const r2 = h.sell(2, 500_010, 2);
  const pnl2 = (500_010 * 2 - (entry - removed)) * F; // 1 900
  assert.equal(trades(r2)[0]?.sellRealizedPnl, pnl2);
  // over the round trip the position realized exactly 3 × exit − entry value: no micro-USDT lost
  assert.equal(pnl1 + pnl2, (3 * 500_010 - entry) * F);
  assert.deepEqual(h.pos(2), { qty: 0, entryValue: 0, isolatedWallet: 0 });
  const fees = takerFee(500_010 * 1 * F) + takerFee(500_010 * 2 * F);
  assert.equal(h.wallet(2), w0 + pnl1 + pnl2 - fees);

  // the short side (user 1, short 3 with the same entry value) rounds its share down
  h.sell(3, 500_010, 1); // user 3 offers back 0.001 at 50 001.0
  const r3 = h.buy(1, 500_010, 1);
  const removedShort = Math.floor(entry / 3); // 500 000
  assert.equal(trades(r3)[0]?.buyRealizedPnl, -(500_010 - removedShort) * F); // −1 000 micro
  assert.deepEqual(h.pos(1), { qty: -2, entryValue: entry - removedShort, isolatedWallet: 0 });
  assert.equal(h.difference(), 0);
});

test("flip: reduce to zero at the fill price, then open the rest; then close", () => {
  const h = new Harness();
  h.user(1, usdt(10_000));
  h.user(2, usdt(10_000));
  h.user(3, usdt(100_000));
  h.user(4, usdt(100_000));
  h.sell(1, px(50_000), qty(1));
  h.buy(2, px(50_000), qty(1)); // user 2 long 1 at 50 000
  h.buy(3, px(51_000), qty(3)); // resting bid 3 at 51 000
  const w0 = h.wallet(2);
  const ev = h.sell(2, px(51_000), qty(3)); // sells 3: closes 1, opens a short of 2
  const t = trades(ev)[0]!;
  const realized = (510_000 * 1000 - 500_000 * 1000) * F; // +1 000 USDT on the closed BTC
  assert.equal(realized, 1_000 * U);
  assert.equal(t.sellRealizedPnl, realized);
  assert.deepEqual(h.pos(2), { qty: -2000, entryValue: 510_000 * 2000, isolatedWallet: 0 });
  const fee = takerFee(153_000 * U); // 76.5 USDT on the whole fill
  assert.equal(h.wallet(2), w0 + realized - fee);

  // close the short: buy 2 at 50 500 from user 4
  h.sell(4, px(50_500), qty(2));
  const w1 = h.wallet(2);
  const ev2 = h.buy(2, px(50_500), qty(2));
  const realized2 = -(505_000 * 2000 - 510_000 * 2000) * F; // short gains 500 × 2 = 1 000 USDT
  assert.equal(trades(ev2)[0]?.buyRealizedPnl, realized2);
  assert.deepEqual(h.pos(2), { qty: 0, entryValue: 0, isolatedWallet: 0 });
  assert.equal(h.wallet(2), w1 + realized2 - takerFee(101_000 * U));
  assert.equal(h.difference(), 0);
});

test("maker rebate (negative rate) rounds down, the fee account keeps the residue", () => {
  const btc = DEFAULT_INSTRUMENTS[0]!;
  const h = new Harness([{ ...btc, makerFeeRate: -10_000 }]); // −0.01 %
  h.user(1, usdt(1_000));
  h.user(2, usdt(1_000));
  h.sell(1, 500_001, 3); // 0.003 at 50 000.1
  const ev = h.buy(2, 500_001, 3);
  const quote = 500_001 * 3 * F; // 150.0003 USDT
  const t = trades(ev)[0]!;
  assert.equal(t.buyFee, Math.ceil((quote * 5) / 10_000)); // ⌈75 000.15⌉ = 75 001
  assert.equal(t.buyFee, 75_001);
  assert.equal(t.sellFee, -Math.floor(quote / 10_000)); // rebate ⌊15 000.03⌋ = 15 000
  assert.equal(t.sellFee, -15_000);
  assert.equal(h.wallet(1), 1_000 * U + 15_000);
  assert.equal(h.seq.solvency().feeAccount, 75_001 - 15_000);
  assert.equal(h.difference(), 0);
});

test("market order: IOC at mark × (1 + 5 %), walks the book within the bound, the rest expires", () => {
  const h = new Harness();
  h.user(1, usdt(100_000));
  h.user(2, usdt(20_000));
  h.oracle(px(51_000)); // band up to 53 550 for the resting asks
  h.sell(1, px(50_000), qty(0.5));
  h.sell(1, px(52_000), qty(0.5));
  h.sell(1, px(53_000), qty(1));
  h.oracle(px(50_000)); // bound 52 500
  const ev = h.market(2, Side.BUY, qty(2));
  assert.deepEqual(
    trades(ev).map((t) => [t.price, t.qty]),
    [
      [500_000, 500],
      [520_000, 500],
    ],
  );
  const o = lastOrder(ev, 4)!;
  assert.equal(o.status, OrderStatus.EXPIRED);
  assert.equal(o.executedQty, 1000);
  assert.equal(o.cumQuoteUnits, 500_000 * 500 + 520_000 * 500);
  assert.equal(o.price, 0);
  assert.equal(h.seq.openOrder(4), undefined); // nothing stays reserved
  assert.equal(h.difference(), 0);

  const fresh = new Harness();
  fresh.user(1, usdt(1_000));
  const r = fresh.market(1, Side.BUY, qty(0.01)); // no index, no trade: no mark
  assert.equal(lastOrder(r, 1)?.status, OrderStatus.REJECTED);
  assert.equal(lastOrder(r, 1)?.rejectReason, RejectReason.PRICE_OUT_OF_BAND);
});

test("amend: a quantity decrease keeps priority, a price change re-enters and may trade, ≤ executed cancels", () => {
  const h = new Harness();
  for (const u of [1, 2, 3, 4]) h.user(u, usdt(100_000));
  h.sell(1, px(50_000), qty(1)); // 1
  h.sell(3, px(50_000), qty(1)); // 2
  const a = h.amend(1, 1, px(50_000), qty(0.6));
  assert.equal(lastOrder(a, 1)?.origQty, 600);
  assert.equal(lastOrder(a, 1)?.status, OrderStatus.NEW);
  const b = h.buy(2, px(50_000), qty(0.5)); // 3: still hits order 1 first
  assert.deepEqual(
    trades(b).map((t) => t.sellOrderId),
    [1],
  );
  h.buy(4, px(49_500), qty(1)); // 4: bid at 49 500
  const c = h.amend(1, 1, px(49_000), qty(0.6)); // re-enters below the bid: takes 0.1 at 49 500
  assert.deepEqual(
    trades(c).map((t) => [t.price, t.qty, t.sellOrderId, t.buyOrderId]),
    [[495_000, 100, 1, 4]],
  );
  assert.equal(lastOrder(c, 1)?.status, OrderStatus.FILLED);
  const d = h.amend(3, 2, px(50_000), qty(0.5)); // order 2 untouched so far: a decrease
  assert.equal(lastOrder(d, 2)?.origQty, 500);
  h.buy(2, px(50_000), qty(0.2)); // fills 0.2 of order 2
  const e = h.amend(3, 2, px(50_000), qty(0.2)); // new qty ≤ executed: the rest is cancelled
  assert.equal(lastOrder(e, 2)?.status, OrderStatus.CANCELED);
  assert.equal(lastOrder(e, 2)?.executedQty, 200);
  const f = h.amend(3, 2, px(50_000), qty(0.5));
  assert.equal(rejects(f)[0]?.reason, RejectReason.UNKNOWN_ORDER);
  assert.equal(h.difference(), 0);
});

test("cancel: own open order only; book events chain their update ids", () => {
  const h = new Harness();
  h.user(1, usdt(10_000));
  h.user(2, usdt(10_000));
  const a = h.buy(1, px(49_000), qty(1));
  const b = h.buy(1, px(49_100), qty(1));
  assert.equal(rejects(h.cancel(2, 1))[0]?.reason, RejectReason.UNKNOWN_ORDER); // not user 2's
  assert.equal(rejects(h.cancel(1, 99))[0]?.reason, RejectReason.UNKNOWN_ORDER);
  const c = h.cancel(1, 1);
  assert.equal(lastOrder(c, 1)?.status, OrderStatus.CANCELED);
  assert.equal(rejects(h.cancel(1, 1))[0]?.reason, RejectReason.UNKNOWN_ORDER); // not open any more
  const d = h.cancelAll(1);
  assert.equal(lastOrder(d, 2)?.status, OrderStatus.CANCELED);
  const books = [a, b, c, d].map((ev) => ofType(ev, Ev.BOOK)[0]!);
  assert.deepEqual(
    books.map((x) => [x.prevUpdateId, x.firstUpdateId, x.lastUpdateId]),
    [
      [0, 1, 1],
      [1, 2, 2],
      [2, 3, 3],
      [3, 4, 4],
    ],
  );
  assert.deepEqual(books[2]?.bids, [[490_000, 0]]);
  assert.equal(h.available(1), 10_000 * U); // nothing reserved any more
});

test("self-trade prevention expires the taker; STP NONE lets a user trade with itself, conserved", () => {
  const h = new Harness();
  h.user(1, usdt(10_000));
  h.sell(1, px(50_000), qty(1));
  const ev = h.buy(1, px(50_000), qty(1), { stp: StpMode.EXPIRE_TAKER });
  assert.equal(trades(ev).length, 0);
  assert.equal(lastOrder(ev, 2)?.status, OrderStatus.EXPIRED_IN_MATCH);
  const self = h.buy(1, px(50_000), qty(1), { stp: StpMode.NONE, tif: TimeInForce.IOC });
  assert.equal(trades(self).length, 1);
  assert.deepEqual(h.pos(1), { qty: 0, entryValue: 0, isolatedWallet: 0 });
  assert.equal(h.wallet(1), 10_000 * U - takerFee(50_000 * U) - makerFee(50_000 * U));
  assert.equal(h.difference(), 0);
  assert.equal(orders(self).length, 2);
});

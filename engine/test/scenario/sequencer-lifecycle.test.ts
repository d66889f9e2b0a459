// Sequencer scenarios around the edges: isolated flips and bankrupt closes, post-only re-pricing,
// instruments created by commands, snapshot/restore. BTCUSDT units as in trading.test.ts.
import assert from "node:assert/strict";
import { test } from "node:test";
import { Op } from "@perpx/shared/commands";
import { MarginType, OrderStatus, TimeInForce, TradeType } from "@perpx/shared/domain";
import { RejectReason } from "@perpx/shared/errors";
import type { EngineEvent } from "@perpx/shared/events";
import { Ev } from "@perpx/shared/events";
import { DEFAULT_INSTRUMENTS } from "@perpx/shared/instruments";
import type { EngineCore } from "../../src/runtime/engine-runner.js";
import { Sequencer } from "../../src/sequencer/sequencer.js";
import {
  Harness,
  lastOrder,
  newPort,
  ofType,
  px,
  qty,
  rejects,
  trades,
  usdt,
} from "../support/seq-harness.js";

const U = 1_000_000;
const takerFee = (notional: number) => Math.ceil((notional * 5) / 10_000);

test("isolated flip: the fee is split between the closing and the opening wallet", () => {
  const h = new Harness();
  h.user(1, usdt(20_000));
  h.user(2, usdt(100_000));
  h.user(3, usdt(100_000));
  h.oracle(px(50_000));
  h.marginType(1, MarginType.ISOLATED);
  h.leverage(1, 10);
  h.sell(2, px(50_000), qty(1));
  h.buy(1, px(50_000), qty(1)); // iso 5 000 − 25, cross 15 000
  h.buy(3, px(50_000), qty(3));
  h.sell(1, px(50_000), qty(3)); // closes 1, opens a short of 2
  const fee = takerFee(150_000 * U); // 75 USDT on the whole fill
  const closeFee = Math.trunc(fee / 3); // 25 from the closing wallet
  const closed = 5_000 * U - 25 * U - closeFee; // returned to cross
  const im = (100_000 * U) / 10; // new isolated wallet funded from cross, less the rest of the fee
  assert.equal(h.wallet(1), 15_000 * U + closed - im);
  assert.deepEqual(h.pos(1), {
    qty: -2000,
    entryValue: 500_000 * 2000,
    isolatedWallet: im - (fee - closeFee),
  });
  assert.equal(h.wallet(1) + h.pos(1).isolatedWallet, 20_000 * U - 25 * U - fee);
  assert.equal(h.difference(), 0);
});

test("an isolated short filled above mark is funded at mark: the improvement is its profit, not cross debt", () => {
  const h = new Harness();
  h.user(1, usdt(5_000));
  h.user(2, usdt(100_000));
  h.oracle(px(50_000));
  h.marginType(1, MarginType.ISOLATED);
  h.leverage(1, 10);
  h.buy(2, px(52_000), qty(1)); // a bid above mark, inside the band
  // sell 1 at 50 000 (= mark, no open loss): cost 5 000, exactly the cross wallet
  const ev = h.sell(1, px(50_000), qty(1));
  assert.equal(trades(ev)[0]?.price, 520_000);
  assert.equal(h.wallet(1), 0); // funded at max(limit, mark) = 50 000 → 5 000, not 5 200
  assert.equal(h.pos(1).isolatedWallet, 5_000 * U - takerFee(52_000 * U));
  assert.equal(h.seq.risk(1)?.available, 0);
  assert.equal(h.difference(), 0);
});

test("an isolated position past bankruptcy at the new mark is liquidated (ADL at BP), cross untouched", () => {
  const h = new Harness();
  h.user(1, usdt(10_000));
  h.user(2, usdt(100_000));
  h.user(3, usdt(100_000));
  h.oracle(px(50_000));
  h.marginType(1, MarginType.ISOLATED);
  h.leverage(1, 10);
  h.sell(2, px(50_000), qty(1));
  h.buy(1, px(50_000), qty(1)); // iso 4 975, cross 5 000
  // mark 45 000: equity 4 975 − 5 000 = −25 ≤ MM 180 → liquidated at once. BP = 50 000 − 4 975 =
  // 45 025; the book is empty and the insurance fund holds nothing, so user 2's short is deleveraged there
  const ev = h.oracle(px(45_000));
  assert.deepEqual(
    trades(ev).map((t) => [
      t.type,
      t.price,
      t.qty,
      t.buyUserId,
      t.sellUserId,
      t.buyRealizedPnl,
      t.sellRealizedPnl,
    ]),
    [[TradeType.ADL, px(45_025), qty(1), 2, 1, 4_975 * U, -4_975 * U]],
  );
  assert.deepEqual(ofType(ev, Ev.INSURANCE), []); // d = 45 025 − 45 025 = 0
  assert.equal(h.wallet(1), 5_000 * U); // cross untouched, the isolated wallet went to exactly 0
  assert.deepEqual(h.pos(1), { qty: 0, entryValue: 0, isolatedWallet: 0 });
  assert.equal(h.seq.solvency().insuranceFund, 0);
  assert.equal(h.difference(), 0);
});

test("re-pricing a post-only order: expired if it would take, otherwise it rests at the new price", () => {
  const h = new Harness();
  h.user(1, usdt(100_000));
  h.user(2, usdt(100_000));
  h.sell(1, px(50_000), qty(1)); // 1
  h.buy(2, px(49_900), qty(1), { tif: TimeInForce.GTX }); // 2
  const ok = h.amend(2, 2, px(49_950), qty(1));
  assert.equal(lastOrder(ok, 2)?.status, OrderStatus.NEW);
  assert.equal(lastOrder(ok, 2)?.price, 499_500);
  const book = ofType(ok, Ev.BOOK)[0]!;
  assert.deepEqual(book.bids, [
    [499_500, 1000],
    [499_000, 0],
  ]);
  assert.equal(book.lastUpdateId - book.firstUpdateId, 1); // the cancel and the place, one event
  const taking = h.amend(2, 2, px(50_000), qty(1));
  assert.equal(trades(taking).length, 0);
  assert.equal(lastOrder(taking, 2)?.status, OrderStatus.EXPIRED);
  assert.equal(lastOrder(taking, 2)?.rejectReason, RejectReason.POST_ONLY_REJECTED);
  assert.equal(h.seq.openOrder(2), undefined);
  assert.equal(h.available(2), 100_000 * U);
});

test("instruments come from commands; units of a listed instrument cannot change", () => {
  const h = new Harness([]);
  h.user(1, usdt(10_000));
  const btc = DEFAULT_INSTRUMENTS[0]!;
  assert.equal(lastOrder(h.buy(1, px(50_000), qty(1)), 1)?.rejectReason, RejectReason.UNKNOWN_SYMBOL);
  const ev = h.run({ op: Op.UPSERT_INSTRUMENT, ts: 1, instrument: btc });
  assert.deepEqual(ofType(ev, Ev.INSTRUMENT)[0]?.instrument, btc);
  assert.equal(lastOrder(h.buy(1, px(50_000), qty(0.1)), 2)?.status, OrderStatus.NEW);
  const bad = h.run({ op: Op.UPSERT_INSTRUMENT, ts: 2, instrument: { ...btc, tickUnits: 10 } });
  assert.equal(rejects(bad)[0]?.reason, RejectReason.INVALID_PARAMETER);
  const fee = h.run({ op: Op.UPSERT_INSTRUMENT, ts: 3, instrument: { ...btc, takerFeeRate: 40_000 } });
  assert.equal(ofType(fee, Ev.INSTRUMENT)[0]?.instrument.takerFeeRate, 40_000);
  assert.equal(h.seq.symbol(1)?.inst.takerFeeRate, 40_000);
  const mark = h.oracle(px(50_000));
  assert.deepEqual(
    ofType(mark, Ev.MARK).map((m) => [m.markPrice, m.indexPrice]),
    [[500_000, 500_000]],
  );
});

test("snapshot → restore gives the same hash and bytes, and the same events afterwards", () => {
  const h = new Harness();
  for (const u of [1, 2, 3]) h.user(u, usdt(50_000));
  h.oracle(px(50_000));
  h.marginType(3, MarginType.ISOLATED);
  h.sell(1, px(50_000), qty(1));
  h.sell(1, px(50_100), qty(1));
  h.buy(2, px(50_000), qty(0.5));
  h.buy(3, px(50_000), qty(0.2));
  h.sell(2, px(50_500), qty(0.3), { reduceOnly: true });
  h.buy(2, px(49_000), qty(1));
  const bytes = h.seq.snapshot();
  const restored = Sequencer.restore(bytes, newPort());
  assert.equal(restored.stateHash(), h.seq.stateHash());
  assert.deepEqual(restored.snapshot(), bytes);
  assert.equal(restored.lastSeq, h.seq.lastSeq);
  const next = h.placeCmd(3, 0, px(50_200), qty(2));
  const a: EngineEvent[] = [];
  const b: EngineEvent[] = [];
  h.seq.apply({ seq: h.seq.lastSeq + 1, cmd: next }, a);
  restored.apply({ seq: restored.lastSeq + 1, cmd: next }, b);
  assert.deepEqual(b, a);
  assert.ok(trades(a).length === 2);
  assert.equal(restored.stateHash(), h.seq.stateHash());
  assert.throws(() => Sequencer.restore(bytes.subarray(0, bytes.length - 1), newPort()));
  const core: EngineCore = restored; // what the engine runner drives
  assert.equal(core.lastSeq, h.seq.lastSeq);
});

// Conditional orders (SPEC §4): each type firing on the mark (MARK_PRICE) vs the last trade
// (CONTRACT_PRICE), trailing stops with and without activation, close-position, immediate-trigger
// rejects, cancel, and the dead-man switch. BTCUSDT units: px(x) = x × 10, qty(x) = x × 1000.
// The book: user 2 bids 48 500 and asks 51 400 (deep), so users 3/4 can trade at any price in between
// to set the last price, and a fired market order finds liquidity inside the 5 % bound from mark.
import assert from "node:assert/strict";
import { test } from "node:test";
import {
  MarginType,
  ORDER_TYPE_NAMES,
  OrderStatus,
  OrderType,
  Side,
  WorkingType,
} from "@perpx/shared/domain";
import { RejectReason } from "@perpx/shared/errors";
import { Ev } from "@perpx/shared/events";
import { Sequencer } from "../../src/sequencer/sequencer.js";
import { Harness, newPort, ofType, px, qty, usdt } from "../support/seq-harness.js";

const { STOP, STOP_MARKET, TAKE_PROFIT, TAKE_PROFIT_MARKET, TRAILING_STOP_MARKET } = OrderType;
const MARK = WorkingType.MARK_PRICE;
const LAST = WorkingType.CONTRACT_PRICE;

function market(): Harness {
  const h = new Harness();
  h.user(1, usdt(100_000));
  h.user(2, usdt(10_000_000));
  for (const u of [3, 4]) h.user(u, usdt(1_000_000));
  h.oracle(px(50_000));
  h.buy(2, px(48_500), qty(10));
  h.sell(2, px(51_400), qty(10));
  h.tradeAt(3, 4, px(50_000), qty(0.001)); // last price 50 000
  return h;
}

type Step = ["mark" | "last", number, boolean];

function move(h: Harness, kind: "mark" | "last", price: number) {
  return kind === "mark" ? h.oracle(px(price)) : h.tradeAt(3, 4, px(price), qty(0.001));
}

/** Runs the steps; each says whether the order must be reported TRIGGERED by that move. */
function runSteps(h: Harness, orderId: number, steps: Step[], label: string) {
  let fired: ReturnType<Harness["run"]> = [];
  for (const [kind, price, fires] of steps) {
    const ev = move(h, kind, price);
    const mine = ofType(ev, Ev.ORDER).filter((o) => o.orderId === orderId);
    const triggered = mine.some((o) => o.status === OrderStatus.TRIGGERED);
    assert.equal(triggered, fires, `${label}: ${kind} ${price} ${fires ? "fires" : "does not fire"}`);
    if (fires) fired = ev;
  }
  return ofType(fired, Ev.ORDER).filter((o) => o.orderId === orderId);
}

test("each trigger type fires on its own price source only, in the SPEC §4 direction", () => {
  // STOP / STOP_MARKET: BUY fires at price ≥ stop, SELL at ≤; TAKE_PROFIT(_MARKET): BUY at ≤, SELL at ≥.
  // A mark move never fires a CONTRACT_PRICE order and a trade never fires a MARK_PRICE one.
  const rows: {
    type: OrderType;
    side: Side;
    wt: WorkingType;
    stop: number;
    price?: number;
    steps: Step[];
    end: OrderStatus;
  }[] = [
    {
      type: STOP_MARKET,
      side: Side.SELL,
      wt: MARK,
      stop: 49_000,
      steps: [
        ["last", 49_000, false],
        ["mark", 49_500, false],
        ["mark", 49_000, true],
      ],
      end: OrderStatus.FILLED,
    },
    {
      type: STOP_MARKET,
      side: Side.SELL,
      wt: LAST,
      stop: 49_000,
      steps: [
        ["mark", 49_000, false],
        ["last", 49_100, false],
        ["last", 49_000, true],
      ],
      end: OrderStatus.FILLED,
    },
    {
      type: STOP_MARKET,
      side: Side.BUY,
      wt: MARK,
      stop: 51_000,
      steps: [
        ["last", 51_000, false],
        ["mark", 50_900, false],
        ["mark", 51_000, true],
      ],
      end: OrderStatus.FILLED,
    },
    {
      type: STOP_MARKET,
      side: Side.BUY,
      wt: LAST,
      stop: 51_000,
      steps: [
        ["mark", 51_000, false],
        ["last", 51_000, true],
      ],
      end: OrderStatus.FILLED,
    },
    {
      type: TAKE_PROFIT_MARKET,
      side: Side.SELL,
      wt: MARK,
      stop: 51_000,
      steps: [
        ["last", 51_300, false],
        ["mark", 51_000, true],
      ],
      end: OrderStatus.FILLED,
    },
    {
      type: TAKE_PROFIT_MARKET,
      side: Side.BUY,
      wt: LAST,
      stop: 49_000,
      steps: [
        ["mark", 49_000, false],
        ["last", 49_500, false],
        ["last", 49_000, true],
      ],
      end: OrderStatus.FILLED,
    },
    {
      type: TAKE_PROFIT_MARKET,
      side: Side.BUY,
      wt: MARK,
      stop: 49_000,
      steps: [["mark", 49_000, true]],
      end: OrderStatus.FILLED,
    },
    {
      type: TAKE_PROFIT_MARKET,
      side: Side.SELL,
      wt: LAST,
      stop: 51_000,
      steps: [["last", 51_000, true]],
      end: OrderStatus.FILLED,
    },
    // limit variants become LIMIT orders at their price: resting (NEW) between the movers and user 2
    {
      type: STOP,
      side: Side.BUY,
      wt: LAST,
      stop: 51_000,
      price: 51_100,
      steps: [
        ["mark", 51_000, false],
        ["last", 51_000, true],
      ],
      end: OrderStatus.NEW,
    },
    {
      type: STOP,
      side: Side.SELL,
      wt: MARK,
      stop: 49_000,
      price: 48_900,
      steps: [
        ["last", 49_000, false],
        ["mark", 49_000, true],
      ],
      end: OrderStatus.NEW,
    },
    {
      type: TAKE_PROFIT,
      side: Side.SELL,
      wt: MARK,
      stop: 51_000,
      price: 50_900,
      steps: [
        ["last", 51_000, false],
        ["mark", 51_000, true],
      ],
      end: OrderStatus.NEW,
    },
    {
      type: TAKE_PROFIT,
      side: Side.BUY,
      wt: LAST,
      stop: 49_000,
      price: 49_100,
      steps: [
        ["mark", 49_000, false],
        ["last", 49_000, true],
      ],
      end: OrderStatus.NEW,
    },
  ];
  for (const r of rows) {
    const h = market();
    const label = `${ORDER_TYPE_NAMES[r.type]} ${r.side === Side.BUY ? "BUY" : "SELL"} ${r.wt === MARK ? "MARK" : "LAST"}`;
    const placed = h.trigger(1, r.side, r.type, qty(0.1), {
      orderId: 900,
      stopPrice: px(r.stop),
      workingType: r.wt,
      ...(r.price !== undefined ? { price: px(r.price) } : {}),
    });
    assert.deepEqual(
      ofType(placed, Ev.ORDER).map((o) => [o.status, o.type, o.stopPrice]),
      [[OrderStatus.UNTRIGGERED, r.type, px(r.stop)]],
      label,
    );
    assert.ok(h.seq.triggerOrder(900), label);
    const after = runSteps(h, 900, r.steps, label);
    // reported TRIGGERED, then the resulting order under the same id and type
    assert.deepEqual(
      after.map((o) => [o.status, o.type]),
      [
        [OrderStatus.TRIGGERED, r.type],
        [r.end, r.type],
      ],
      label,
    );
    assert.equal(h.seq.triggerOrder(900), undefined);
    assert.equal(h.difference(), 0);
  }
});

test("an order that would fire at once is rejected WOULD_TRIGGER_IMMEDIATELY", () => {
  const h = market(); // mark 50 000, last 50 000
  const cases: [OrderType, Side, WorkingType, number, number][] = [
    // type, side, source, stop, activation (trailing)
    [STOP_MARKET, Side.SELL, MARK, 50_000, 0], // ≤ at 50 000
    [STOP_MARKET, Side.BUY, LAST, 49_900, 0], // ≥
    [TAKE_PROFIT_MARKET, Side.BUY, MARK, 50_500, 0], // ≤
    [TAKE_PROFIT, Side.SELL, LAST, 49_000, 0], // ≥
    [TRAILING_STOP_MARKET, Side.SELL, MARK, 0, 49_900], // activation already reached (price ≥ it)
    [TRAILING_STOP_MARKET, Side.BUY, LAST, 0, 50_000], // price ≤ activation
  ];
  let id = 500;
  for (const [type, side, wt, stop, act] of cases) {
    const ev = h.trigger(1, side, type, qty(0.1), {
      orderId: ++id,
      stopPrice: px(stop),
      workingType: wt,
      price: type === TAKE_PROFIT ? px(49_000) : 0,
      callbackRate: type === TRAILING_STOP_MARKET ? 1_000_000 : 0,
      activationPrice: px(act),
    });
    assert.deepEqual(
      ofType(ev, Ev.ORDER).map((o) => [o.status, o.rejectReason]),
      [[OrderStatus.REJECTED, RejectReason.WOULD_TRIGGER_IMMEDIATELY]],
      `case ${id}`,
    );
  }
});

test("trailing stop SELL on the mark with activation: tracks the high after activation", () => {
  // callback 1 %: fires when mark ≤ highest × 0.99 (⌊highest × (1e8 − 1e6) / 1e8⌋ in price units)
  const h = market();
  h.trigger(1, Side.SELL, TRAILING_STOP_MARKET, qty(0.1), {
    orderId: 900,
    workingType: MARK,
    callbackRate: 1_000_000,
    activationPrice: px(51_000),
  });
  runSteps(
    h,
    900,
    [
      ["mark", 49_000, false], // not active: a fall does nothing
      ["mark", 50_500, false], // not active yet
      ["mark", 51_000, false], // activates, highest 51 000 (threshold 50 490)
      ["mark", 52_000, false], // highest 52 000 → threshold 51 480
      ["last", 51_300, false], // a trade is not its source
      ["mark", 51_500, false], // 51 500 > 51 480
    ],
    "trailing sell",
  );
  assert.equal(h.seq.triggerOrder(900)?.active, true);
  const fired = runSteps(h, 900, [["mark", 51_480, true]], "trailing sell");
  assert.equal(fired[0]?.status, OrderStatus.TRIGGERED);
  assert.equal(fired[1]?.type, TRAILING_STOP_MARKET);
  assert.equal(h.difference(), 0);
});

test("trailing stop BUY on the last price without activation: active at once from the last trade", () => {
  // callback 2 %: fires when last ≥ ⌈lowest × 1.02⌉; lowest starts at the last price 50 000
  const h = market();
  h.trigger(1, Side.BUY, TRAILING_STOP_MARKET, qty(0.1), {
    orderId: 900,
    workingType: LAST,
    callbackRate: 2_000_000,
  });
  assert.deepEqual([h.seq.triggerOrder(900)?.active, h.seq.triggerOrder(900)?.extreme], [true, px(50_000)]);
  runSteps(
    h,
    900,
    [
      ["last", 50_900, false], // < 51 000
      ["last", 49_000, false], // lowest 49 000 → threshold 49 980
      ["mark", 50_000, false], // the mark is not its source
      ["last", 49_900, false],
    ],
    "trailing buy",
  );
  // continue on an engine restored from a snapshot taken here: the lowest (49 000) survives it
  const hash = h.seq.stateHash();
  h.seq = Sequencer.restore(h.seq.snapshot(), newPort());
  assert.equal(h.seq.stateHash(), hash);
  assert.equal(h.seq.triggerOrder(900)?.extreme, px(49_000));
  runSteps(h, 900, [["last", 49_980, true]], "trailing buy");
});

test("close-position: closes the whole position when it fires; with no position it is refused", () => {
  const h = market();
  h.buy(1, px(51_400), qty(0.5)); // long 0.5 from user 2's asks
  assert.equal(h.pos(1).qty, qty(0.5));
  h.trigger(1, Side.SELL, STOP_MARKET, 0, {
    orderId: 900,
    stopPrice: px(49_000),
    workingType: MARK,
    closePosition: true,
  });
  h.trigger(1, Side.SELL, TAKE_PROFIT_MARKET, 0, {
    orderId: 901,
    stopPrice: px(51_000),
    workingType: MARK,
    closePosition: true,
  });
  const ev = h.oracle(px(49_000));
  assert.deepEqual(
    ofType(ev, Ev.ORDER)
      .filter((o) => o.orderId === 900)
      .map((o) => [o.status, o.origQty, o.executedQty, o.reduceOnly, o.closePosition]),
    [
      [OrderStatus.TRIGGERED, 0, 0, true, true],
      [OrderStatus.FILLED, qty(0.5), qty(0.5), true, true],
    ],
  );
  assert.equal(h.pos(1).qty, 0);
  // the take-profit now has nothing to close
  const tp = h.oracle(px(51_000));
  assert.deepEqual(
    ofType(tp, Ev.ORDER)
      .filter((o) => o.orderId === 901)
      .map((o) => [o.status, o.rejectReason]),
    [
      [OrderStatus.TRIGGERED, 0],
      [OrderStatus.REJECTED, RejectReason.REDUCE_ONLY_REJECTED],
    ],
  );
  assert.equal(h.difference(), 0);
});

test("untriggered orders: cancel one, cancel-all takes them too, they count toward open orders", () => {
  const h = market();
  h.trigger(1, Side.SELL, STOP_MARKET, qty(0.1), { orderId: 900, stopPrice: px(49_000), workingType: MARK });
  h.trigger(1, Side.BUY, STOP_MARKET, qty(0.1), { orderId: 901, stopPrice: px(51_000), workingType: LAST });
  h.buy(1, px(49_000), qty(0.1), { orderId: 902 });
  assert.deepEqual(
    ofType(h.cancel(1, 900), Ev.ORDER).map((o) => [o.orderId, o.status]),
    [[900, OrderStatus.CANCELED]],
  );
  assert.deepEqual(ofType(h.oracle(px(49_000)), Ev.ORDER), []); // cancelled: nothing fires
  assert.deepEqual(
    ofType(h.cancelAll(1), Ev.ORDER).map((o) => [o.orderId, o.status]),
    [
      [902, OrderStatus.CANCELED],
      [901, OrderStatus.CANCELED],
    ],
  );
  assert.equal(h.seq.triggerOrder(901), undefined);
  // an untriggered order blocks a margin-type change like an open order (and is refused when it would
  // pass maxOpenOrders): here one is left, then none
  h.trigger(1, Side.SELL, STOP_MARKET, qty(0.1), { orderId: 903, stopPrice: px(48_000), workingType: MARK });
  assert.deepEqual(
    ofType(h.marginType(1, MarginType.ISOLATED), Ev.REJECT).map((e) => e.reason),
    [RejectReason.POSITION_OR_ORDERS_OPEN],
  );
  h.cancel(1, 903);
  assert.deepEqual(ofType(h.marginType(1, MarginType.ISOLATED), Ev.REJECT), []);
});

test("dead-man switch: the first command at or after the deadline cancels the user's orders once", () => {
  const h = market();
  h.buy(1, px(49_000), qty(0.1), { orderId: 910 });
  h.trigger(1, Side.SELL, STOP_MARKET, qty(0.1), { orderId: 911, stopPrice: px(49_000), workingType: MARK });
  // each harness command is 1 s after the previous one
  const deadline = h.ts + 3_000;
  assert.deepEqual(h.countdown(1, deadline), []); // ts + 1 s: armed
  assert.deepEqual(ofType(h.oracle(px(50_001)), Ev.ORDER), []); // ts + 2 s
  const ev = h.oracle(px(50_002)); // ts + 3 s = deadline: fires before the command
  assert.deepEqual(
    ofType(ev, Ev.ORDER).map((o) => [o.orderId, o.status]),
    [
      [910, OrderStatus.CANCELED],
      [911, OrderStatus.CANCELED],
    ],
  );
  assert.equal(ev[0]?.ev, Ev.ORDER, "the cancels come before the command's own events");
  // armed, then disarmed before the deadline: nothing fires
  h.buy(1, px(49_000), qty(0.1), { orderId: 912 });
  h.countdown(1, h.ts + 3_000);
  h.countdown(1, 0);
  for (let i = 0; i < 3; i++) assert.deepEqual(ofType(h.oracle(px(50_000 + i)), Ev.ORDER), []);
  assert.ok(h.seq.openOrder(912));
  // re-arming (before the deadline) replaces it
  h.countdown(1, h.ts + 3_000);
  h.countdown(1, h.ts + 5_000);
  for (let i = 0; i < 3; i++) assert.deepEqual(ofType(h.oracle(px(50_010 + i)), Ev.ORDER), []);
  assert.deepEqual(
    ofType(h.oracle(px(50_020)), Ev.ORDER).map((o) => [o.orderId, o.status]),
    [[912, OrderStatus.CANCELED]],
  );
});

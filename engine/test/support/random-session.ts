// Seeded randomized sequencer command stream (shared by the randomized sequencer test, the worker
// determinism test and the crash test): 50 users, cross and isolated, leverage 1–20, deposits,
// withdrawals, leverage and margin-type changes, isolated margin moves, LIMIT GTC / IOC / FOK / GTX and
// MARKET orders, reduce-only, STP modes, amends, cancels, cancel-alls, conditional orders of every type
// (mark and last price, close-position, trailing with and without activation), oracle moves in a band
// with jumps of 3–15 % that liquidate and deleverage, mark samples, funding payments and dead-man
// switches.
//
// The generator looks at a driving engine's state to pick plausible commands (an order the user can just
// afford, a cancel of an order that is open, a withdrawal near the withdrawable amount), so `run` must
// apply each command to that engine before it returns. Owner: the test that calls it.
import type { Command, PlaceOrder } from "@perpx/shared/commands";
import { Op } from "@perpx/shared/commands";
import type { Instrument } from "@perpx/shared/domain";
import {
  MarginType,
  notionalFactor,
  OrderType,
  Side,
  StpMode,
  TimeInForce,
  WorkingType,
} from "@perpx/shared/domain";
import { DEFAULT_INSTRUMENTS, makeInstrument } from "@perpx/shared/instruments";
import type { Sequencer } from "../../src/sequencer/sequencer.js";
import { Prng } from "../../src/util/prng.js";

/** mulberry32 (engine/src/util/prng.ts) plus `pick`. */
export class Rng extends Prng {
  pick<T>(xs: readonly T[]): T {
    return xs[this.int(xs.length)]!;
  }
}

const SOL: Instrument = {
  ...makeInstrument({
    symbolId: 3,
    symbol: "SOLUSDT",
    baseAsset: "SOL",
    tickSize: "0.01",
    stepSize: "0.1",
    minQty: "0.1",
    maxQty: "100000",
    maxMarketQty: "10000",
    minNotional: "5",
  }),
  makerFeeRate: -5_000, // −0.005 %: rebates
};
/** three symbols: with 2 or 4 matcher workers (symbolId % workers) they land on different shards */
export const INSTRUMENTS: readonly Instrument[] = [DEFAULT_INSTRUMENTS[0]!, DEFAULT_INSTRUMENTS[1]!, SOL];
/** starting index per symbol, price units */
export const CENTER: ReadonlyMap<number, number> = new Map([
  [1, 500_000], // 50 000.0
  [2, 300_000], // 3 000.00
  [3, 10_000], // 100.00
]);
/** max order size per symbol in qty units (≈ 5 000 USDT) */
const MAX_QTY = new Map([
  [1, 100],
  [2, 1_700],
  [3, 500],
]);
export const USERS = 50;
const U = 1_000_000;

/**
 * Generates commands until `engine.lastSeq` reaches `total`: the set-up (instruments, oracle prices,
 * users with deposits, leverage and margin types), then the random mix. `run` applies each command to
 * `engine` (and to whatever else the caller keeps in step) before returning.
 */
export function randomSession(
  rng: Rng,
  total: number,
  engine: Sequencer,
  run: (cmd: Command) => unknown,
  startTs = 1_700_000_000_000,
): void {
  const a = engine;
  let ts = startTs;
  let nextOrderId = 1;
  let nextTx = 1;
  const t = () => {
    ts += rng.range(1, 2000);
    return ts;
  };

  for (const inst of INSTRUMENTS) run({ op: Op.UPSERT_INSTRUMENT, ts: t(), instrument: inst });
  for (const [symbolId, price] of CENTER) run({ op: Op.ORACLE_PRICE, ts: t(), symbolId, price });
  for (let u = 1; u <= USERS; u++) {
    run({ op: Op.CREATE_USER, ts: t(), userId: u });
    // users 1–10 run tight (their orders often hit the margin limit), the others are comfortable
    const amount = (u <= 10 ? rng.range(300, 1_500) : rng.range(5_000, 50_000)) * U;
    run({ op: Op.DEPOSIT, ts: t(), userId: u, amount, txId: `tx${nextTx++}` });
    for (const inst of INSTRUMENTS) {
      const symbolId = inst.symbolId;
      run({ op: Op.SET_LEVERAGE, ts: t(), userId: u, symbolId, leverage: rng.range(1, 20) });
      if (rng.chance(0.4)) {
        run({ op: Op.SET_MARGIN_TYPE, ts: t(), userId: u, symbolId, marginType: MarginType.ISOLATED });
      }
    }
  }

  const place = (userId: number, symbolId: number, o: Partial<PlaceOrder>): void => {
    const side = rng.chance(0.5) ? Side.BUY : Side.SELL;
    run({
      op: Op.PLACE_ORDER,
      ts: t(),
      orderId: nextOrderId++,
      userId,
      symbolId,
      clientOrderId: rng.chance(0.01) ? `dup-${userId}` : `o${nextOrderId}`,
      side,
      type: OrderType.LIMIT,
      tif: TimeInForce.GTC,
      price: 0,
      qty: 0,
      stopPrice: 0,
      reduceOnly: rng.chance(0.1),
      closePosition: false,
      workingType: WorkingType.CONTRACT_PRICE,
      callbackRate: 0,
      activationPrice: 0,
      stp: rng.pick([StpMode.NONE, StpMode.EXPIRE_TAKER, StpMode.EXPIRE_MAKER, StpMode.EXPIRE_BOTH]),
      ...o,
    });
  };

  /** A conditional order of a random type, source and side, its stop around the source price. */
  const placeTrigger = (userId: number, inst: Instrument, mark: number): void => {
    const symbolId = inst.symbolId;
    const tick = inst.tickUnits;
    const type = rng.pick([
      OrderType.STOP,
      OrderType.STOP_MARKET,
      OrderType.TAKE_PROFIT,
      OrderType.TAKE_PROFIT_MARKET,
      OrderType.TRAILING_STOP_MARKET,
    ] as const);
    const workingType = rng.chance(0.5) ? WorkingType.MARK_PRICE : WorkingType.CONTRACT_PRICE;
    const last = a.symbol(symbolId)!.lastPrice;
    const src = workingType === WorkingType.MARK_PRICE || last === 0 ? mark : last;
    const around = (pct: number) =>
      Math.max(tick, Math.round((src * (1 + (rng.next() * 2 - 1) * pct)) / tick) * tick);
    const market = type !== OrderType.STOP && type !== OrderType.TAKE_PROFIT;
    const closePosition =
      (type === OrderType.STOP_MARKET || type === OrderType.TAKE_PROFIT_MARKET) && rng.chance(0.2);
    const trailing = type === OrderType.TRAILING_STOP_MARKET;
    const qty = closePosition ? 0 : rng.range(1, MAX_QTY.get(symbolId)! / inst.stepUnits) * inst.stepUnits;
    place(userId, symbolId, {
      type,
      workingType,
      tif: market ? TimeInForce.IOC : rng.pick([TimeInForce.GTC, TimeInForce.IOC]),
      price: market ? 0 : around(0.02),
      stopPrice: trailing ? 0 : around(0.03),
      qty,
      closePosition,
      reduceOnly: closePosition ? false : rng.chance(0.2),
      callbackRate: trailing ? rng.range(100_000, 5_000_000) : 0,
      activationPrice: trailing && rng.chance(0.5) ? around(0.02) : 0,
    });
  };

  while (a.lastSeq < total) {
    const userId = rng.range(1, USERS);
    const inst = rng.pick(INSTRUMENTS);
    const symbolId = inst.symbolId;
    const tick = inst.tickUnits;
    const step = inst.stepUnits;
    const mark = a.symbol(symbolId)!.markPrice;
    const limitPrice = (spreadPct: number) => {
      const p = Math.round((mark * (1 + (rng.next() * 2 - 1) * spreadPct)) / tick) * tick;
      return Math.max(tick, p);
    };
    const q = () => rng.range(1, MAX_QTY.get(symbolId)! / step) * step;
    const r = rng.next();
    if (r < 0.05) {
      const center = CENTER.get(symbolId)!;
      let price: number;
      if (rng.chance(0.12)) {
        // a jump of 3–15 % from the center: liquidations, deficits and ADL
        price = Math.round(center * (1 + (rng.chance(0.5) ? 1 : -1) * (0.03 + 0.12 * rng.next())));
      } else {
        const moved = Math.round(mark * (1 + (rng.next() * 2 - 1) * 0.004));
        price = Math.min(Math.max(moved, Math.round(center * 0.97)), Math.round(center * 1.03));
      }
      run({ op: Op.ORACLE_PRICE, ts: t(), symbolId, price });
    } else if (r < 0.07) {
      const txId = rng.chance(0.1) && nextTx > 1 ? `tx${rng.range(1, nextTx - 1)}` : `tx${nextTx++}`;
      const amount = (userId <= 10 ? rng.range(10, 300) : rng.range(100, 5_000)) * U;
      run({ op: Op.DEPOSIT, ts: t(), userId, amount, txId });
    } else if (r < 0.09) {
      const avail = Math.max(0, a.risk(userId)!.withdrawable);
      const amount = rng.chance(0.3)
        ? avail + rng.range(1, 100)
        : Math.max(1, Math.floor(avail * rng.next()));
      run({ op: Op.WITHDRAW, ts: t(), userId, amount, withdrawId: `w${a.lastSeq}` });
    } else if (r < 0.1) {
      run({ op: Op.SET_LEVERAGE, ts: t(), userId, symbolId, leverage: rng.range(1, 20) });
    } else if (r < 0.105) {
      const marginType = rng.chance(0.5) ? MarginType.ISOLATED : MarginType.CROSSED;
      run({ op: Op.SET_MARGIN_TYPE, ts: t(), userId, symbolId, marginType });
    } else if (r < 0.115) {
      const amount = (rng.chance(0.5) ? 1 : -1) * rng.range(1, 500) * U;
      run({ op: Op.ADJUST_ISOLATED_MARGIN, ts: t(), userId, symbolId, amount });
    } else if (r < 0.45) {
      const price = limitPrice(0.015);
      // tight users often order all they can afford, so their available balance sits near zero
      const qty = userId <= 10 && rng.chance(0.5) ? affordable(a, userId, inst, price) : q();
      place(userId, symbolId, { price, qty });
    } else if (r < 0.49) {
      placeTrigger(userId, inst, mark);
    } else if (r < 0.56) {
      place(userId, symbolId, { price: limitPrice(0.01), qty: q(), tif: TimeInForce.IOC });
    } else if (r < 0.6) {
      place(userId, symbolId, { price: limitPrice(0.01), qty: q(), tif: TimeInForce.FOK });
    } else if (r < 0.66) {
      place(userId, symbolId, { price: limitPrice(0.01), qty: q(), tif: TimeInForce.GTX });
    } else if (r < 0.73) {
      place(userId, symbolId, { type: OrderType.MARKET, tif: TimeInForce.IOC, qty: q() });
    } else if (r < 0.88) {
      const ids = [...(a.position(userId, symbolId)?.orderIds ?? [])];
      const orderId = ids.length > 0 && rng.chance(0.95) ? rng.pick(ids) : rng.range(1, nextOrderId);
      run({ op: Op.CANCEL_ORDER, ts: t(), userId, symbolId, orderId });
    } else if (r < 0.97) {
      const ids = [...(a.position(userId, symbolId)?.orderIds ?? [])];
      if (ids.length === 0) continue;
      const o = a.openOrder(rng.pick(ids))!;
      const price = rng.chance(0.5) ? o.price : limitPrice(0.015);
      const qty = rng.chance(0.7) ? Math.max(step, o.origQty - rng.range(0, 5) * step) : o.origQty + q();
      run({ op: Op.AMEND_ORDER, ts: t(), userId, symbolId, orderId: o.orderId, price, qty });
    } else if (r < 0.975) {
      run({ op: Op.CANCEL_ALL, ts: t(), userId, symbolId });
    } else {
      const x = rng.next();
      if (x < 0.5) run({ op: Op.MARK_SAMPLE, ts: t(), symbolId: rng.chance(0.5) ? 0 : symbolId });
      else if (x < 0.7) {
        const time = t();
        run({ op: Op.PAY_FUNDING, ts: time, symbolId: rng.chance(0.5) ? 0 : symbolId, fundingTime: time });
      } else {
        const time = t();
        const deadline = rng.chance(0.2) ? 0 : time + rng.range(1, 20_000);
        run({ op: Op.COUNTDOWN_CANCEL_ALL, ts: time, userId, symbolId, deadline });
      }
    }
  }
}

/** The largest quantity the user's available balance pays for at `price` (at least one step). */
function affordable(s: Sequencer, userId: number, inst: Instrument, price: number): number {
  const available = Math.max(0, s.risk(userId)!.available);
  const leverage = s.position(userId, inst.symbolId)?.leverage ?? inst.defaultLeverage;
  const perStep = price * inst.stepUnits * notionalFactor(inst);
  const steps = Math.floor((available * leverage) / perStep);
  return Math.max(1, Math.min(steps, inst.maxQty / inst.stepUnits)) * inst.stepUnits;
}

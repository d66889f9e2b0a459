// Seeded randomized sequencer run (short by default, long with PERPX_STRESS=long): 50 users, cross and
// isolated, leverage 1–20, deposits, withdrawals, leverage and margin-type changes, isolated margin moves,
// LIMIT GTC / IOC / FOK / GTX and MARKET orders, reduce-only, STP modes, amends, cancels, conditional
// orders of every type (mark and last price, close-position, trailing with and without activation),
// oracle moves in a band with jumps of 3–15 % that liquidate and deleverage, mark samples, funding
// payments and dead-man switches.
//
// A generator drives engine A, looking at its state to pick plausible commands, and records the log.
// In lockstep the same commands go to engine B (from scratch) and, from a random point on, to engine C
// restored from A's snapshot there. After every command: the conservation invariant holds exactly, the
// insurance fund is not negative, no account or isolated position is left at or below maintenance margin
// (detection missed nothing), no wallet is negative without open positions, and B's and C's events
// deep-equal A's. At the end all three state hashes agree.
import assert from "node:assert/strict";
import { test } from "node:test";
import type { Command, PlaceOrder } from "@perpx/shared/commands";
import { Op } from "@perpx/shared/commands";
import type { Instrument } from "@perpx/shared/domain";
import {
  MarginType,
  notionalFactor,
  OrderStatus,
  OrderType,
  Side,
  StpMode,
  TimeInForce,
  TradeType,
  WorkingType,
} from "@perpx/shared/domain";
import type { EngineEvent } from "@perpx/shared/events";
import { Ev } from "@perpx/shared/events";
import { DEFAULT_INSTRUMENTS, makeInstrument } from "@perpx/shared/instruments";
import { isolatedRisk } from "../../src/sequencer/account-risk.js";
import type { InThreadMatchPort } from "../../src/sequencer/match-port.js";
import { Sequencer } from "../../src/sequencer/sequencer.js";
import type { Position } from "../../src/sequencer/state.js";
import { newPort } from "../support/seq-harness.js";

const LONG = process.env.PERPX_STRESS === "long";

/** mulberry32: a seeded PRNG for the generator (the engine itself takes no randomness). */
class Rng {
  private s: number;
  constructor(seed: number) {
    this.s = seed >>> 0;
  }
  next(): number {
    this.s = (this.s + 0x6d2b79f5) >>> 0;
    let t = this.s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  }
  int(n: number): number {
    return Math.floor(this.next() * n);
  }
  range(lo: number, hi: number): number {
    return lo + this.int(hi - lo + 1);
  }
  chance(p: number): boolean {
    return this.next() < p;
  }
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
const INSTRUMENTS = [DEFAULT_INSTRUMENTS[0]!, DEFAULT_INSTRUMENTS[1]!, SOL];
/** starting index per symbol, price units */
const CENTER = new Map([
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
const USERS = 50;
const U = 1_000_000;

interface Run {
  commands: number;
  trades: number;
  rejects: number;
  liquidations: number;
  adlFills: number;
  fundings: number;
  triggered: number;
  marginCalls: number;
  countdownCancels: number;
}

function runRandom(seed: number, total: number): Run {
  const rng = new Rng(seed);
  const portA = newPort();
  const a = new Sequencer({ matcher: portA });
  const b = new Sequencer({ matcher: newPort() });
  let c: Sequencer | undefined;
  const restoreAt = Math.floor(total * (0.2 + 0.6 * rng.next()));
  let ts = 1_700_000_000_000;
  let nextOrderId = 1;
  let nextTx = 1;
  /** armed dead-man switches (for the count only; the engine keeps its own) */
  const countdowns = new Map<string, number>();
  const stats: Run = {
    commands: 0,
    trades: 0,
    rejects: 0,
    liquidations: 0,
    adlFills: 0,
    fundings: 0,
    triggered: 0,
    marginCalls: 0,
    countdownCancels: 0,
  };

  const run = (cmd: Command): EngineEvent[] => {
    const seq = a.lastSeq + 1;
    const outA: EngineEvent[] = [];
    a.apply({ seq, cmd }, outA);
    const outB: EngineEvent[] = [];
    b.apply({ seq, cmd }, outB);
    assert.deepEqual(outB, outA, `engine B diverged at seq ${seq}`);
    if (c !== undefined) {
      const outC: EngineEvent[] = [];
      c.apply({ seq, cmd }, outC);
      assert.deepEqual(outC, outA, `restored engine diverged at seq ${seq}`);
    }
    check(a, seq);
    if (seq % 250 === 0) checkBooks(a, portA, seq);
    stats.commands++;
    for (const e of outA) {
      if (e.ev === Ev.TRADE) stats.trades++;
      if (e.ev === Ev.TRADE && e.type === TradeType.ADL) stats.adlFills++;
      if (e.ev === Ev.REJECT || (e.ev === Ev.ORDER && e.status === OrderStatus.REJECTED)) stats.rejects++;
      if (e.ev === Ev.ORDER && e.clientOrderId.startsWith("autoclose-")) stats.liquidations++;
      if (e.ev === Ev.ORDER && e.status === OrderStatus.TRIGGERED) stats.triggered++;
      if (e.ev === Ev.FUNDING_RATE) stats.fundings++;
      if (e.ev === Ev.MARGIN_CALL) stats.marginCalls++;
    }
    // the dead-man switches this command fired (a shadow of the engine's rule: deadline ≤ ts)
    for (const [k, d] of countdowns) {
      if (d <= cmd.ts) {
        stats.countdownCancels++;
        countdowns.delete(k);
      }
    }
    if (cmd.op === Op.COUNTDOWN_CANCEL_ALL) {
      if (cmd.deadline === 0) countdowns.delete(`${cmd.userId}:${cmd.symbolId}`);
      else countdowns.set(`${cmd.userId}:${cmd.symbolId}`, cmd.deadline);
    }
    if (seq === restoreAt) {
      const bytes = a.snapshot();
      c = Sequencer.restore(bytes, newPort());
      assert.equal(c.stateHash(), a.stateHash(), "restore reproduces the hash");
      assert.deepEqual(c.snapshot(), bytes, "restore reproduces the bytes");
    }
    return outA;
  };
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

  const place = (userId: number, symbolId: number, o: Partial<PlaceOrder>): EngineEvent[] => {
    const side = rng.chance(0.5) ? Side.BUY : Side.SELL;
    return run({
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
  const hash = a.stateHash();
  assert.equal(b.stateHash(), hash, "full replay gives the same state hash");
  assert.ok(c !== undefined);
  assert.equal(c.stateHash(), hash, "snapshot + replay of the rest gives the same state hash");
  return stats;
}

/** The largest quantity the user's available balance pays for at `price` (at least one step). */
function affordable(s: Sequencer, userId: number, inst: Instrument, price: number): number {
  const available = Math.max(0, s.risk(userId)!.available);
  const leverage = s.position(userId, inst.symbolId)?.leverage ?? inst.defaultLeverage;
  const perStep = price * inst.stepUnits * notionalFactor(inst);
  const steps = Math.floor((available * leverage) / perStep);
  return Math.max(1, Math.min(steps, inst.maxQty / inst.stepUnits)) * inst.stepUnits;
}

/**
 * The sequencer's open orders are exactly the books' orders (id, user, side, price, remaining), and each
 * position's side aggregates are the sums over its open orders.
 */
function checkBooks(s: Sequencer, port: InThreadMatchPort, seq: number): void {
  let inBooks = 0;
  for (const inst of INSTRUMENTS) {
    port.book(inst.symbolId).forEachOrder((orderId, userId, side, price, remaining) => {
      const o = s.openOrder(orderId);
      inBooks++;
      if (o === undefined || o.userId !== userId || o.side !== side || o.bookPrice !== price) {
        assert.fail(`seq ${seq}: book order ${orderId} is not the sequencer's`);
      }
      if (o.origQty - o.executedQty !== remaining)
        assert.fail(`seq ${seq}: order ${orderId} remaining differs`);
    });
  }
  let open = 0;
  for (const acc of s.accounts()) {
    for (const p of acc.positions.values()) {
      const sums = [0, 0, 0, 0, 0, 0, 0, 0];
      for (const id of p.orderIds) {
        const o = s.openOrder(id)!;
        const rem = o.origQty - o.executedQty;
        const k = o.side === Side.BUY ? 0 : 4;
        sums[k]! += rem;
        sums[k + 1]! += rem * o.bookPrice;
        sums[k + 2]! += rem * o.openLoss;
        sums[k + 3]! += o.reduceOnly ? rem : 0;
        open++;
      }
      const agg = [p.buy, p.sell].flatMap((x) => [x.qty, x.qtyPrice, x.qtyLoss, x.roQty]);
      assert.deepEqual(agg, sums, `seq ${seq}: aggregates of user ${acc.userId} symbol ${p.symbolId}`);
    }
  }
  assert.equal(open, inBooks, `seq ${seq}: open order count`);
}

/**
 * Conservation to the micro-USDT; the insurance fund never negative; after the risk work of every
 * command nothing is left at or below maintenance margin, no flat isolated position keeps money, and no
 * wallet is negative without open positions to carry it.
 */
function check(s: Sequencer, seq: number): void {
  const sol = s.solvency();
  if (sol.difference !== 0) assert.fail(`seq ${seq}: solvency difference ${sol.difference}`);
  if (sol.insuranceFund < 0) assert.fail(`seq ${seq}: insurance fund ${sol.insuranceFund}`);
  for (const acc of s.accounts()) {
    const u = acc.userId;
    let crossOpen = 0;
    for (const p of acc.positions.values()) {
      if (p.qty === 0) {
        if (p.entryValue !== 0 || p.isolatedWallet !== 0) assert.fail(`seq ${seq}: user ${u} flat residue`);
        continue;
      }
      if (p.marginType === MarginType.CROSSED) {
        crossOpen++;
        continue;
      }
      const r = isolatedRisk(p as Position, s.symbol(p.symbolId)!);
      if (r.equity <= r.maintMargin)
        assert.fail(
          `seq ${seq}: user ${u} isolated ${p.symbolId} left liquidatable (${r.equity} ≤ ${r.maintMargin})`,
        );
    }
    const r = s.risk(u)!;
    if (crossOpen > 0 && r.marginBalance <= r.maintMargin)
      assert.fail(`seq ${seq}: user ${u} left liquidatable (${r.marginBalance} ≤ ${r.maintMargin})`);
    if (crossOpen === 0 && acc.crossWallet < 0)
      assert.fail(`seq ${seq}: user ${u} wallet ${acc.crossWallet} flat`);
  }
}

test(`randomized sequencer: conservation after every command, replay and snapshot determinism (${LONG ? "long" : "short"})`, () => {
  const seeds = LONG ? [1, 2, 3, 4, 5] : [7];
  const total = LONG ? 150_000 : 20_000;
  for (const seed of seeds) {
    const t0 = performance.now();
    const s = runRandom(seed, total);
    const ms = Math.round(performance.now() - t0);
    console.log(
      `seed ${seed}: ${s.commands} commands, ${s.trades} trades, ${s.rejects} rejects, ` +
        `${s.liquidations} liquidations, ${s.adlFills} ADL fills, ${s.fundings} funding settlements, ` +
        `${s.triggered} triggered, ${s.marginCalls} margin calls, ${s.countdownCancels} dead-man fires, ${ms} ms`,
    );
    assert.equal(s.commands, total);
    assert.ok(s.trades > total / 20, "the stream trades");
    assert.ok(s.liquidations > 0 && s.adlFills > 0 && s.fundings > 0 && s.triggered > 0, "risk paths ran");
  }
});

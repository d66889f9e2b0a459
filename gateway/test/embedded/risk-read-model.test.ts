// The memory read model fed with real sequencer events through liquidations, insurance-fund movements,
// ADL, funding, conditional orders and dead-man switches: after every command the solvency view's
// difference is "0.000000" and its figures are the engine's own; ADL quantiles agree with the engine's.
import assert from "node:assert/strict";
import { test } from "node:test";
import { ReferenceBook } from "@perpx/engine/matcher/reference-book";
import { InThreadMatchPort } from "@perpx/engine/sequencer/match-port";
import { Sequencer } from "@perpx/engine/sequencer/sequencer";
import { seededRandom } from "@perpx/engine/util/prng";
import type { Command, PlaceOrder } from "@perpx/shared/commands";
import { Op } from "@perpx/shared/commands";
import {
  MarginType,
  OrderType,
  Side,
  StpMode,
  TimeInForce,
  TradeType,
  WorkingType,
} from "@perpx/shared/domain";
import type { EngineEvent } from "@perpx/shared/events";
import { Ev } from "@perpx/shared/events";
import { formatMoney } from "@perpx/shared/fixed";
import { DEFAULT_INSTRUMENTS } from "@perpx/shared/instruments";
import { MemoryReadModel } from "../../src/read-model/memory-read-model.js";

const U = 1_000_000;
/** A command without its ts (distributed over the union). */
type Cmd = Command extends infer C ? (C extends Command ? Omit<C, "ts"> : never) : never;
const BTC = DEFAULT_INSTRUMENTS[0]!;

test("read model solvency stays 0.000000 through liquidations, ADL, funding and triggers", () => {
  const seq = new Sequencer({ matcher: new InThreadMatchPort((id) => new ReferenceBook(id)) });
  const rm = new MemoryReadModel();
  const r = seededRandom(11);
  const int = (lo: number, hi: number) => lo + Math.floor(r() * (hi - lo + 1));
  let ts = 1_750_000_000_000;
  let orderId = 1;
  const seen = { liquidations: 0, adl: 0, funding: 0, insurance: 0, triggered: 0 };
  const run = (cmd: Cmd) => {
    ts += int(1, 3_000);
    const out: EngineEvent[] = [];
    seq.apply({ seq: seq.lastSeq + 1, cmd: { ...cmd, ts } as Command }, out);
    rm.apply(out);
    for (const e of out) {
      if (e.ev === Ev.TRADE && e.type === TradeType.LIQUIDATION) seen.liquidations++;
      if (e.ev === Ev.TRADE && e.type === TradeType.ADL) seen.adl++;
      if (e.ev === Ev.FUNDING_PAYMENT) seen.funding++;
      if (e.ev === Ev.INSURANCE) seen.insurance++;
      if (e.ev === Ev.ORDER && e.status === 8) seen.triggered++;
    }
    const view = rm.solvency();
    const eng = seq.solvency();
    assert.equal(view.difference, "0.000000", `seq ${seq.lastSeq}`);
    assert.deepEqual(
      [view.netDeposits, view.walletBalances, view.insuranceFund, view.feeAccount, view.unrealizedPnl],
      [eng.netDeposits, eng.wallets, eng.insuranceFund, eng.feeAccount, eng.unrealizedPnl].map(formatMoney),
      `seq ${seq.lastSeq}: the read model's totals are the engine's`,
    );
  };
  const place = (userId: number, o: Partial<PlaceOrder>) =>
    run({
      op: Op.PLACE_ORDER,
      orderId: orderId++,
      userId,
      symbolId: 1,
      clientOrderId: `c${orderId}`,
      side: r() < 0.5 ? Side.BUY : Side.SELL,
      type: OrderType.LIMIT,
      tif: TimeInForce.GTC,
      price: 0,
      qty: int(1, 200),
      stopPrice: 0,
      reduceOnly: false,
      closePosition: false,
      workingType: WorkingType.MARK_PRICE,
      callbackRate: 0,
      activationPrice: 0,
      stp: StpMode.EXPIRE_TAKER,
      ...o,
    } as Omit<PlaceOrder, "ts">);

  run({ op: Op.UPSERT_INSTRUMENT, instrument: BTC });
  const center = 500_000;
  run({ op: Op.ORACLE_PRICE, symbolId: 1, price: center });
  const USERS = 20;
  for (let u = 1; u <= USERS; u++) {
    run({ op: Op.CREATE_USER, userId: u });
    run({
      op: Op.DEPOSIT,
      userId: u,
      amount: (u <= 8 ? int(300, 2_000) : int(20_000, 80_000)) * U,
      txId: `d${u}`,
    });
    run({ op: Op.SET_LEVERAGE, userId: u, symbolId: 1, leverage: int(2, 20) });
    if (r() < 0.4) run({ op: Op.SET_MARGIN_TYPE, userId: u, symbolId: 1, marginType: MarginType.ISOLATED });
  }
  for (let i = 0; i < 3_000; i++) {
    const userId = int(1, USERS);
    const mark = seq.symbol(1)!.markPrice;
    const near = (pct: number) => Math.max(1, Math.round(mark * (1 + (r() * 2 - 1) * pct)));
    const x = r();
    if (x < 0.06) {
      const jump = r() < 0.15;
      const price = jump ? Math.round(center * (1 + (r() < 0.5 ? -1 : 1) * (0.03 + 0.1 * r()))) : near(0.004);
      run({
        op: Op.ORACLE_PRICE,
        symbolId: 1,
        price: Math.min(Math.max(price, center * 0.85), center * 1.15),
      });
    } else if (x < 0.5) place(userId, { price: near(0.012) });
    else if (x < 0.6) place(userId, { type: OrderType.MARKET, tif: TimeInForce.IOC });
    else if (x < 0.66) {
      const type = [OrderType.STOP_MARKET, OrderType.TAKE_PROFIT_MARKET, OrderType.TRAILING_STOP_MARKET][
        int(0, 2)
      ]!;
      const trailing = type === OrderType.TRAILING_STOP_MARKET;
      place(userId, {
        type,
        tif: TimeInForce.IOC,
        stopPrice: trailing ? 0 : near(0.02),
        callbackRate: trailing ? int(100_000, 2_000_000) : 0,
        workingType: r() < 0.5 ? WorkingType.MARK_PRICE : WorkingType.CONTRACT_PRICE,
      });
    } else if (x < 0.8) {
      const ids = [...(seq.position(userId, 1)?.orderIds ?? [])];
      if (ids.length > 0)
        run({ op: Op.CANCEL_ORDER, userId, symbolId: 1, orderId: ids[int(0, ids.length - 1)]! });
    } else if (x < 0.85) run({ op: Op.MARK_SAMPLE, symbolId: 1 });
    else if (x < 0.87) run({ op: Op.PAY_FUNDING, symbolId: 0, fundingTime: ts + 1 });
    else if (x < 0.89)
      run({ op: Op.COUNTDOWN_CANCEL_ALL, userId, symbolId: 1, deadline: ts + int(1_000, 10_000) });
    else if (x < 0.92) run({ op: Op.DEPOSIT, userId, amount: int(100, 2_000) * U, txId: `t${i}` });
    else if (x < 0.95) {
      const amount = Math.max(0, Math.floor((seq.risk(userId)?.withdrawable ?? 0) * r()));
      if (amount > 0) run({ op: Op.WITHDRAW, userId, amount, withdrawId: `w${i}` });
    } else run({ op: Op.CANCEL_ALL, userId, symbolId: 1 });
    if (i % 100 === 0) {
      for (let u = 1; u <= USERS; u++) {
        const engine = seq.adlQuantiles(u).map((q) => q.quantile);
        const view = rm.adlQuantile(u).map((q) => q.adlQuantile);
        assert.deepEqual(view, engine, `seq ${seq.lastSeq}: user ${u} ADL quantiles`);
      }
    }
  }
  console.log(`read model run: ${JSON.stringify(seen)}`);
  assert.ok(seen.liquidations + seen.adl > 0 && seen.funding > 0 && seen.insurance > 0 && seen.triggered > 0);
});

// Liquidation (SPEC §7.2–7.5), run by the risk engine for an account (cross) or an isolated position the
// exact check found at or below maintenance margin. Owner: the sequencer.
//
//  1. The account is flagged in liquidation (its orders and withdrawals are refused while the engine works
//     on it) and its open orders are cancelled — every symbol for a cross account, that symbol for an
//     isolated position — conditional orders included; then it is checked again.
//  2. Cross: the position with the largest maintenance margin is closed first (ties: lower symbolId),
//     re-checking after each; isolated: the position. Bankruptcy quote of closing position i (dYdX):
//        BQ = Q × mark × f − ⌊TNC × MM_i / TMMR⌋            micro-USDT "received" (a short's is < 0)
//     with TNC = margin balance (cross: cross wallet + Σ cross UPnL; isolated: wallet + UPnL) and TMMR the
//     maintenance margin it is measured against; for an isolated position MM_i = TMMR, so BQ = Q × entry ×
//     f − wallet and the bankruptcy price is entry − sign(Q) × wallet / |Q| (SPEC). The floor makes BQ
//     larger, against the holder. Bankruptcy price BP = BQ / (|Q| × f) rounded to the tick against the
//     holder (long: up, short: down).
//  3. Close with an IOC at BP (engine order id < 0, clientOrderId "autoclose-n", reduce-only). The
//     liquidated side pays no trading fee; the maker pays its normal fee.
//  4. What the book did not take at BP, the insurance fund takes on at worse prices as far as its balance
//     pays the deficit: a second IOC at the price where the whole remainder's shortfall equals the fund
//     (less 1 micro-USDT for rounding), never beyond the market-take bound from mark.
//  5. What is still left is auto-deleveraged (adl.ts ranking) at BP: each opposite position in line is
//     reduced by what remains (its orders in the symbol cancelled first), in ADL trades without fees.
// Per step (one IOC pass over the book, or one ADL fill) d = quote received − bankruptcy quote of the
// quantity closed, the bankruptcy quote being allocated cumulatively (⌈BQ × closed / |Q|⌉, all of BQ at
// the end), so the steps add up to BQ exactly. d > 0: the fund takes min(d, ⌈liquidationFeeRate ×
// |notional|⌉) (LIQUIDATION_FEE; ADL for ADL fills) and the rest stays with the user; d < 0: the fund pays
// −d (DEFICIT). Fills at or beyond BP give d ≥ 0 by the roundings above. At the end an isolated wallet
// goes back to cross, and a wallet left negative with nothing open is topped up to 0 by the fund.
// Closing at BQ keeps TNC / TMMR unchanged, so once everything is closed the account holds Σ (d − fee).
import {
  BalanceReason,
  MarginType,
  OrderStatus,
  OrderType,
  Side,
  StpMode,
  TimeInForce,
  TradeType,
} from "@perpx/shared/domain";
import { add, mul, mulDiv, RATE_SCALE, sub } from "@perpx/shared/fixed";
import { AdlQueue } from "./adl.js";
import type { CommandCtx } from "./command-ctx.js";
import { applyFill } from "./fills.js";
import { type InsuranceReason, insuranceIn, insuranceOut } from "./insurance.js";
import { maintenanceMargin, marketTakePrice, notionalOf, unrealizedPnl } from "./margin.js";
import { MatchOp, type MatchPort, MatchReport, MatchRequest } from "./match-port.js";
import type { OrderCommands } from "./order-commands.js";
import { crossLevels, isLiquidatable } from "./risk-index.js";
import { emitOrder, emitTrade, type LiquidationTaker } from "./settle.js";
import type { Account, OpenOrder, Position, SequencerState } from "./state.js";
import { positionsOf, staleMargin } from "./state.js";
import type { SymbolState } from "./symbol-state.js";

/** The liquidated side of the liquidation order being worked (reused). */
class LiquidatedSide implements LiquidationTaker {
  orderId = 0;
  userId = 0;
  side: Side = Side.SELL;
  acc: Account | null = null;
  pos: Position | null = null;
  factor = 1;
  /** fills of the current step: qty and Σ price × qty */
  stepQty = 0;
  stepUnits = 0;

  /** One fill of the position (reduce only, no fee): entry value out, realized PnL into its wallet. */
  fill(qty: number, price: number): number {
    const pos = this.pos!;
    const s = pos.qty > 0 ? 1 : -1;
    const abs = pos.qty * s;
    if (qty > abs) throw new Error("liquidation fill larger than the position");
    const removed = qty === abs ? pos.entryValue : mulDiv(pos.entryValue, qty, abs, s > 0 ? "ceil" : "floor");
    const realized = mul(s * sub(mul(price, qty), removed), this.factor);
    pos.entryValue = sub(pos.entryValue, removed);
    pos.qty -= s * qty;
    staleMargin(pos);
    if (pos.marginType === MarginType.ISOLATED) pos.isolatedWallet = add(pos.isolatedWallet, realized);
    else this.acc!.crossWallet = add(this.acc!.crossWallet, realized);
    this.stepQty += qty;
    this.stepUnits = add(this.stepUnits, mul(price, qty));
    return realized;
  }
}

/** Counters for tests and benchmarks (not state: a restored engine starts at 0). */
export interface LiquidationStats {
  liquidations: number;
  adlFills: number;
  /** exact account checks the risk engine ran (touched accounts and index keys reached) */
  checks: number;
}

export class Liquidator {
  private readonly req = new MatchRequest();
  private readonly report = new MatchReport();
  private readonly side = new LiquidatedSide();
  // the close being worked: bankruptcy quote, size, what is closed, BQ allocated, totals
  private bq = 0;
  private absQ = 0;
  private closed = 0;
  private bqCum = 0;
  private totalUnits = 0;
  /** ADL candidates of the current command (risk-engine.ts clears and invalidates it) */
  readonly adlQueue = new AdlQueue();
  /** counters for tests and benchmarks (not state) */
  readonly stats: LiquidationStats = { liquidations: 0, adlFills: 0, checks: 0 };

  constructor(
    private readonly st: SequencerState,
    private readonly ctx: CommandCtx,
    private readonly port: MatchPort,
    private readonly orders: OrderCommands,
  ) {}

  /** Liquidates the cross part of an account if it is (still) liquidatable. */
  liquidateCross(acc: Account): void {
    const lv0 = crossLevels(this.st, acc);
    if (lv0.count === 0 || !isLiquidatable(lv0.marginBalance, lv0.maintMargin)) return;
    acc.inLiquidation = true;
    this.ctx.touch(acc, undefined, BalanceReason.LIQUIDATION);
    for (const symbolId of [...acc.positions.keys()]) this.orders.cancelAllOf(acc, symbolId);
    for (;;) {
      const lv = crossLevels(this.st, acc);
      if (lv.count === 0 || !isLiquidatable(lv.marginBalance, lv.maintMargin)) break;
      let pick: Position | undefined;
      let pickMm = -1;
      for (const p of positionsOf(acc)) {
        if (p.qty === 0 || p.marginType !== MarginType.CROSSED) continue;
        const sym = this.st.symbols.get(p.symbolId)!;
        const mm = maintenanceMargin(sym.inst, notionalOf(sym.markPrice, p.qty, sym.factor));
        if (mm > pickMm || (mm === pickMm && p.symbolId < pick!.symbolId)) {
          pick = p;
          pickMm = mm;
        }
      }
      this.close(acc, pick!, lv.marginBalance, lv.maintMargin, pickMm);
    }
    if (crossLevels(this.st, acc).count === 0 && acc.crossWallet < 0) {
      acc.crossWallet += insuranceOut(this.st, this.ctx, -acc.crossWallet, "DEFICIT", 0);
    }
    acc.inLiquidation = false;
  }

  /** Liquidates an isolated position if it is (still) liquidatable. */
  liquidateIsolated(acc: Account, pos: Position): void {
    if (pos.qty === 0 || pos.marginType !== MarginType.ISOLATED) return;
    const sym = this.st.symbols.get(pos.symbolId)!;
    const eq = () => pos.isolatedWallet + unrealizedPnl(pos.qty, pos.entryValue, sym.markPrice, sym.factor);
    const mm = () => maintenanceMargin(sym.inst, notionalOf(sym.markPrice, pos.qty, sym.factor));
    if (!isLiquidatable(eq(), mm())) return;
    acc.inLiquidation = true;
    this.ctx.touch(acc, pos, BalanceReason.LIQUIDATION);
    this.orders.cancelAllOf(acc, pos.symbolId);
    const m = mm();
    if (isLiquidatable(eq(), m)) this.close(acc, pos, eq(), m, m);
    acc.inLiquidation = false;
  }

  /** Closes one position (steps 2–5 of the header). */
  private close(acc: Account, pos: Position, tnc: number, tmmr: number, mmPos: number): void {
    const st = this.st;
    const ctx = this.ctx;
    const sym = st.symbols.get(pos.symbolId)!;
    const inst = sym.inst;
    const tick = inst.tickUnits;
    const s = pos.qty > 0 ? 1 : -1;
    const absQ = pos.qty * s;
    const share = tmmr > 0 ? mulDiv(tnc, mmPos, tmmr, "floor") : tnc;
    const bq = sub(s * notionalOf(sym.markPrice, pos.qty, sym.factor), share);
    const unit = mul(absQ, sym.factor);
    let bp =
      s > 0
        ? ceilToTick(mulDiv(bq, 1, unit, "ceil"), tick)
        : floorToTick(mulDiv(-bq, 1, unit, "floor"), tick);
    if (bp < tick) bp = tick;
    ctx.touch(acc, pos, BalanceReason.LIQUIDATION);
    this.stats.liquidations++;

    const side = this.side;
    side.orderId = -st.nextEngineOrderId++;
    side.userId = acc.userId;
    side.side = s > 0 ? Side.SELL : Side.BUY;
    side.acc = acc;
    side.pos = pos;
    side.factor = sym.factor;
    this.bq = bq;
    this.absQ = absQ;
    this.closed = 0;
    this.bqCum = 0;
    this.totalUnits = 0;

    this.ioc(sym, bp);
    if (this.closed < absQ) {
      const p2 = this.fundPrice(sym, s, bp);
      if (p2 !== 0) this.ioc(sym, p2);
    }
    if (this.closed < absQ) this.adl(sym, s, bp);

    emitOrder(
      ctx,
      engineOrder(
        side.orderId,
        "autoclose",
        acc.userId,
        inst.symbolId,
        side.side,
        bp,
        absQ,
        this.closed,
        this.totalUnits,
        ctx.ts,
      ),
    );
    if (pos.marginType === MarginType.ISOLATED && pos.qty === 0) {
      let w = pos.isolatedWallet;
      if (w < 0) w += insuranceOut(st, ctx, -w, "DEFICIT", inst.symbolId);
      acc.crossWallet = add(acc.crossWallet, w);
      pos.isolatedWallet = 0;
    }
    side.acc = null;
    side.pos = null;
    this.orders.followUps();
  }

  /** One IOC pass of the remainder at `price`, then the step's d settlement. */
  private ioc(sym: SymbolState, price: number): void {
    const side = this.side;
    const req = this.req;
    req.op = MatchOp.PLACE;
    req.symbolId = sym.inst.symbolId;
    req.orderId = side.orderId;
    req.userId = side.userId;
    req.side = side.side;
    req.price = price;
    req.qty = this.absQ - this.closed;
    req.tif = TimeInForce.IOC;
    req.stp = StpMode.NONE;
    side.stepQty = 0;
    side.stepUnits = 0;
    const settler = this.orders.settler;
    settler.liquidation = side;
    try {
      this.port.execute(req, this.report);
      settler.apply(this.report, sym.inst.symbolId, null, false);
    } finally {
      settler.liquidation = null;
    }
    this.settleStep(sym, side.stepQty, side.stepUnits, "LIQUIDATION_FEE");
  }

  /**
   * Limit price of the insurance fund's pass (step 4): the remainder's shortfall against BP at that price
   * is at most the fund's balance less 1; 0 when the fund cannot pay even one tick.
   */
  private fundPrice(sym: SymbolState, s: number, bp: number): number {
    const fund = this.st.insuranceFund;
    if (fund <= 1) return 0;
    const tick = sym.inst.tickUnits;
    const gap = mulDiv(fund - 1, 1, mul(this.absQ - this.closed, sym.factor), "floor");
    const bound = marketTakePrice(
      s > 0 ? Side.SELL : Side.BUY,
      sym.markPrice,
      sym.inst.marketTakeBound,
      tick,
    );
    if (s > 0) {
      const p = Math.max(ceilToTick(bp - gap, tick), bound, tick);
      return p < bp ? p : 0;
    }
    const p = Math.min(floorToTick(bp + gap, tick), bound);
    return p > bp ? p : 0;
  }

  /** Step 5: the remainder against the ranked opposite positions at BP. */
  private adl(sym: SymbolState, s: number, bp: number): void {
    const st = this.st;
    const ctx = this.ctx;
    const side = this.side;
    const symbolId = sym.inst.symbolId;
    const victimSide = side.side === Side.SELL ? Side.BUY : Side.SELL;
    // everything this command changed so far (makers of the liquidation passes included) is re-scored
    for (const a of ctx.accounts) this.adlQueue.invalidate(a);
    for (;;) {
      const rem = this.absQ - this.closed;
      if (rem === 0) break;
      const v = this.adlQueue.best(st, symbolId, s > 0 ? -1 : 1); // never the liquidated side
      if (v === undefined) break;
      this.adlQueue.invalidate(v.acc);
      const qty = Math.min(rem, Math.abs(v.pos.qty));
      this.orders.cancelAllOf(v.acc, symbolId);
      ctx.touch(v.acc, v.pos, BalanceReason.ADL);
      const victimPnl = applyFill(st, ctx, v.acc, v.pos, sym, victimSide, qty, bp, 0, bp);
      side.stepQty = 0;
      side.stepUnits = 0;
      const liqPnl = side.fill(qty, bp);
      const victim = engineOrder(
        -st.nextEngineOrderId++,
        "adl_autoclose",
        v.acc.userId,
        symbolId,
        victimSide,
        bp,
        qty,
        qty,
        mul(bp, qty),
        ctx.ts,
      );
      const quote = mul(mul(bp, qty), sym.factor);
      emitTrade(st, ctx, symbolId, TradeType.ADL, bp, qty, quote, side, 0, liqPnl, victim, 0, victimPnl);
      emitOrder(ctx, victim);
      this.stats.adlFills++;
      this.settleStep(sym, side.stepQty, side.stepUnits, "ADL");
    }
    if (this.closed !== this.absQ) throw new Error("ADL found too few opposite positions (Σ Q ≠ 0?)");
  }

  /** d of one step against its share of the bankruptcy quote; fee in or deficit out (header). */
  private settleStep(sym: SymbolState, qty: number, units: number, feeReason: InsuranceReason): void {
    if (qty === 0) return;
    const st = this.st;
    const pos = this.side.pos!;
    const acc = this.side.acc!;
    const s = this.side.side === Side.SELL ? 1 : -1;
    this.closed += qty;
    this.totalUnits = add(this.totalUnits, units);
    const cum = this.closed === this.absQ ? this.bq : mulDiv(this.bq, this.closed, this.absQ, "ceil");
    const slice = cum - this.bqCum;
    this.bqCum = cum;
    const notional = mul(units, sym.factor);
    const d = s * notional - slice;
    let delta = 0;
    if (d > 0) {
      const fee = Math.min(d, mulDiv(notional, sym.inst.liquidationFeeRate, RATE_SCALE, "ceil"));
      insuranceIn(st, this.ctx, fee, feeReason, sym.inst.symbolId);
      delta = -fee;
    } else if (d < 0) {
      delta = insuranceOut(st, this.ctx, -d, "DEFICIT", sym.inst.symbolId);
    }
    if (pos.marginType === MarginType.ISOLATED) pos.isolatedWallet = add(pos.isolatedWallet, delta);
    else acc.crossWallet = add(acc.crossWallet, delta);
  }
}

function ceilToTick(p: number, tick: number): number {
  return mul(mulDiv(p, 1, tick, "ceil"), tick);
}
function floorToTick(p: number, tick: number): number {
  return mul(mulDiv(p, 1, tick, "floor"), tick);
}

/** An order the engine makes (liquidation or ADL), for its OrderEvent: an IOC limit, reduce-only. */
function engineOrder(
  orderId: number,
  tag: string,
  userId: number,
  symbolId: number,
  side: Side,
  price: number,
  qty: number,
  executed: number,
  cumQuoteUnits: number,
  ts: number,
): OpenOrder {
  return {
    orderId,
    clientOrderId: `${tag}-${-orderId}`,
    userId,
    symbolId,
    side,
    type: OrderType.LIMIT,
    tif: TimeInForce.IOC,
    status: executed === qty ? OrderStatus.FILLED : OrderStatus.EXPIRED,
    price,
    bookPrice: price,
    stopPrice: 0,
    origQty: qty,
    executedQty: executed,
    cumQuoteUnits,
    reduceOnly: true,
    closePosition: false,
    workingType: 0,
    stp: StpMode.NONE,
    openLoss: 0,
    rejectReason: 0,
    createTime: ts,
    pos: null,
  };
}

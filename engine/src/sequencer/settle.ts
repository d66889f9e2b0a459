// Settle half of the order commands: applies what the matcher reported — trades (fees, realized PnL,
// positions, wallets), removals, the command's own outcome, changed levels — to the sequencer's state and
// emits the events. Then keeps the reduce-only invariant (pre-trade.ts) with follow-up book requests.
// Owner: the sequencer.
import { OrderStatus, Side, TradeType } from "@perpx/shared/domain";
import { RejectReason } from "@perpx/shared/errors";
import { Ev, type OrderEvent } from "@perpx/shared/events";
import { add, mul } from "@perpx/shared/fixed";
import { PlaceOutcome, RemoveReason } from "../matcher/book-api.js";
import type { CommandCtx } from "./command-ctx.js";
import { OrderEventObject } from "./event-objects.js";
import { applyFill, isolatedFundPrice } from "./fills.js";
import { feeOf } from "./margin.js";
import { availableOf } from "./margin-cache.js";
import { MatchOp, type MatchPort, MatchReport, MatchRequest, ReportKind } from "./match-port.js";
import type { OpenOrder, Position, SequencerState } from "./state.js";
import { remainingOf, reserve } from "./state.js";

export function orderEventOf(ctx: CommandCtx, o: OpenOrder): OrderEvent {
  return new OrderEventObject(ctx.seq, ctx.ts, o);
}

export function emitOrder(ctx: CommandCtx, o: OpenOrder): void {
  ctx.out.push(orderEventOf(ctx, o));
}

/** What a TradeEvent needs of each side's order. */
export interface TradeSide {
  readonly orderId: number;
  readonly userId: number;
  readonly side: Side;
}

/**
 * The liquidated side of a liquidation order's fills (liquidation.ts sets `Settler.liquidation` while its
 * IOC is in the book): it settles the position without a trading fee and returns the realized PnL.
 */
export interface LiquidationTaker extends TradeSide {
  fill(qty: number, price: number): number;
}

/** One TradeEvent (taker/maker → buy/sell) and the fee account after it. */
export function emitTrade(
  st: SequencerState,
  ctx: CommandCtx,
  symbolId: number,
  type: TradeType,
  price: number,
  qty: number,
  quote: number,
  taker: TradeSide,
  takerFee: number,
  takerPnl: number,
  maker: TradeSide,
  makerFee: number,
  makerPnl: number,
): void {
  const buyIsTaker = taker.side === Side.BUY;
  const buy = buyIsTaker ? taker : maker;
  const sell = buyIsTaker ? maker : taker;
  ctx.out.push({
    ev: Ev.TRADE,
    seq: ctx.seq,
    ts: ctx.ts,
    tradeId: st.nextTradeId++,
    symbolId,
    type,
    price,
    qty,
    quote,
    buyOrderId: buy.orderId,
    sellOrderId: sell.orderId,
    buyUserId: buy.userId,
    sellUserId: sell.userId,
    makerSide: maker.side,
    buyFee: buyIsTaker ? takerFee : makerFee,
    sellFee: buyIsTaker ? makerFee : takerFee,
    buyRealizedPnl: buyIsTaker ? takerPnl : makerPnl,
    sellRealizedPnl: buyIsTaker ? makerPnl : takerPnl,
  });
  // the fee account after this fill (read models show it in the solvency check, SPEC §8.2); ADL fills
  // carry no fee and leave it alone
  if (takerFee !== 0 || makerFee !== 0 || type !== TradeType.ADL) {
    ctx.out.push({
      ev: Ev.FEE_ACCOUNT,
      seq: ctx.seq,
      ts: ctx.ts,
      balance: st.feeAccount,
      delta: takerFee + makerFee,
      reason: "TRADING_FEE",
      symbolId,
    });
  }
}

export class Settler {
  private readonly followReq = new MatchRequest();
  private readonly followReport = new MatchReport();
  /** set while a liquidation order is in the book: fills of that taker settle through it */
  liquidation: LiquidationTaker | null = null;

  /** `onTradePrice` hears every trade price in order (CONTRACT_PRICE triggers watch them). */
  constructor(
    private readonly st: SequencerState,
    private readonly ctx: CommandCtx,
    private readonly port: MatchPort,
    private readonly onTradePrice: (symbolId: number, price: number) => void,
  ) {}

  /** The order leaves the sequencer's open set; what remained of it is no longer reserved. */
  private close(o: OpenOrder, pos: Position): void {
    const rem = remainingOf(o);
    if (rem > 0) reserve(pos, o, rem, -1);
    this.st.orders.delete(o.orderId);
    pos.orderIds.delete(o.orderId);
  }

  /**
   * Applies one report of a request on `symbolId`. `own` is the order the request was about (placed,
   * amended, cancelled), whose OrderEvent the caller emits once at the end; `amend` says the request
   * amends `own` (an AMEND, or either half of the cancel + re-place that amends a post-only order's
   * price), so its removal is not its end and a post-only refusal expires it.
   */
  apply(report: MatchReport, symbolId: number, own: OpenOrder | null, amend: boolean): void {
    for (let i = 0; i < report.count; i++) {
      switch (report.kind(i)) {
        case ReportKind.TRADE:
          this.trade(report, i);
          break;
        case ReportKind.REMOVED: {
          if (report.field(i, 4) === RemoveReason.AMENDED) break;
          const o = this.st.orders.get(report.field(i, 1));
          if (o === undefined) throw new Error(`book removed unknown order ${report.field(i, 1)}`);
          if (o === own && amend) break; // the cancel half of a replace (post-only amend): it comes back
          o.status =
            report.field(i, 4) === RemoveReason.EXPIRED_IN_MATCH
              ? OrderStatus.EXPIRED_IN_MATCH
              : OrderStatus.CANCELED;
          this.close(o, o.pos!);
          if (o !== own) emitOrder(this.ctx, o);
          break;
        }
        case ReportKind.OUTCOME:
          if (own !== null && report.field(i, 1) === own.orderId)
            this.outcome(own, report.field(i, 3), amend);
          break;
        case ReportKind.LEVEL:
          this.ctx.level(
            symbolId,
            report.field(i, 1) as Side,
            report.field(i, 2),
            report.field(i, 3),
            report.field(i, 4),
          );
          break;
      }
    }
  }

  private outcome(o: OpenOrder, outcome: number, amend: boolean): void {
    const pos = o.pos!;
    switch (outcome) {
      case PlaceOutcome.RESTING:
        o.status = o.executedQty > 0 ? OrderStatus.PARTIALLY_FILLED : OrderStatus.NEW;
        return;
      case PlaceOutcome.FILLED:
        o.status = OrderStatus.FILLED;
        break;
      case PlaceOutcome.EXPIRED:
        o.status = OrderStatus.EXPIRED;
        break;
      case PlaceOutcome.EXPIRED_IN_MATCH:
        o.status = OrderStatus.EXPIRED_IN_MATCH;
        break;
      case PlaceOutcome.POST_ONLY_REJECTED:
        o.status = amend ? OrderStatus.EXPIRED : OrderStatus.REJECTED;
        o.rejectReason = RejectReason.POST_ONLY_REJECTED;
        break;
      case PlaceOutcome.FOK_REJECTED:
        o.status = OrderStatus.REJECTED;
        o.rejectReason = RejectReason.FOK_REJECTED;
        break;
      default:
        o.status = OrderStatus.REJECTED;
        o.rejectReason = RejectReason.DUPLICATE;
        break;
    }
    if (this.st.orders.get(o.orderId) === o) this.close(o, pos);
  }

  private trade(r: MatchReport, i: number): void {
    const st = this.st;
    const ctx = this.ctx;
    const maker = st.orders.get(r.field(i, 1));
    const liq = this.liquidation;
    const takerId = r.field(i, 3);
    const taker: TradeSide | undefined =
      liq !== null && takerId === liq.orderId ? liq : st.orders.get(takerId);
    if (maker === undefined || taker === undefined)
      throw new Error("book traded an order the sequencer does not hold");
    const price = r.field(i, 6);
    const qty = r.field(i, 7);
    const sym = st.symbols.get(maker.symbolId)!;
    const inst = sym.inst;
    const quote = mul(mul(price, qty), sym.factor);
    const makerFee = feeOf(quote, inst.makerFeeRate);
    const makerPos = maker.pos!;
    const makerAcc = makerPos.acc;
    const mark = sym.markPrice;
    let takerFee = 0;
    let takerPnl: number;
    if (taker === liq) {
      // the liquidated side pays no trading fee (SPEC §7); liquidation.ts settles it
      ctx.touch(makerAcc, makerPos);
      this.fill(maker, makerPos, qty, price);
      takerPnl = liq.fill(qty, price);
    } else {
      const t = taker as OpenOrder;
      takerFee = feeOf(quote, inst.takerFeeRate);
      const takerPos = t.pos!;
      const takerAcc = takerPos.acc;
      ctx.touch(takerAcc, takerPos);
      ctx.touch(makerAcc, makerPos);
      this.fill(t, takerPos, qty, price);
      this.fill(maker, makerPos, qty, price);
      const takerFund = isolatedFundPrice(t.side, price, t.bookPrice, mark);
      takerPnl = applyFill(st, ctx, takerAcc, takerPos, sym, t.side, qty, price, takerFee, takerFund);
    }
    const makerFund = isolatedFundPrice(maker.side, price, maker.bookPrice, mark);
    const makerPnl = applyFill(st, ctx, makerAcc, makerPos, sym, maker.side, qty, price, makerFee, makerFund);
    st.feeAccount = add(st.feeAccount, add(takerFee, makerFee));
    sym.lastPrice = price;
    const type = taker === liq ? TradeType.LIQUIDATION : TradeType.NORMAL;
    emitTrade(
      st,
      ctx,
      inst.symbolId,
      type,
      price,
      qty,
      quote,
      taker,
      takerFee,
      takerPnl,
      maker,
      makerFee,
      makerPnl,
    );
    if (remainingOf(maker) !== r.field(i, 8))
      throw new Error(`maker ${maker.orderId} remaining disagrees with book`);
    emitOrder(ctx, maker);
    this.onTradePrice(inst.symbolId, price);
  }

  /** An order's own bookkeeping for a fill (its position is settled by applyFill). */
  private fill(o: OpenOrder, pos: Position, qty: number, price: number): void {
    reserve(pos, o, qty, -1);
    o.executedQty += qty;
    o.cumQuoteUnits = add(o.cumQuoteUnits, mul(price, qty));
    if (remainingOf(o) === 0) {
      o.status = OrderStatus.FILLED;
      this.st.orders.delete(o.orderId);
      pos.orderIds.delete(o.orderId);
    } else {
      o.status = OrderStatus.PARTIALLY_FILLED;
    }
  }

  /**
   * Reduce-only invariant for one position after a command: reduce-only orders on a side that no longer
   * reduces are cancelled; on the reducing side, Σ all remaining ≤ |Q| whenever a reduce-only order rests
   * there, by shrinking reduce-only orders newest first (amend down keeps queue priority; to zero cancels).
   */
  cutBack(pos: Position): void {
    if (pos.buy.roQty === 0 && pos.sell.roQty === 0) return;
    const q = pos.qty;
    const reducing = q > 0 ? Side.SELL : q < 0 ? Side.BUY : -1;
    const side = reducing === Side.BUY ? pos.buy : pos.sell;
    let excess = reducing === -1 ? 0 : side.qty - Math.abs(q);
    const wrongSideRo = (reducing === Side.BUY ? pos.sell : pos.buy).roQty > 0 || reducing === -1;
    if (excess <= 0 && !wrongSideRo) return;
    const ids = [...pos.orderIds].reverse();
    for (const id of ids) {
      const o = this.st.orders.get(id)!;
      if (!o.reduceOnly) continue;
      const rem = remainingOf(o);
      if (o.side !== reducing) this.shrink(o, 0);
      else if (excess > 0) {
        const cut = Math.min(excess, rem);
        excess -= cut;
        this.shrink(o, rem - cut);
      }
    }
  }

  /**
   * Orders that reduce a position need no margin (pre-trade.ts). When a command shrinks a position, its
   * orders on the reducing side lose that allowance and may now open exposure nobody funded. If the
   * account cannot fund them (available < 0 after the command), the newest non-reduce-only orders on that
   * side are expired (EXPIRED, MARGIN_INSUFFICIENT) until it can, or until the side is back within the
   * position. `qtyBefore` is the position's size when the command started.
   */
  expireUnfunded(pos: Position, qtyBefore: number): void {
    const sellLost = (qtyBefore > 0 ? qtyBefore : 0) > (pos.qty > 0 ? pos.qty : 0) && pos.sell.qty > 0;
    const buyLost = (qtyBefore < 0 ? -qtyBefore : 0) > (pos.qty < 0 ? -pos.qty : 0) && pos.buy.qty > 0;
    if (!sellLost && !buyLost) return;
    const acc = pos.acc;
    if (availableOf(this.st, acc) >= 0) return;
    const ids = [...pos.orderIds].reverse();
    for (const id of ids) {
      const o = this.st.orders.get(id)!;
      if (o.reduceOnly || !(o.side === Side.SELL ? sellLost : buyLost)) continue;
      const side = o.side === Side.SELL ? pos.sell : pos.buy;
      const allowance = o.side === Side.SELL ? Math.max(0, pos.qty) : Math.max(0, -pos.qty);
      if (side.qty <= allowance) continue;
      this.shrink(o, 0);
      o.status = OrderStatus.EXPIRED;
      o.rejectReason = RejectReason.MARGIN_INSUFFICIENT;
      this.ctx.out[this.ctx.out.length - 1] = orderEventOf(this.ctx, o);
      if (availableOf(this.st, acc) >= 0) return;
    }
  }

  private shrink(o: OpenOrder, remaining: number): void {
    const req = this.followReq;
    req.symbolId = o.symbolId;
    req.orderId = o.orderId;
    req.userId = o.userId;
    req.side = o.side;
    req.price = o.bookPrice;
    if (remaining === 0) {
      req.op = MatchOp.CANCEL;
    } else {
      const pos = o.pos!;
      reserve(pos, o, remainingOf(o), -1);
      o.origQty = o.executedQty + remaining;
      reserve(pos, o, remaining, 1);
      req.op = MatchOp.AMEND;
      req.qty = remaining;
    }
    this.port.execute(req, this.followReport);
    this.apply(this.followReport, o.symbolId, o, remaining > 0);
    emitOrder(this.ctx, o);
  }
}

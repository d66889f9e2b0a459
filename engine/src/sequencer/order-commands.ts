// Order commands (PLACE_ORDER, AMEND_ORDER, CANCEL_ORDER, CANCEL_ALL): prepare (pre-trade.ts) → one
// MatchRequest through the MatchPort → settle (settle.ts) → reduce-only cut-back → events. Owner: the
// sequencer; this class holds no state of its own beyond reused scratch objects.
import type { AmendOrder, CancelAll, CancelOrder, PlaceOrder } from "@perpx/shared/commands";
import { OrderStatus, OrderType, TimeInForce } from "@perpx/shared/domain";
import { RejectReason } from "@perpx/shared/errors";
import type { CommandCtx } from "./command-ctx.js";
import { MatchOp, type MatchPort, MatchReport, MatchRequest } from "./match-port.js";
import { prepareAmend, preparePlace } from "./pre-trade.js";
import { emitOrder, Settler } from "./settle.js";
import type { OpenOrder, Position, SequencerState, SymbolState } from "./state.js";
import { positionOf, remainingOf } from "./state.js";

export class OrderCommands {
  private readonly req = new MatchRequest();
  private readonly report = new MatchReport();
  private readonly settler: Settler;

  /** `afterTrades` runs once per order command after settlement (the mark may follow the last trade). */
  constructor(
    private readonly st: SequencerState,
    private readonly ctx: CommandCtx,
    private readonly matcher: MatchPort,
    private readonly afterTrades: (sym: SymbolState) => void,
  ) {
    this.settler = new Settler(st, ctx, matcher);
  }

  placeOrder(cmd: PlaceOrder): RejectReason {
    const st = this.st;
    const acc = st.accounts.get(cmd.userId);
    if (!Number.isSafeInteger(cmd.orderId) || cmd.orderId <= 0 || typeof cmd.clientOrderId !== "string") {
      return RejectReason.INVALID_PARAMETER;
    }
    if (acc === undefined) return RejectReason.UNKNOWN_ACCOUNT;
    if (acc.clientOrderIds.has(cmd.clientOrderId) || st.orders.has(cmd.orderId))
      return RejectReason.DUPLICATE;
    acc.clientOrderIds.set(cmd.clientOrderId, cmd.orderId);
    const o = newOrder(cmd);
    const sym = st.symbols.get(cmd.symbolId);
    if (sym === undefined) return this.rejectOrder(o, RejectReason.UNKNOWN_SYMBOL);
    const pos = st.position(acc, sym);
    const reason = preparePlace(st, acc, pos, sym, cmd, o, this.req);
    if (reason !== RejectReason.NONE) return this.rejectOrder(o, reason);
    st.orders.set(o.orderId, o);
    pos.orderIds.add(o.orderId);
    this.execute(sym, pos, o, false);
    return RejectReason.NONE;
  }

  /** A refused order is an order event (status REJECTED), not a RejectEvent. */
  private rejectOrder(o: OpenOrder, reason: RejectReason): RejectReason {
    o.status = OrderStatus.REJECTED;
    o.rejectReason = reason;
    emitOrder(this.ctx, o);
    return RejectReason.NONE;
  }

  private ownOpenOrder(userId: number, symbolId: number, orderId: number): OpenOrder | RejectReason {
    const acc = this.st.accounts.get(userId);
    if (acc === undefined) return RejectReason.UNKNOWN_ACCOUNT;
    if (!this.st.symbols.has(symbolId)) return RejectReason.UNKNOWN_SYMBOL;
    const o = this.st.orders.get(orderId);
    if (o === undefined || o.userId !== userId || o.symbolId !== symbolId) return RejectReason.UNKNOWN_ORDER;
    return o;
  }

  amendOrder(cmd: AmendOrder): RejectReason {
    const o = this.ownOpenOrder(cmd.userId, cmd.symbolId, cmd.orderId);
    if (typeof o === "number") return o;
    const acc = this.st.accounts.get(cmd.userId)!;
    const sym = this.st.symbols.get(cmd.symbolId)!;
    const pos = positionOf(this.st, cmd.userId, cmd.symbolId);
    const repriced = cmd.price !== o.price;
    const reason = prepareAmend(this.st, acc, pos, sym, cmd, o, this.req);
    if (reason !== RejectReason.NONE) return reason;
    if (this.req.op === MatchOp.AMEND && repriced && o.tif === TimeInForce.GTX) {
      // A post-only order must not take when re-priced (Binance cancels it then). The book re-enters an
      // amended order as GTC, so a post-only re-price is a cancel plus a GTX place under the same id.
      const req = this.req;
      req.op = MatchOp.CANCEL;
      this.matcher.execute(req, this.report);
      if (this.report.result !== 0) throw new Error(`book does not hold order ${o.orderId}`);
      this.settler.apply(this.report, sym.inst.symbolId, o, true);
      req.op = MatchOp.PLACE;
      req.qty = remainingOf(o);
    }
    this.execute(sym, pos, o, this.req.op !== MatchOp.CANCEL);
    return RejectReason.NONE;
  }

  cancelOrder(cmd: CancelOrder): RejectReason {
    const o = this.ownOpenOrder(cmd.userId, cmd.symbolId, cmd.orderId);
    if (typeof o === "number") return o;
    const req = this.req;
    req.op = MatchOp.CANCEL;
    req.symbolId = o.symbolId;
    req.orderId = o.orderId;
    req.userId = o.userId;
    req.side = o.side;
    const sym = this.st.symbols.get(cmd.symbolId)!;
    this.execute(sym, positionOf(this.st, o.userId, o.symbolId), o, false);
    return RejectReason.NONE;
  }

  cancelAll(cmd: CancelAll): RejectReason {
    const acc = this.st.accounts.get(cmd.userId);
    if (acc === undefined) return RejectReason.UNKNOWN_ACCOUNT;
    const sym = this.st.symbols.get(cmd.symbolId);
    if (sym === undefined) return RejectReason.UNKNOWN_SYMBOL;
    const pos = acc.positions.get(cmd.symbolId);
    if (pos === undefined || pos.orderIds.size === 0) return RejectReason.NONE;
    const req = this.req;
    req.op = MatchOp.CANCEL_ALL;
    req.symbolId = cmd.symbolId;
    req.userId = cmd.userId;
    this.execute(sym, pos, null, false);
    return RejectReason.NONE;
  }

  /**
   * Sends the prepared request, settles the report, then the follow-ups: reduce-only orders kept within
   * their positions, and orders that lost their reduce allowance expired when the account cannot fund them.
   */
  private execute(sym: SymbolState, pos: Position, own: OpenOrder | null, amend: boolean): void {
    const report = this.report;
    this.matcher.execute(this.req, report);
    if (this.req.op === MatchOp.CANCEL && report.result !== 0) {
      throw new Error(`book does not hold order ${this.req.orderId} the sequencer holds`);
    }
    this.settler.apply(report, sym.inst.symbolId, own, amend);
    if (own !== null) emitOrder(this.ctx, own);
    const touched = this.ctx.positions;
    for (const p of touched) this.settler.cutBack(p);
    this.settler.cutBack(pos);
    for (let i = 0; i < touched.length; i++) this.settler.expireUnfunded(touched[i]!, this.ctx.qtyBefore[i]!);
    this.afterTrades(sym);
  }
}

function newOrder(cmd: PlaceOrder): OpenOrder {
  const market = cmd.type === OrderType.MARKET;
  return {
    orderId: cmd.orderId,
    clientOrderId: cmd.clientOrderId,
    userId: cmd.userId,
    symbolId: cmd.symbolId,
    side: cmd.side,
    type: cmd.type,
    tif: cmd.tif,
    status: OrderStatus.NEW,
    price: market ? 0 : cmd.price,
    bookPrice: 0,
    stopPrice: cmd.stopPrice,
    origQty: cmd.qty,
    executedQty: 0,
    cumQuoteUnits: 0,
    reduceOnly: cmd.reduceOnly,
    closePosition: cmd.closePosition,
    workingType: cmd.workingType,
    stp: cmd.stp,
    openLoss: 0,
    rejectReason: 0,
    createTime: cmd.ts,
  };
}

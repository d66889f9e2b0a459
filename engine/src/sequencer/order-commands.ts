// Order commands (PLACE_ORDER, AMEND_ORDER, CANCEL_ORDER, CANCEL_ALL): prepare (pre-trade.ts) → one
// MatchRequest through the MatchPort → settle (settle.ts) → reduce-only cut-back → events. Conditional
// orders (trigger-orders.ts) rest in trigger books until they fire; then `fireTrigger` runs them through
// the same prepare → match → settle path. Owner: the sequencer; this class holds no state of its own
// beyond reused scratch objects and the (derived) trigger books.
import type { AmendOrder, CancelAll, CancelOrder, PlaceOrder } from "@perpx/shared/commands";
import { Op } from "@perpx/shared/commands";
import { OrderStatus, OrderType, Side, TimeInForce } from "@perpx/shared/domain";
import { RejectReason } from "@perpx/shared/errors";
import type { CommandCtx } from "./command-ctx.js";
import { MatchOp, type MatchPort, MatchReport, MatchRequest } from "./match-port.js";
import { prepareAmend, preparePlace } from "./pre-trade.js";
import { emitOrder, Settler } from "./settle.js";
import type { Account, OpenOrder, Position, SequencerState, TriggerOrder } from "./state.js";
import { remainingOf } from "./state.js";
import type { SymbolState } from "./symbol-state.js";
import { checkTrigger, firesAsMarket, isTriggerType, TriggerBooks } from "./trigger-orders.js";

export class OrderCommands {
  private readonly req = new MatchRequest();
  private readonly report = new MatchReport();
  readonly settler: Settler;
  readonly triggers = new TriggerBooks();

  /**
   * `afterTrades` runs once per order execution after settlement (the mark may follow the last trade);
   * `onTradePrice` hears every trade price (CONTRACT_PRICE triggers).
   */
  constructor(
    private readonly st: SequencerState,
    private readonly ctx: CommandCtx,
    private readonly matcher: MatchPort,
    private readonly afterTrades: (sym: SymbolState) => void,
    onTradePrice: (symbolId: number, price: number) => void,
  ) {
    this.settler = new Settler(st, ctx, matcher, onTradePrice);
  }

  placeOrder(cmd: PlaceOrder): RejectReason {
    const st = this.st;
    const acc = st.accounts.get(cmd.userId);
    if (!Number.isSafeInteger(cmd.orderId) || cmd.orderId <= 0 || typeof cmd.clientOrderId !== "string") {
      return RejectReason.INVALID_PARAMETER;
    }
    if (acc === undefined) return RejectReason.UNKNOWN_ACCOUNT;
    if (
      acc.clientOrderIds.has(cmd.clientOrderId) ||
      st.orders.has(cmd.orderId) ||
      st.triggers.has(cmd.orderId)
    )
      return RejectReason.DUPLICATE;
    acc.clientOrderIds.set(cmd.clientOrderId, cmd.orderId);
    const sym = st.symbols.get(cmd.symbolId);
    if (isTriggerType(cmd.type)) return this.placeTrigger(cmd, acc, sym);
    const o = newOrder(cmd);
    if (sym === undefined) return this.rejectOrder(o, RejectReason.UNKNOWN_SYMBOL);
    const pos = st.position(acc, sym);
    const reason = preparePlace(st, acc, pos, sym, cmd, o, this.req);
    if (reason !== RejectReason.NONE) return this.rejectOrder(o, reason);
    st.orders.set(o.orderId, o);
    o.pos = pos;
    pos.orderIds.add(o.orderId);
    this.execute(sym, pos, o, false);
    return RejectReason.NONE;
  }

  /** A conditional order: checked, then filed UNTRIGGERED in its trigger book (nothing reserved). */
  private placeTrigger(cmd: PlaceOrder, acc: Account, sym: SymbolState | undefined): RejectReason {
    const o = newTrigger(cmd);
    if (sym === undefined) return this.rejectOrder(o, RejectReason.UNKNOWN_SYMBOL);
    let reason = checkTrigger(cmd, sym);
    const pos = this.st.position(acc, sym);
    if (reason === RejectReason.NONE && acc.inLiquidation) reason = RejectReason.ACCOUNT_IN_LIQUIDATION;
    if (reason === RejectReason.NONE && pos.orderIds.size + pos.triggerIds.size >= sym.inst.maxOpenOrders)
      reason = RejectReason.MAX_OPEN_ORDERS;
    if (reason !== RejectReason.NONE) return this.rejectOrder(o, reason);
    this.st.triggers.set(o.orderId, o);
    o.pos = pos;
    pos.triggerIds.add(o.orderId);
    this.triggers.add(o, sym);
    emitOrder(this.ctx, o);
    return RejectReason.NONE;
  }

  /**
   * A trigger order whose price was reached (already out of its trigger book): reported TRIGGERED, then
   * placed as its LIMIT / MARKET order under the same id through the ordinary pre-trade checks.
   */
  fireTrigger(o: TriggerOrder): void {
    const st = this.st;
    const sym = st.symbols.get(o.symbolId)!;
    const pos = o.pos!;
    const acc = pos.acc;
    st.triggers.delete(o.orderId);
    pos.triggerIds.delete(o.orderId);
    o.status = OrderStatus.TRIGGERED;
    emitOrder(this.ctx, o);
    o.status = OrderStatus.NEW;
    const market = firesAsMarket(o.type);
    let qty = o.origQty;
    if (o.closePosition) {
      // the whole position on the side this order closes (a reduce-only order; none → refused)
      const closes = o.side === Side.SELL ? pos.qty > 0 : pos.qty < 0;
      qty = closes ? Math.min(Math.abs(pos.qty), sym.inst.maxMarketQty) : 0;
      o.origQty = qty;
      if (qty === 0) {
        this.rejectOrder(o, RejectReason.REDUCE_ONLY_REJECTED);
        return;
      }
    }
    const cmd: PlaceOrder = {
      op: Op.PLACE_ORDER,
      ts: this.ctx.ts,
      orderId: o.orderId,
      userId: o.userId,
      symbolId: o.symbolId,
      clientOrderId: o.clientOrderId,
      side: o.side,
      type: market ? OrderType.MARKET : OrderType.LIMIT,
      tif: market ? TimeInForce.IOC : o.tif,
      price: o.price,
      qty,
      stopPrice: 0,
      reduceOnly: o.reduceOnly,
      closePosition: false,
      workingType: o.workingType,
      callbackRate: 0,
      activationPrice: 0,
      stp: o.stp,
    };
    const reason = preparePlace(st, acc, pos, sym, cmd, o, this.req);
    if (reason !== RejectReason.NONE) {
      this.rejectOrder(o, reason);
      return;
    }
    st.orders.set(o.orderId, o);
    pos.orderIds.add(o.orderId);
    this.execute(sym, pos, o, false);
  }

  /** A refused order is an order event (status REJECTED), not a RejectEvent. */
  private rejectOrder(o: OpenOrder, reason: RejectReason): RejectReason {
    o.status = OrderStatus.REJECTED;
    o.rejectReason = reason;
    emitOrder(this.ctx, o);
    return RejectReason.NONE;
  }

  private ownOpenOrder(userId: number, symbolId: number, orderId: number): OpenOrder | RejectReason {
    const own = this.st.orders.get(orderId) ?? this.st.triggers.get(orderId);
    // the usual case: an order exists only for a known account and symbol, so the checks below agree
    if (own !== undefined && own.userId === userId && own.symbolId === symbolId) return own;
    const acc = this.st.accounts.get(userId);
    if (acc === undefined) return RejectReason.UNKNOWN_ACCOUNT;
    if (!this.st.symbols.has(symbolId)) return RejectReason.UNKNOWN_SYMBOL;
    const o = this.st.orders.get(orderId) ?? this.st.triggers.get(orderId);
    if (o === undefined || o.userId !== userId || o.symbolId !== symbolId) return RejectReason.UNKNOWN_ORDER;
    return o;
  }

  amendOrder(cmd: AmendOrder): RejectReason {
    const o = this.ownOpenOrder(cmd.userId, cmd.symbolId, cmd.orderId);
    if (typeof o === "number") return o;
    if (o.status === OrderStatus.UNTRIGGERED) return RejectReason.INVALID_PARAMETER; // amend is for LIMIT
    const sym = this.st.symbols.get(cmd.symbolId)!;
    const pos = o.pos!;
    const acc = pos.acc;
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
    if (o.status === OrderStatus.UNTRIGGERED) {
      this.cancelTrigger(o as TriggerOrder);
      return RejectReason.NONE;
    }
    const req = this.req;
    req.op = MatchOp.CANCEL;
    req.symbolId = o.symbolId;
    req.orderId = o.orderId;
    req.userId = o.userId;
    req.side = o.side;
    const sym = this.st.symbols.get(cmd.symbolId)!;
    this.execute(sym, o.pos!, o, false);
    return RejectReason.NONE;
  }

  private cancelTrigger(o: TriggerOrder): void {
    this.triggers.remove(o);
    this.st.triggers.delete(o.orderId);
    o.pos!.triggerIds.delete(o.orderId);
    o.status = OrderStatus.CANCELED;
    emitOrder(this.ctx, o);
  }

  cancelAll(cmd: CancelAll): RejectReason {
    const acc = this.st.accounts.get(cmd.userId);
    if (acc === undefined) return RejectReason.UNKNOWN_ACCOUNT;
    if (!this.st.symbols.has(cmd.symbolId)) return RejectReason.UNKNOWN_SYMBOL;
    this.cancelAllOf(acc, cmd.symbolId);
    return RejectReason.NONE;
  }

  /**
   * Cancels every open order of the account on the symbol: the book's (bids best first, then asks) and
   * then the untriggered ones in placement order. Used by CANCEL_ALL, the dead-man switch, liquidation
   * and ADL.
   */
  cancelAllOf(acc: Account, symbolId: number): void {
    const pos = acc.positions.get(symbolId);
    if (pos === undefined) return;
    if (pos.orderIds.size > 0) {
      const req = this.req;
      req.op = MatchOp.CANCEL_ALL;
      req.symbolId = symbolId;
      req.userId = acc.userId;
      this.execute(this.st.symbols.get(symbolId)!, pos, null, false);
    }
    if (pos.triggerIds.size > 0) {
      for (const id of [...pos.triggerIds]) this.cancelTrigger(this.st.triggers.get(id)!);
    }
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
    this.followUps(pos);
    this.afterTrades(sym);
  }

  /** Reduce-only cut-back and unfunded-order expiry for every position the command touched (idempotent). */
  followUps(pos?: Position): void {
    const touched = this.ctx.positions;
    for (let i = 0; i < touched.length; i++) this.settler.cutBack(touched[i]!);
    if (pos !== undefined) this.settler.cutBack(pos);
    for (let i = 0; i < touched.length; i++) this.settler.expireUnfunded(touched[i]!, this.ctx.qtyBefore[i]!);
  }
}

function newOrder(cmd: PlaceOrder): OpenOrder {
  const market = cmd.type === OrderType.MARKET || firesAsMarket(cmd.type);
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
    pos: null,
  };
}

function newTrigger(cmd: PlaceOrder): TriggerOrder {
  return {
    ...newOrder(cmd),
    status: OrderStatus.UNTRIGGERED,
    // a close-position order is a reduce-only order for the whole position
    reduceOnly: cmd.reduceOnly || cmd.closePosition,
    callbackRate: cmd.callbackRate,
    activationPrice: cmd.activationPrice,
    active: false,
    extreme: 0,
    key: 0,
    heapIndex: -1,
  };
}

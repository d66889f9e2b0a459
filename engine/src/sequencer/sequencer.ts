// The sequencer: the engine's main-thread single writer of everything that is money (SPEC §1, §4, §5).
// It applies logged commands in their total order, runs pre-trade checks, sends orders to the matchers
// through a MatchPort and settles what they report into accounts, positions, fees and events.
// Owner: this class owns SequencerState; the books are owned by the MatchPort's matchers.
//
// Determinism: no clock, no randomness — every time comes from `cmd.ts`; every collection iterates in
// insertion order, which snapshot/restore preserves. Liquidation, funding and trigger orders are later
// issues: their hooks are `afterMarkChange` (liquidation scan), PAY_FUNDING / MARK_SAMPLE (no-ops now)
// and the trigger order types, refused with INVALID_PARAMETER for now.
import { createHash } from "node:crypto";
import type {
  AmendOrder,
  CancelAll,
  CancelOrder,
  CountdownCancelAll,
  LoggedCommand,
  MarkSample,
  OraclePrice,
  PayFunding,
  PlaceOrder,
  UpsertInstrument,
} from "@perpx/shared/commands";
import { Op } from "@perpx/shared/commands";
import type { Instrument } from "@perpx/shared/domain";
import { BalanceReason, notionalFactor, OrderStatus, OrderType, TimeInForce } from "@perpx/shared/domain";
import { RejectReason } from "@perpx/shared/errors";
import type { EngineEvent } from "@perpx/shared/events";
import { Ev } from "@perpx/shared/events";
import { add } from "@perpx/shared/fixed";
import {
  adjustIsolatedMargin,
  createUser,
  deposit,
  setLeverage,
  setMarginType,
  withdraw,
} from "./account-commands.js";
import { type CrossRisk, crossRisk } from "./account-risk.js";
import { CommandCtx } from "./command-ctx.js";
import { canonicalInstrument, isValidInstrument, sameUnits } from "./instrument-rules.js";
import { unrealizedPnl } from "./margin.js";
import { computeMark } from "./mark-price.js";
import { MatchOp, type MatchPort, MatchReport, MatchRequest } from "./match-port.js";
import { prepareAmend, preparePlace } from "./pre-trade.js";
import { emitOrder, Settler } from "./settle.js";
import { decodeState, encodeState } from "./snapshot.js";
import type { Account, OpenOrder, Position, SymbolState } from "./state.js";
import { positionOf, remainingOf, SequencerState } from "./state.js";

export interface Solvency {
  netDeposits: number;
  wallets: number;
  insuranceFund: number;
  feeAccount: number;
  unrealizedPnl: number;
  /** wallets + insuranceFund + feeAccount + unrealizedPnl − netDeposits: 0, or a bug */
  difference: number;
}

/** Set by `restore` for the one constructor call it makes (keeps the public constructor as specified). */
let restoring: SequencerState | undefined;

export class Sequencer {
  private readonly st: SequencerState;
  private readonly matcher: MatchPort;
  private readonly ctx = new CommandCtx();
  private readonly req = new MatchRequest();
  private readonly report = new MatchReport();
  private readonly settler: Settler;

  constructor(opts: { matcher: MatchPort; instruments?: readonly Instrument[] }) {
    const state = restoring;
    restoring = undefined;
    this.matcher = opts.matcher;
    this.st = state ?? new SequencerState();
    this.settler = new Settler(this.st, this.ctx, this.matcher);
    if (state === undefined) {
      for (const inst of opts.instruments ?? []) {
        if (!isValidInstrument(inst)) throw new RangeError(`invalid instrument ${inst.symbol}`);
        this.addSymbol(canonicalInstrument(inst));
      }
    }
  }

  /** seq of the last applied command (0 before any). */
  get lastSeq(): number {
    return this.st.lastSeq;
  }

  /**
   * Applies one logged command (seq must be lastSeq + 1), appending the events it causes to `out`, in
   * order. Never throws for bad input: rejects become events. Throws only on a sequence gap or an internal
   * inconsistency (a bug), after which the instance must not be used.
   */
  apply(lc: LoggedCommand, out: EngineEvent[]): void {
    if (lc.seq !== this.st.lastSeq + 1)
      throw new RangeError(`command seq ${lc.seq} after ${this.st.lastSeq}`);
    this.st.lastSeq = lc.seq;
    const cmd = lc.cmd;
    const ctx = this.ctx;
    ctx.begin(lc.seq, cmd.ts, out, BalanceReason.ORDER);
    let reason: RejectReason = RejectReason.NONE;
    let userId = 0;
    let ref = "";
    switch (cmd.op) {
      case Op.CREATE_USER:
        userId = cmd.userId;
        reason = createUser(this.st, ctx, cmd);
        break;
      case Op.DEPOSIT:
        userId = cmd.userId;
        ref = cmd.txId;
        reason = deposit(this.st, ctx, cmd);
        break;
      case Op.WITHDRAW:
        userId = cmd.userId;
        ref = cmd.withdrawId;
        reason = withdraw(this.st, ctx, cmd);
        break;
      case Op.SET_LEVERAGE:
        userId = cmd.userId;
        reason = setLeverage(this.st, ctx, cmd);
        break;
      case Op.SET_MARGIN_TYPE:
        userId = cmd.userId;
        reason = setMarginType(this.st, ctx, cmd);
        break;
      case Op.ADJUST_ISOLATED_MARGIN:
        userId = cmd.userId;
        reason = adjustIsolatedMargin(this.st, ctx, cmd);
        break;
      case Op.PLACE_ORDER:
        userId = cmd.userId;
        ref = String(cmd.orderId);
        reason = this.placeOrder(cmd);
        break;
      case Op.AMEND_ORDER:
        userId = cmd.userId;
        ref = String(cmd.orderId);
        reason = this.amendOrder(cmd);
        break;
      case Op.CANCEL_ORDER:
        userId = cmd.userId;
        ref = String(cmd.orderId);
        reason = this.cancelOrder(cmd);
        break;
      case Op.CANCEL_ALL:
        userId = cmd.userId;
        reason = this.cancelAll(cmd);
        break;
      case Op.UPSERT_INSTRUMENT:
        reason = this.upsertInstrument(cmd);
        break;
      case Op.ORACLE_PRICE:
        reason = this.oraclePrice(cmd);
        break;
      case Op.MARK_SAMPLE:
        this.markSample(cmd);
        break;
      case Op.PAY_FUNDING:
        this.payFunding(cmd);
        break;
      case Op.COUNTDOWN_CANCEL_ALL:
        this.countdownCancelAll(cmd);
        break;
      case Op.SNAPSHOT:
        break; // the runner snapshots; nothing changes here
      default:
        reason = RejectReason.INVALID_PARAMETER;
    }
    if (reason !== RejectReason.NONE) {
      out.push({
        ev: Ev.REJECT,
        seq: lc.seq,
        ts: cmd.ts,
        userId,
        op: (cmd as { op: number }).op,
        reason,
        ref,
      });
      return;
    }
    ctx.finish(this.st);
  }

  // ---------------------------------------------------------------------------------------------------
  // orders: prepare → matcher → settle

  private placeOrder(cmd: PlaceOrder): RejectReason {
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

  private amendOrder(cmd: AmendOrder): RejectReason {
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

  private cancelOrder(cmd: CancelOrder): RejectReason {
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

  private cancelAll(cmd: CancelAll): RejectReason {
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

  /** Sends the prepared request, settles the report, keeps reduce-only orders within positions. */
  private execute(sym: SymbolState, pos: Position, own: OpenOrder | null, amend: boolean): void {
    const report = this.report;
    this.matcher.execute(this.req, report);
    if (this.req.op === MatchOp.CANCEL && report.result !== 0) {
      throw new Error(`book does not hold order ${this.req.orderId} the sequencer holds`);
    }
    this.settler.apply(report, sym.inst.symbolId, own, amend);
    if (own !== null) emitOrder(this.ctx, own);
    for (const p of this.ctx.positions) this.settler.cutBack(p);
    this.settler.cutBack(pos);
    this.updateMark(sym);
  }

  // ---------------------------------------------------------------------------------------------------
  // instruments and prices

  private addSymbol(inst: Instrument): void {
    this.st.symbols.set(inst.symbolId, {
      inst,
      factor: notionalFactor(inst),
      indexPrice: 0,
      lastPrice: 0,
      markPrice: 0,
      bookUpdateId: 0,
    });
    this.matcher.addSymbol(inst.symbolId);
  }

  private upsertInstrument(cmd: UpsertInstrument): RejectReason {
    if (!isValidInstrument(cmd.instrument)) return RejectReason.INVALID_PARAMETER;
    const inst = canonicalInstrument(cmd.instrument);
    const sym = this.st.symbols.get(inst.symbolId);
    if (sym === undefined) this.addSymbol(inst);
    else if (!sameUnits(sym.inst, inst)) return RejectReason.INVALID_PARAMETER;
    else sym.inst = inst;
    this.ctx.out.push({ ev: Ev.INSTRUMENT, seq: this.ctx.seq, ts: this.ctx.ts, instrument: inst });
    return RejectReason.NONE;
  }

  private oraclePrice(cmd: OraclePrice): RejectReason {
    const sym = this.st.symbols.get(cmd.symbolId);
    if (sym === undefined) return RejectReason.UNKNOWN_SYMBOL;
    if (!Number.isSafeInteger(cmd.price) || cmd.price <= 0) return RejectReason.INVALID_PARAMETER;
    sym.indexPrice = cmd.price;
    this.updateMark(sym);
    this.ctx.out.push({
      ev: Ev.MARK,
      seq: this.ctx.seq,
      ts: this.ctx.ts,
      symbolId: sym.inst.symbolId,
      markPrice: sym.markPrice,
      indexPrice: sym.indexPrice,
      lastPrice: sym.lastPrice,
      fundingRate: 0,
      nextFundingTime: 0,
    });
    return RejectReason.NONE;
  }

  private updateMark(sym: SymbolState): void {
    const mark = computeMark({
      indexPrice: sym.indexPrice,
      lastPrice: sym.lastPrice,
      tick: sym.inst.tickUnits,
    });
    if (mark === sym.markPrice) return;
    sym.markPrice = mark;
    this.afterMarkChange(sym);
  }

  // Hooks of the later issues. Each command is accepted and, for now, changes nothing and emits nothing.

  /** Liquidation (SPEC §7): find the accounts the new mark made liquidatable (indexed, not a scan). */
  private afterMarkChange(_sym: SymbolState): void {}

  /** SPEC §6: premium / mid samples for the full mark formula (mark-price.ts) and the funding rate. */
  private markSample(_cmd: MarkSample): void {}

  /** SPEC §7 funding: pay every open position of the symbol(s) once per fundingTime. */
  private payFunding(_cmd: PayFunding): void {}

  /** Dead-man switch: arm or disarm; the cancel-all fires on the first command whose ts passes the deadline. */
  private countdownCancelAll(_cmd: CountdownCancelAll): void {}

  // ---------------------------------------------------------------------------------------------------
  // state: hash, snapshot, solvency, read-only views

  /** sha256 (hex) over the canonical snapshot bytes: sequencer state and every book. */
  stateHash(): string {
    return createHash("sha256").update(this.snapshot()).digest("hex");
  }

  /** Full state including the books (via the matcher): canonical, deterministic bytes. */
  snapshot(): Uint8Array {
    return encodeState(this.st, this.matcher);
  }

  /** A sequencer from snapshot bytes; `matcher` must be a fresh port (its books are loaded here). */
  static restore(bytes: Uint8Array, matcher: MatchPort): Sequencer {
    restoring = decodeState(bytes, matcher);
    return new Sequencer({ matcher });
  }

  /**
   * The conservation invariant of SPEC §2 at one common price per symbol (default: each symbol's mark):
   * Σ wallets (cross + isolated) + insurance fund + fee account + Σ UPnL − net deposits.
   */
  solvency(markBySymbol?: ReadonlyMap<number, number>): Solvency {
    let wallets = 0;
    let upnl = 0;
    for (const acc of this.st.accounts.values()) {
      wallets = add(wallets, acc.crossWallet);
      for (const p of acc.positions.values()) {
        wallets = add(wallets, p.isolatedWallet);
        if (p.qty === 0) continue;
        const sym = this.st.symbols.get(p.symbolId)!;
        const price = markBySymbol?.get(p.symbolId) ?? sym.markPrice;
        upnl = add(upnl, unrealizedPnl(p.qty, p.entryValue, price, sym.factor));
      }
    }
    const { netDeposits, insuranceFund, feeAccount } = this.st;
    const difference = wallets + insuranceFund + feeAccount + upnl - netDeposits;
    return { netDeposits, wallets, insuranceFund, feeAccount, unrealizedPnl: upnl, difference };
  }

  /** Read-only views (tests, read model bootstrap). Do not mutate what they return. */
  account(userId: number): Readonly<Account> | undefined {
    return this.st.accounts.get(userId);
  }
  position(userId: number, symbolId: number): Readonly<Position> | undefined {
    return this.st.accounts.get(userId)?.positions.get(symbolId);
  }
  openOrder(orderId: number): Readonly<OpenOrder> | undefined {
    return this.st.orders.get(orderId);
  }
  symbol(symbolId: number): Readonly<SymbolState> | undefined {
    return this.st.symbols.get(symbolId);
  }
  risk(userId: number): CrossRisk | undefined {
    const acc = this.st.accounts.get(userId);
    return acc === undefined ? undefined : crossRisk(this.st, acc);
  }
  /** Every account, in creation order. */
  accounts(): IterableIterator<Readonly<Account>> {
    return this.st.accounts.values();
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

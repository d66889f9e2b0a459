// The sequencer: the engine's main-thread single writer of everything that is money (SPEC §1, §4, §5).
// It applies logged commands in their total order, runs pre-trade checks, sends orders to the matchers
// through a MatchPort and settles what they report into accounts, positions, fees and events.
// Owner: this class owns SequencerState; the books are owned by the MatchPort's matchers.
//
// Each command: due dead-man switches fire first, then the command, then the risk work it left
// (risk-engine.ts: triggers, margin calls, liquidations, ADL), then the command's Position / Balance /
// Book events.
//
// Determinism: no clock, no randomness — every time comes from `cmd.ts`; every collection iterates in
// insertion order, which snapshot/restore preserves, and every index (trigger books, liquidation index,
// dead-man heap) orders by a total key, so one rebuilt from a snapshot behaves as the original.
import { createHash } from "node:crypto";
import type {
  LoggedCommand,
  MarkSample,
  OraclePrice,
  PayFunding,
  UpsertInstrument,
} from "@perpx/shared/commands";
import { Op } from "@perpx/shared/commands";
import type { Instrument } from "@perpx/shared/domain";
import { BalanceReason, notionalFactor } from "@perpx/shared/domain";
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
import { type AdlQuantile, adlQuantiles } from "./adl.js";
import { CommandCtx } from "./command-ctx.js";
import { Countdowns } from "./countdown.js";
import { basisStats, fundingRate, intervalMs, nextFundingTime, payFunding, takeSample } from "./funding.js";
import { canonicalInstrument, isValidInstrument, sameUnits } from "./instrument-rules.js";
import type { LiquidationStats } from "./liquidation.js";
import { unrealizedPnl } from "./margin.js";
import { availableOf } from "./margin-cache.js";
import { computeMark } from "./mark-price.js";
import { type MatchPort, MatchReport, MatchRequest } from "./match-port.js";
import { OrderCommands } from "./order-commands.js";
import { RiskEngine } from "./risk-engine.js";
import { decodeState, encodeState } from "./snapshot.js";
import type { Account, Countdown, OpenOrder, Position, TriggerOrder } from "./state.js";
import { SequencerState } from "./state.js";
import { newSymbolState, type SymbolState } from "./symbol-state.js";

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
  private readonly orders: OrderCommands;
  private readonly riskEngine: RiskEngine;
  private readonly countdowns: Countdowns;
  private readonly sampleReq = new MatchRequest();
  private readonly sampleReport = new MatchReport();
  /** a due dead-man switch cancels the user's orders on the symbol (bound once: no closure per command) */
  private readonly fireCountdown = (c: Countdown): void =>
    this.orders.cancelAllOf(this.st.accounts.get(c.userId)!, c.symbolId);

  constructor(opts: { matcher: MatchPort; instruments?: readonly Instrument[] }) {
    const state = restoring;
    restoring = undefined;
    this.matcher = opts.matcher;
    this.st = state ?? new SequencerState();
    this.orders = new OrderCommands(
      this.st,
      this.ctx,
      this.matcher,
      (sym) => {
        // without an index the mark is the last trade (and is published when it moves)
        if (sym.indexPrice === 0 && this.updateMark(sym)) this.emitMark(sym);
      },
      (symbolId, price) => this.riskEngine.onTradePrice(symbolId, price),
    );
    this.riskEngine = new RiskEngine(this.st, this.ctx, this.matcher, this.orders);
    this.countdowns = new Countdowns(this.st);
    if (state !== undefined) {
      this.orders.triggers.rebuild(this.st);
      this.riskEngine.index.rebuild(this.st);
      this.countdowns.rebuild();
    } else {
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
    this.countdowns.due(cmd.ts, this.fireCountdown);
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
        reason = this.orders.placeOrder(cmd);
        break;
      case Op.AMEND_ORDER:
        userId = cmd.userId;
        reason = this.orders.amendOrder(cmd);
        break;
      case Op.CANCEL_ORDER:
        userId = cmd.userId;
        reason = this.orders.cancelOrder(cmd);
        break;
      case Op.CANCEL_ALL:
        userId = cmd.userId;
        reason = this.orders.cancelAll(cmd);
        break;
      case Op.UPSERT_INSTRUMENT:
        reason = this.upsertInstrument(cmd);
        break;
      case Op.ORACLE_PRICE:
        reason = this.oraclePrice(cmd);
        break;
      case Op.MARK_SAMPLE:
        reason = this.markSample(cmd);
        break;
      case Op.PAY_FUNDING:
        reason = this.payFunding(cmd);
        break;
      case Op.COUNTDOWN_CANCEL_ALL:
        userId = cmd.userId;
        reason = this.countdowns.arm(cmd);
        break;
      case Op.SNAPSHOT:
        break; // the runner snapshots; nothing changes here
      default:
        reason = RejectReason.INVALID_PARAMETER;
    }
    if (reason !== RejectReason.NONE) {
      // the reject's ref is built only for a reject (no string per accepted order command)
      if (cmd.op === Op.PLACE_ORDER || cmd.op === Op.AMEND_ORDER || cmd.op === Op.CANCEL_ORDER) {
        ref = String(cmd.orderId);
      }
      out.push({
        ev: Ev.REJECT,
        seq: lc.seq,
        ts: cmd.ts,
        userId,
        op: (cmd as { op: number }).op,
        reason,
        ref,
      });
    }
    this.riskEngine.settle();
    ctx.finish(this.st);
  }

  // ---------------------------------------------------------------------------------------------------
  // instruments and prices

  private addSymbol(inst: Instrument): void {
    this.st.symbols.set(inst.symbolId, newSymbolState(inst, notionalFactor(inst)));
    this.matcher.addSymbol(inst.symbolId);
  }

  private upsertInstrument(cmd: UpsertInstrument): RejectReason {
    if (!isValidInstrument(cmd.instrument)) return RejectReason.INVALID_PARAMETER;
    const inst = canonicalInstrument(cmd.instrument);
    const sym = this.st.symbols.get(inst.symbolId);
    if (sym === undefined) this.addSymbol(inst);
    else if (!sameUnits(sym.inst, inst)) return RejectReason.INVALID_PARAMETER;
    else {
      sym.inst = inst;
      // brackets may have changed: every holder's liquidation keys are re-derived (an admin command)
      for (const acc of this.st.accounts.values()) {
        if ((acc.positions.get(inst.symbolId)?.qty ?? 0) !== 0) this.riskEngine.markDirty(acc);
      }
    }
    this.ctx.out.push({ ev: Ev.INSTRUMENT, seq: this.ctx.seq, ts: this.ctx.ts, instrument: inst });
    return RejectReason.NONE;
  }

  private oraclePrice(cmd: OraclePrice): RejectReason {
    const sym = this.st.symbols.get(cmd.symbolId);
    if (sym === undefined) return RejectReason.UNKNOWN_SYMBOL;
    if (!Number.isSafeInteger(cmd.price) || cmd.price <= 0) return RejectReason.INVALID_PARAMETER;
    sym.indexPrice = cmd.price;
    this.updateMark(sym);
    this.emitMark(sym);
    return RejectReason.NONE;
  }

  /** SPEC §6: a basis + premium sample from each symbol's book, then its mark. */
  private markSample(cmd: MarkSample): RejectReason {
    for (const sym of this.symbolsOf(cmd.symbolId)) {
      takeSample(sym, this.matcher, this.sampleReq, this.sampleReport);
      this.updateMark(sym);
      if (sym.markPrice > 0) this.emitMark(sym);
    }
    return cmd.symbolId === 0 || this.st.symbols.has(cmd.symbolId)
      ? RejectReason.NONE
      : RejectReason.UNKNOWN_SYMBOL;
  }

  /** SPEC §7 funding: pay every open position of the symbol(s) once per fundingTime. */
  private payFunding(cmd: PayFunding): RejectReason {
    if (!Number.isSafeInteger(cmd.fundingTime) || cmd.fundingTime <= 0) return RejectReason.INVALID_PARAMETER;
    if (cmd.symbolId !== 0 && !this.st.symbols.has(cmd.symbolId)) return RejectReason.UNKNOWN_SYMBOL;
    for (const sym of this.symbolsOf(cmd.symbolId)) payFunding(this.st, this.ctx, sym, cmd.fundingTime);
    return RejectReason.NONE;
  }

  private symbolsOf(symbolId: number): SymbolState[] {
    if (symbolId === 0) return [...this.st.symbols.values()];
    const sym = this.st.symbols.get(symbolId);
    return sym === undefined ? [] : [sym];
  }

  /** Recomputes the mark; true when it changed. */
  private updateMark(sym: SymbolState): boolean {
    const ts = this.ctx.ts;
    const basis = basisStats(sym);
    const mark = computeMark({
      indexPrice: sym.indexPrice,
      lastPrice: sym.lastPrice,
      tick: sym.inst.tickUnits,
      lastFundingRate: sym.lastFundingRate,
      timeToFunding: nextFundingTime(ts, sym) - ts,
      intervalMs: intervalMs(sym),
      basisSum: basis.sum,
      basisCount: basis.count,
    });
    if (mark === sym.markPrice) return false;
    sym.markPrice = mark;
    this.st.markStamp++;
    this.riskEngine.onMarkChange(sym.inst.symbolId);
    return true;
  }

  private emitMark(sym: SymbolState): void {
    this.ctx.out.push({
      ev: Ev.MARK,
      seq: this.ctx.seq,
      ts: this.ctx.ts,
      symbolId: sym.inst.symbolId,
      markPrice: sym.markPrice,
      indexPrice: sym.indexPrice,
      lastPrice: sym.lastPrice,
      fundingRate: fundingRate(sym),
      nextFundingTime: nextFundingTime(this.ctx.ts, sym),
    });
  }

  // ---------------------------------------------------------------------------------------------------
  // state: hash, snapshot, solvency, read-only views

  /** sha256 (hex) over the canonical snapshot bytes: sequencer state and every book. */
  stateHash(): string {
    return createHash("sha256").update(this.snapshot()).digest("hex");
  }

  /** Full state including the books (via the matcher): canonical, deterministic bytes. */
  snapshot(): Uint8Array {
    this.orders.triggers.syncExtremes(this.st);
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
  /** An untriggered conditional order. */
  triggerOrder(orderId: number): Readonly<TriggerOrder> | undefined {
    return this.st.triggers.get(orderId);
  }
  /** ADL quantile (1–5, 5 = first in line) of each of the user's open positions (adl.ts). */
  adlQuantiles(userId: number): AdlQuantile[] {
    return adlQuantiles(this.st, userId);
  }
  /** Liquidations, ADL fills and exact risk checks since this instance started (tests, benchmarks; not state). */
  liquidationStats(): Readonly<LiquidationStats> {
    return this.riskEngine.liquidator.stats;
  }
  /** Positions in the liquidation index (benchmarks). */
  riskIndexSize(): number {
    return this.riskEngine.index.size;
  }
  symbol(symbolId: number): Readonly<SymbolState> | undefined {
    return this.st.symbols.get(symbolId);
  }
  /**
   * The available balance as the margin checks see it: from the running totals (margin-cache.ts), which
   * must equal `risk(userId).available` (computed from scratch) at all times (tests compare them).
   */
  availableBalance(userId: number): number | undefined {
    const acc = this.st.accounts.get(userId);
    return acc === undefined ? undefined : availableOf(this.st, acc);
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

// In-process read model (embedded mode): a projection of EngineEvents kept in memory, answering every
// query of SPEC §8.2. Owner: whoever calls apply() (the engine's event publisher); single writer,
// routes only read. Idempotency: events with a seq below the highest seq applied are skipped, so a
// redelivered batch from an earlier command changes nothing (the events of one seq must not be
// delivered twice). Which fields come from events and which are derived: see user-state.ts and
// account-view.ts.

import type { AdlScore } from "@perpx/shared/adl";
import type { Instrument } from "@perpx/shared/domain";
import { TRADE_TYPE_NAMES } from "@perpx/shared/domain";
import type { EngineEvent } from "@perpx/shared/events";
import { formatDecimal, formatMoney, formatRate } from "@perpx/shared/fixed";
import { accountView, adlScore, positionRisks, positionViews, quintile } from "./account-view.js";
import {
  bracketViews,
  instrumentView,
  marginTypeName,
  nameOf,
  orderView,
  rejectName,
  selectRange,
} from "./format.js";
import { EventProjector } from "./projector.js";
import type { RangeQuery, ReadModel } from "./read-model.js";
import { positionsAtRisk } from "./risk-view.js";
import type { UserState } from "./user-state.js";
import { OPEN_STATUSES } from "./user-state.js";
import type * as V from "./views.js";

export interface MemoryReadModelOptions {
  /** instruments known before any INSTRUMENT event (tests; the engine publishes them otherwise) */
  instruments?: readonly Instrument[];
}

export class MemoryReadModel implements ReadModel {
  private readonly s: EventProjector;

  constructor(opts: MemoryReadModelOptions = {}) {
    this.s = new EventProjector();
    for (const inst of opts.instruments ?? []) this.s.upsertInstrument(inst);
  }

  apply(events: readonly EngineEvent[]): void {
    this.s.apply(events);
  }
  lastSeq(): number {
    return this.s.lastSeq;
  }

  instrument(symbol: string): Instrument | undefined {
    const id = this.s.symbolIds.get(symbol);
    return id === undefined ? undefined : this.s.markets.get(id)?.inst;
  }
  instrumentById(symbolId: number): Instrument | undefined {
    return this.s.markets.get(symbolId)?.inst;
  }
  instruments(): readonly Instrument[] {
    return [...this.s.markets.values()].map((m) => m.inst).sort((a, b) => a.symbolId - b.symbolId);
  }
  instrumentViews(): V.InstrumentView[] {
    return this.instruments().map(instrumentView);
  }
  leverageBrackets(symbolId?: number): V.LeverageBracketsView[] {
    return this.instruments()
      .filter((i) => symbolId === undefined || i.symbolId === symbolId)
      .map((i) => ({ symbol: i.symbol, brackets: bracketViews(i) }));
  }
  markPrice(symbolId: number): number | undefined {
    return this.s.markets.get(symbolId)?.mark;
  }
  userExists(userId: number): boolean {
    return this.s.users.has(userId);
  }
  maxOrderId(): number {
    return this.s.maxOrderId;
  }

  private view(u: UserState | undefined, orderId: number | undefined): V.OrderView | undefined {
    if (!u || orderId === undefined) return undefined;
    const r = u.orders.get(orderId);
    const inst = r && this.s.markets.get(r.e.symbolId)?.inst;
    return r && inst ? orderView(r.e, inst, r.updateTime) : undefined;
  }
  orderById(userId: number, orderId: number): V.OrderView | undefined {
    return this.view(this.s.users.get(userId), orderId);
  }
  orderByClientId(userId: number, clientOrderId: string): V.OrderView | undefined {
    const u = this.s.users.get(userId);
    return this.view(u, u?.byClientId.get(clientOrderId));
  }
  knowsClientOrderId(userId: number, clientOrderId: string): boolean {
    const u = this.s.users.get(userId);
    const id = u?.byClientId.get(clientOrderId);
    return id !== undefined && u?.orders.has(id) === true;
  }
  isOpen(userId: number, orderId: number): boolean | undefined {
    const r = this.s.users.get(userId)?.orders.get(orderId);
    return r ? OPEN_STATUSES.has(r.e.status) : undefined;
  }
  openOrders(userId: number, symbolId?: number): V.OrderView[] {
    const u = this.s.users.get(userId);
    if (!u) return [];
    const out: V.OrderView[] = [];
    for (const id of u.open) {
      const r = u.orders.get(id);
      if (r && (symbolId === undefined || r.e.symbolId === symbolId)) {
        const v = this.view(u, id);
        if (v) out.push(v);
      }
    }
    return out.sort((a, b) => a.time - b.time);
  }
  orderHistory(userId: number, q: RangeQuery): V.OrderView[] {
    const u = this.s.users.get(userId);
    if (!u) return [];
    return selectRange(
      u.history,
      (r) => r.e.createTime,
      (r) => r.e.symbolId,
      q,
    ).flatMap((r) => {
      const inst = this.s.markets.get(r.e.symbolId)?.inst;
      return inst ? [orderView(r.e, inst, r.updateTime)] : [];
    });
  }
  userTrades(userId: number, q: RangeQuery): V.UserTradeView[] {
    const u = this.s.users.get(userId);
    if (!u) return [];
    return selectRange(
      u.trades,
      (t) => t.time,
      (t) => t.symbolId,
      q,
    ).flatMap((t) => {
      const inst = this.s.markets.get(t.symbolId)?.inst;
      if (!inst) return [];
      return [
        {
          tradeId: t.tradeId,
          orderId: String(t.orderId),
          symbol: inst.symbol,
          side: t.side === 0 ? "BUY" : "SELL",
          price: formatDecimal(t.price, inst.priceDecimals),
          qty: formatDecimal(t.qty, inst.qtyDecimals),
          quoteQty: formatMoney(t.quote),
          commission: formatMoney(t.fee),
          commissionAsset: inst.quoteAsset,
          realizedPnl: formatMoney(t.realizedPnl),
          maker: t.maker,
          type: nameOf(TRADE_TYPE_NAMES, t.type),
          time: t.time,
        },
      ];
    });
  }

  account(userId: number): V.AccountView | undefined {
    const u = this.s.users.get(userId);
    return u ? accountView(u, this.s.markets) : undefined;
  }
  positions(userId: number): V.PositionView[] {
    const u = this.s.users.get(userId);
    return u ? positionViews(u, this.s.markets) : [];
  }
  userFunding(userId: number, q: RangeQuery): V.FundingPaymentView[] {
    const u = this.s.users.get(userId);
    if (!u) return [];
    return selectRange(
      u.funding,
      (f) => f.fundingTime,
      (f) => f.symbolId,
      q,
    ).flatMap((f) => {
      const inst = this.s.markets.get(f.symbolId)?.inst;
      if (!inst) return [];
      return [
        {
          symbol: inst.symbol,
          fundingTime: f.fundingTime,
          fundingRate: formatRate(f.fundingRate),
          positionAmt: formatDecimal(f.positionQty, inst.qtyDecimals),
          markPrice: formatDecimal(f.markPrice, inst.priceDecimals),
          amount: formatMoney(f.amount),
        },
      ];
    });
  }
  transactions(userId: number, q: RangeQuery): V.TransactionView[] {
    const u = this.s.users.get(userId);
    if (!u) return [];
    return selectRange(
      u.txs,
      (t) => t.time,
      (t) => t.symbolId,
      q,
    ).map((t) => ({
      tranId: t.tranId,
      type: t.type,
      symbol: this.s.markets.get(t.symbolId)?.inst.symbol ?? "",
      asset: "USDT",
      amount: formatMoney(t.amount),
      info: t.info,
      time: t.time,
    }));
  }
  adlQuantile(userId: number): V.AdlQuantileView[] {
    const u = this.s.users.get(userId);
    if (!u) return [];
    return positionRisks(u, this.s.markets).map((mine) => {
      const scores: AdlScore[] = [];
      let myScore: AdlScore | undefined;
      for (const holder of this.s.holders(mine.p.symbolId)) {
        const risks = positionRisks(holder, this.s.markets);
        let crossEquity = holder.crossWallet;
        for (const r of risks) if (r.p.marginType === 0) crossEquity += r.upnl;
        for (const r of risks) {
          if (r.p.symbolId !== mine.p.symbolId || Math.sign(r.p.qty) !== Math.sign(mine.p.qty)) continue;
          const s = adlScore(r, crossEquity);
          scores.push(s);
          if (holder === u) myScore = s;
        }
      }
      return {
        symbol: mine.m.inst.symbol,
        adlQuantile: myScore === undefined ? 0 : quintile(myScore, scores),
      };
    });
  }
  settings(userId: number, symbolId: number): { leverage: number; marginType: string } {
    const inst = this.s.markets.get(symbolId)?.inst;
    const st = this.s.users.get(userId)?.setting(symbolId, inst?.defaultLeverage ?? 20);
    return {
      leverage: st?.leverage ?? inst?.defaultLeverage ?? 20,
      marginType: marginTypeName(st?.marginType ?? 0),
    };
  }

  depth(symbolId: number, limit: number): V.DepthView {
    return this.s.markets.get(symbolId)?.depth(limit) ?? { lastUpdateId: 0, bids: [], asks: [] };
  }
  recentTrades(symbolId: number, limit: number): V.PublicTradeView[] {
    return this.s.markets.get(symbolId)?.recentTrades(limit) ?? [];
  }
  ticker24h(symbolId: number, now: number): V.TickerView {
    const m = this.s.markets.get(symbolId);
    if (!m) throw new RangeError(`unknown symbolId ${symbolId}`);
    return m.ticker(now);
  }
  premiumIndex(symbolId: number): V.PremiumIndexView {
    const m = this.s.markets.get(symbolId);
    if (!m) throw new RangeError(`unknown symbolId ${symbolId}`);
    const pd = m.inst.priceDecimals;
    return {
      symbol: m.inst.symbol,
      markPrice: formatDecimal(m.mark ?? 0, pd),
      indexPrice: formatDecimal(m.index ?? 0, pd),
      lastFundingRate: formatRate(m.lastFundingRate),
      predictedFundingRate: formatRate(m.predictedRate),
      interestRate: formatRate(m.inst.interestRate),
      nextFundingTime: m.nextFundingTime,
      time: m.markTime,
    };
  }
  fundingRates(symbolId: number, q: RangeQuery): V.FundingRateView[] {
    const m = this.s.markets.get(symbolId);
    return m ? m.fundingRateViews(q.startTime ?? 0, q.endTime ?? Number.MAX_SAFE_INTEGER, q.limit) : [];
  }

  insuranceFund(): V.InsuranceFundView {
    return { asset: "USDT", balance: formatMoney(this.s.insurance), updateTime: this.s.insuranceTime };
  }
  insuranceHistory(limit: number): V.InsuranceHistoryView[] {
    const h = this.s.insuranceRows;
    return h.slice(Math.max(0, h.length - limit)).map((r) => ({
      symbol: this.s.markets.get(r.symbolId)?.inst.symbol ?? "",
      delta: formatMoney(r.delta),
      balance: formatMoney(r.balance),
      reason: r.reason,
      time: r.time,
    }));
  }
  solvency(): V.SolvencyView {
    const t = this.s.solvencyTotals();
    return {
      asset: "USDT",
      netDeposits: formatMoney(t.netDeposits),
      walletBalances: formatMoney(t.wallets),
      insuranceFund: formatMoney(t.insurance),
      feeAccount: formatMoney(t.feeAccount),
      unrealizedPnl: formatMoney(t.upnl),
      difference: formatMoney(t.wallets + t.insurance + t.feeAccount + t.upnl - t.netDeposits),
    };
  }

  positionsAtRisk(limit: number): V.AtRiskPositionView[] {
    const holders = new Set<UserState>();
    for (const symbolId of this.s.markets.keys()) for (const u of this.s.holders(symbolId)) holders.add(u);
    return positionsAtRisk(holders, this.s.markets, limit);
  }

  deposit(txId: string): V.DepositView | undefined {
    return this.s.deposits.get(txId);
  }
  withdrawal(withdrawId: string): V.WithdrawalView | undefined {
    return this.s.withdrawals.get(withdrawId);
  }
  rejectsAt(seq: number): V.RejectView[] {
    return (this.s.rejects.get(seq) ?? []).map((r) => ({ ...r, reason: rejectName(r.reason) }));
  }
}

// The state behind MemoryReadModel and the one place that applies EngineEvents to it.
// Owner: MemoryReadModel.apply (single writer). Absolute values from events (wallets, positions, order
// states, book levels, insurance and fee balances) are stored as published; lists (trades, funding,
// transactions) are appended. Units stay integer until the views format them.
import type { Instrument } from "@perpx/shared/domain";
import {
  type BalanceEvent,
  type DepositEvent,
  type EngineEvent,
  Ev,
  type OrderEvent,
  type PositionEvent,
  type TradeEvent,
  type WithdrawalEvent,
} from "@perpx/shared/events";
import { formatMoney } from "@perpx/shared/fixed";
import { orderCost, unrealizedPnl } from "./margin-math.js";
import { MarketState } from "./market-state.js";
import { OPEN_STATUSES, type OrderRec, reservesMargin, type TxType, UserState } from "./user-state.js";
import type { DepositView, WithdrawalView } from "./views.js";

/** Non-order rejects kept for ?wait answers, by seq (oldest dropped beyond this many seqs). */
const MAX_REJECT_SEQS = 100_000;

interface RejectRec {
  seq: number;
  userId: number;
  op: number;
  reason: number;
  ref: string;
}

export class EventProjector {
  lastSeq = 0;
  maxOrderId = 0;
  readonly markets = new Map<number, MarketState>();
  readonly symbolIds = new Map<string, number>();
  readonly users = new Map<number, UserState>();
  /** symbolId → users holding a position in it (ADL ranking, solvency) */
  private readonly holding = new Map<number, Set<UserState>>();
  readonly deposits = new Map<string, DepositView>();
  readonly withdrawals = new Map<string, WithdrawalView>();
  readonly rejects = new Map<number, RejectRec[]>();
  insurance = 0;
  insuranceTime = 0;
  readonly insuranceRows: {
    symbolId: number;
    delta: number;
    balance: number;
    reason: string;
    time: number;
  }[] = [];
  feeAccount = 0;
  netDeposits = 0;
  private txSeq = 0;

  upsertInstrument(inst: Instrument): void {
    const m = this.markets.get(inst.symbolId);
    if (m) {
      this.symbolIds.delete(m.inst.symbol);
      m.inst = inst;
    } else this.markets.set(inst.symbolId, new MarketState(inst));
    this.symbolIds.set(inst.symbol, inst.symbolId);
  }

  user(userId: number): UserState {
    let u = this.users.get(userId);
    if (!u) {
      u = new UserState(userId);
      this.users.set(userId, u);
    }
    return u;
  }

  holders(symbolId: number): Iterable<UserState> {
    return this.holding.get(symbolId) ?? [];
  }

  apply(events: readonly EngineEvent[]): void {
    for (const e of events) {
      if (e.seq < this.lastSeq) continue;
      this.lastSeq = e.seq;
      this.one(e);
    }
  }

  private one(e: EngineEvent): void {
    switch (e.ev) {
      case Ev.USER:
        this.user(e.userId).updateTime = e.ts;
        return;
      case Ev.INSTRUMENT:
        this.upsertInstrument(e.instrument);
        return;
      case Ev.ORDER:
        this.order(e);
        return;
      case Ev.TRADE:
        this.trade(e);
        return;
      case Ev.POSITION:
        this.position(e);
        return;
      case Ev.BALANCE:
        this.wallet(e);
        return;
      case Ev.DEPOSIT:
        this.depositOrWithdrawal(e, 1);
        return;
      case Ev.WITHDRAWAL:
        this.depositOrWithdrawal(e, -1);
        return;
      case Ev.BOOK:
        this.markets.get(e.symbolId)?.applyBook(e);
        return;
      case Ev.MARK:
        this.markets.get(e.symbolId)?.applyMark(e);
        return;
      case Ev.FUNDING_RATE:
        this.markets.get(e.symbolId)?.applyFundingRate(e.fundingTime, e.fundingRate, e.markPrice);
        return;
      case Ev.FUNDING_PAYMENT: {
        const u = this.user(e.userId);
        u.funding.push({
          symbolId: e.symbolId,
          fundingTime: e.fundingTime,
          fundingRate: e.fundingRate,
          positionQty: e.positionQty,
          markPrice: e.markPrice,
          amount: e.amount,
          time: e.ts,
        });
        this.tx(u, "FUNDING_FEE", e.symbolId, e.amount, String(e.fundingTime), e.ts);
        return;
      }
      case Ev.INSURANCE:
        this.insurance = e.balance;
        this.insuranceTime = e.ts;
        this.insuranceRows.push({
          symbolId: e.symbolId,
          delta: e.delta,
          balance: e.balance,
          reason: e.reason,
          time: e.ts,
        });
        return;
      case Ev.FEE_ACCOUNT:
        this.feeAccount = e.balance;
        return;
      case Ev.REJECT: {
        const list = this.rejects.get(e.seq);
        const rec = { seq: e.seq, userId: e.userId, op: e.op, reason: e.reason, ref: e.ref };
        if (list) list.push(rec);
        else {
          this.rejects.set(e.seq, [rec]);
          if (this.rejects.size > MAX_REJECT_SEQS) {
            const oldest = this.rejects.keys().next().value;
            if (oldest !== undefined) this.rejects.delete(oldest);
          }
        }
        return;
      }
      case Ev.LEVERAGE:
        this.user(e.userId).settings.set(e.symbolId, { leverage: e.leverage, marginType: e.marginType });
        return;
      case Ev.MARGIN_CALL:
        return; // stream only
    }
  }

  private order(e: OrderEvent): void {
    const u = this.user(e.userId);
    let rec = u.orders.get(e.orderId);
    let amended = false;
    if (!rec) {
      rec = { e, updateTime: e.ts, reserved: 0, reservedQty: 0 };
      u.orders.set(e.orderId, rec);
      u.byClientId.set(e.clientOrderId, e.orderId);
      u.history.push(rec);
      if (e.orderId > this.maxOrderId) this.maxOrderId = e.orderId;
    } else {
      amended = rec.e.price !== e.price || rec.e.origQty !== e.origQty;
      rec.e = e;
      rec.updateTime = e.ts;
    }
    u.updateTime = e.ts;
    if (OPEN_STATUSES.has(e.status)) u.open.add(e.orderId);
    else u.open.delete(e.orderId);
    const m = this.markets.get(e.symbolId);
    if (!m || !reservesMargin(e)) {
      rec.reserved = 0;
      rec.reservedQty = 0;
    } else if (rec.reservedQty === 0 || amended) {
      // reserved once, at the mark of the moment it starts resting (or is amended), SPEC §5
      const remaining = e.origQty - e.executedQty;
      const lev = u.setting(e.symbolId, m.inst.defaultLeverage).leverage;
      rec.reserved = remaining > 0 ? orderCost(m.inst, e.side, remaining, e.price, m.mark, lev) : 0;
      rec.reservedQty = remaining;
    }
  }

  private trade(e: TradeEvent): void {
    this.markets.get(e.symbolId)?.applyTrade(e);
    const sides: [0 | 1, number, number, number, number][] = [
      [0, e.buyUserId, e.buyOrderId, e.buyFee, e.buyRealizedPnl],
      [1, e.sellUserId, e.sellOrderId, e.sellFee, e.sellRealizedPnl],
    ];
    for (const [side, userId, orderId, fee, pnl] of sides) {
      if (userId === 0) continue; // the exchange side of an ADL/insurance fill, if any
      const u = this.user(userId);
      u.trades.push({
        tradeId: e.tradeId,
        orderId,
        symbolId: e.symbolId,
        side,
        price: e.price,
        qty: e.qty,
        quote: e.quote,
        fee,
        realizedPnl: pnl,
        maker: e.makerSide === side,
        type: e.type,
        time: e.ts,
      });
      if (fee !== 0) this.tx(u, "COMMISSION", e.symbolId, -fee, String(e.tradeId), e.ts);
      if (pnl !== 0) this.tx(u, "REALIZED_PNL", e.symbolId, pnl, String(e.tradeId), e.ts);
    }
  }

  private position(e: PositionEvent): void {
    const u = this.user(e.userId);
    u.updateTime = e.ts;
    u.settings.set(e.symbolId, { leverage: e.leverage, marginType: e.marginType });
    let set = this.holding.get(e.symbolId);
    if (!set) {
      set = new Set();
      this.holding.set(e.symbolId, set);
    }
    if (e.qty === 0) {
      u.positions.delete(e.symbolId);
      set.delete(u);
      return;
    }
    u.positions.set(e.symbolId, {
      symbolId: e.symbolId,
      qty: e.qty,
      entryValue: e.entryValue,
      marginType: e.marginType,
      leverage: e.leverage,
      isolatedWallet: e.isolatedWallet,
      updateTime: e.ts,
    });
    set.add(u);
  }

  private wallet(e: BalanceEvent): void {
    const u = this.user(e.userId);
    u.crossWallet = e.wallet;
    u.updateTime = e.ts;
  }

  private depositOrWithdrawal(e: DepositEvent | WithdrawalEvent, dir: 1 | -1): void {
    const u = this.user(e.userId);
    u.crossWallet = e.wallet;
    u.updateTime = e.ts;
    this.netDeposits += dir * e.amount;
    const common = {
      userId: e.userId,
      asset: "USDT",
      amount: formatMoney(e.amount),
      walletBalance: formatMoney(e.wallet),
      time: e.ts,
    };
    if (e.ev === Ev.DEPOSIT) {
      this.deposits.set(e.txId, { txId: e.txId, ...common });
      this.tx(u, "DEPOSIT", 0, e.amount, e.txId, e.ts);
    } else {
      this.withdrawals.set(e.withdrawId, { withdrawId: e.withdrawId, ...common });
      this.tx(u, "WITHDRAW", 0, -e.amount, e.withdrawId, e.ts);
    }
  }

  private tx(u: UserState, type: TxType, symbolId: number, amount: number, info: string, time: number): void {
    this.txSeq++;
    u.txs.push({ tranId: String(this.txSeq), type, symbolId, amount, info, time });
  }

  /**
   * Conservation totals (SPEC §2): wallets (cross + isolated), insurance fund, fee account, and Σ UPnL
   * at one common price per symbol (the mark, else the last trade, else 0: any common price works).
   */
  solvencyTotals(): {
    wallets: number;
    insurance: number;
    feeAccount: number;
    upnl: number;
    netDeposits: number;
  } {
    let wallets = 0;
    let upnl = 0;
    for (const u of this.users.values()) {
      wallets += u.crossWallet;
      for (const p of u.positions.values()) {
        if (p.marginType === 1) wallets += p.isolatedWallet;
        const m = this.markets.get(p.symbolId);
        if (m) upnl += unrealizedPnl(m.inst, p.qty, p.entryValue, m.mark ?? m.lastPrice ?? 0);
      }
    }
    return {
      wallets,
      insurance: this.insurance,
      feeAccount: this.feeAccount,
      upnl,
      netDeposits: this.netDeposits,
    };
  }
}

export type { OrderRec };

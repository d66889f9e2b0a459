// Account commands that never reach a book: user creation, deposits, withdrawals, leverage, margin type,
// isolated margin transfers (SPEC §5, §8.2). Owner: the sequencer. Each returns a RejectReason (0 =
// applied, events emitted); the caller turns a non-zero reason into a RejectEvent.
import type {
  AdjustIsolatedMargin,
  CreateUser,
  Deposit,
  SetLeverage,
  SetMarginType,
  Withdraw,
} from "@perpx/shared/commands";
import { BalanceReason, MarginType } from "@perpx/shared/domain";
import { RejectReason } from "@perpx/shared/errors";
import { Ev } from "@perpx/shared/events";
import { add, sub } from "@perpx/shared/fixed";
import { crossRisk, isolatedRisk } from "./account-risk.js";
import type { CommandCtx } from "./command-ctx.js";
import { maxLeverage, maxNotionalAtLeverage, notionalOf } from "./margin.js";
import type { Account, SequencerState } from "./state.js";
import { newAccount, staleMargin } from "./state.js";
import type { SymbolState } from "./symbol-state.js";

const isId = (x: number): boolean => Number.isSafeInteger(x) && x > 0;
const isAmount = (x: number): boolean => Number.isSafeInteger(x) && x > 0;
/**
 * Money is a JS safe integer of micro-USDT (SPEC §2), so sums must stay below 2^53. A deposit that would
 * take the exchange's net deposits above 2^51 micro-USDT (≈ 2.25e9 USDT) is refused (INVALID_PARAMETER):
 * every wallet, fee and PnL sum then keeps a factor 4 of headroom instead of overflowing mid-command.
 */
export const MAX_NET_DEPOSITS = 2 ** 51;

export function createUser(st: SequencerState, ctx: CommandCtx, cmd: CreateUser): RejectReason {
  if (!isId(cmd.userId)) return RejectReason.INVALID_PARAMETER;
  if (st.accounts.has(cmd.userId)) return RejectReason.DUPLICATE;
  st.accounts.set(cmd.userId, newAccount(cmd.userId));
  ctx.out.push({ ev: Ev.USER, seq: ctx.seq, ts: ctx.ts, userId: cmd.userId });
  return RejectReason.NONE;
}

export function deposit(st: SequencerState, ctx: CommandCtx, cmd: Deposit): RejectReason {
  if (typeof cmd.txId !== "string" || cmd.txId.length === 0) return RejectReason.INVALID_PARAMETER;
  if (st.txIds.has(cmd.txId)) return RejectReason.DUPLICATE;
  const acc = st.accounts.get(cmd.userId);
  if (acc === undefined) return RejectReason.UNKNOWN_ACCOUNT;
  if (!isAmount(cmd.amount) || cmd.amount > MAX_NET_DEPOSITS - st.netDeposits)
    return RejectReason.INVALID_PARAMETER;
  st.txIds.add(cmd.txId);
  ctx.reason = BalanceReason.DEPOSIT;
  ctx.touch(acc);
  acc.crossWallet = add(acc.crossWallet, cmd.amount);
  st.netDeposits = add(st.netDeposits, cmd.amount);
  ctx.out.push({
    ev: Ev.DEPOSIT,
    seq: ctx.seq,
    ts: ctx.ts,
    userId: acc.userId,
    txId: cmd.txId,
    amount: cmd.amount,
    wallet: acc.crossWallet,
  });
  return RejectReason.NONE;
}

/** Withdrawals take only the withdrawable balance (available less unrealized profit), SPEC §5. */
export function withdraw(st: SequencerState, ctx: CommandCtx, cmd: Withdraw): RejectReason {
  const acc = st.accounts.get(cmd.userId);
  if (acc === undefined) return RejectReason.UNKNOWN_ACCOUNT;
  if (!isAmount(cmd.amount) || typeof cmd.withdrawId !== "string" || cmd.withdrawId.length === 0) {
    return RejectReason.INVALID_PARAMETER;
  }
  if (st.withdrawIds.has(cmd.withdrawId)) return RejectReason.DUPLICATE;
  if (acc.inLiquidation) return RejectReason.ACCOUNT_IN_LIQUIDATION;
  if (cmd.amount > crossRisk(st, acc).withdrawable) return RejectReason.BALANCE_INSUFFICIENT;
  st.withdrawIds.add(cmd.withdrawId);
  ctx.reason = BalanceReason.WITHDRAW;
  ctx.touch(acc);
  acc.crossWallet = sub(acc.crossWallet, cmd.amount);
  st.netDeposits = sub(st.netDeposits, cmd.amount);
  ctx.out.push({
    ev: Ev.WITHDRAWAL,
    seq: ctx.seq,
    ts: ctx.ts,
    userId: acc.userId,
    withdrawId: cmd.withdrawId,
    amount: cmd.amount,
    wallet: acc.crossWallet,
  });
  return RejectReason.NONE;
}

function lookup(
  st: SequencerState,
  userId: number,
  symbolId: number,
): { acc: Account; sym: SymbolState } | RejectReason {
  const acc = st.accounts.get(userId);
  if (acc === undefined) return RejectReason.UNKNOWN_ACCOUNT;
  const sym = st.symbols.get(symbolId);
  if (sym === undefined) return RejectReason.UNKNOWN_SYMBOL;
  return { acc, sym };
}

function emitLeverage(ctx: CommandCtx, userId: number, symbolId: number, leverage: number, mt: MarginType) {
  ctx.out.push({ ev: Ev.LEVERAGE, seq: ctx.seq, ts: ctx.ts, userId, symbolId, leverage, marginType: mt });
}

/**
 * Leverage 1..max of the first bracket. Refused when the position plus the open orders on either side
 * would exceed the bracket cap at the new leverage (MAX_POSITION_EXCEEDED), or when the account would no
 * longer meet initial margin: cross available < 0 and lower than before, or an isolated position whose
 * wallet + UPnL falls below its IM at the new, lower leverage (MARGIN_INSUFFICIENT). An open isolated
 * position keeps its wallet.
 */
export function setLeverage(st: SequencerState, ctx: CommandCtx, cmd: SetLeverage): RejectReason {
  const l = lookup(st, cmd.userId, cmd.symbolId);
  if (typeof l === "number") return l;
  const { acc, sym } = l;
  const lev = cmd.leverage;
  if (!Number.isSafeInteger(lev) || lev < 1 || lev > maxLeverage(sym.inst))
    return RejectReason.INVALID_PARAMETER;
  const pos = st.position(acc, sym);
  if (lev !== pos.leverage) {
    const worst = Math.max(Math.abs(pos.qty + pos.buy.qty), Math.abs(pos.qty - pos.sell.qty));
    const ref = sym.markPrice > 0 ? sym.markPrice : sym.lastPrice;
    if (notionalOf(ref, worst, sym.factor) > maxNotionalAtLeverage(sym.inst, lev)) {
      return RejectReason.MAX_POSITION_EXCEEDED;
    }
    const before = crossRisk(st, acc).available;
    const after = crossRisk(st, acc, { symbolId: sym.inst.symbolId, leverage: lev }).available;
    if (after < 0 && after < before) return RejectReason.MARGIN_INSUFFICIENT;
    if (pos.marginType === MarginType.ISOLATED && pos.qty !== 0 && lev < pos.leverage) {
      const r = isolatedRisk(pos, sym, lev);
      if (r.equity < r.initialMargin) return RejectReason.MARGIN_INSUFFICIENT;
    }
    pos.leverage = lev;
    staleMargin(pos);
  }
  emitLeverage(ctx, acc.userId, sym.inst.symbolId, pos.leverage, pos.marginType);
  return RejectReason.NONE;
}

export function setMarginType(st: SequencerState, ctx: CommandCtx, cmd: SetMarginType): RejectReason {
  const l = lookup(st, cmd.userId, cmd.symbolId);
  if (typeof l === "number") return l;
  const { acc, sym } = l;
  if (cmd.marginType !== MarginType.CROSSED && cmd.marginType !== MarginType.ISOLATED) {
    return RejectReason.INVALID_PARAMETER;
  }
  const pos = st.position(acc, sym);
  if (cmd.marginType !== pos.marginType) {
    if (pos.qty !== 0 || pos.orderIds.size > 0 || pos.triggerIds.size > 0) {
      return RejectReason.POSITION_OR_ORDERS_OPEN;
    }
    pos.marginType = cmd.marginType;
    staleMargin(pos);
  }
  emitLeverage(ctx, acc.userId, sym.inst.symbolId, pos.leverage, pos.marginType);
  return RejectReason.NONE;
}

/**
 * Adds margin to an open isolated position from the withdrawable cross balance, or removes it. A removal
 * must leave the isolated wallet ≥ 0, not liquidatable (wallet + UPnL > MM), and — like Binance — still
 * covering the position's IM without counting unrealized profit (wallet + min(0, UPnL) ≥ IM).
 */
export function adjustIsolatedMargin(
  st: SequencerState,
  ctx: CommandCtx,
  cmd: AdjustIsolatedMargin,
): RejectReason {
  const l = lookup(st, cmd.userId, cmd.symbolId);
  if (typeof l === "number") return l;
  const { acc, sym } = l;
  const pos = acc.positions.get(sym.inst.symbolId);
  if (!Number.isSafeInteger(cmd.amount) || cmd.amount === 0) return RejectReason.INVALID_PARAMETER;
  if (pos === undefined || pos.marginType !== MarginType.ISOLATED || pos.qty === 0) {
    return RejectReason.INVALID_PARAMETER;
  }
  if (acc.inLiquidation) return RejectReason.ACCOUNT_IN_LIQUIDATION;
  if (cmd.amount > 0) {
    if (cmd.amount > crossRisk(st, acc).withdrawable) return RejectReason.BALANCE_INSUFFICIENT;
  } else {
    const w = pos.isolatedWallet + cmd.amount;
    const r = isolatedRisk(pos, sym);
    if (w < 0 || w + r.upnl <= r.maintMargin || w + Math.min(0, r.upnl) < r.initialMargin) {
      return RejectReason.MARGIN_INSUFFICIENT;
    }
  }
  ctx.reason = BalanceReason.MARGIN_TRANSFER;
  ctx.touch(acc, pos);
  acc.crossWallet = sub(acc.crossWallet, cmd.amount);
  pos.isolatedWallet = add(pos.isolatedWallet, cmd.amount);
  return RejectReason.NONE;
}

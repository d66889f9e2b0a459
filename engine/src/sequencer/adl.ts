// Auto-deleveraging ranking (SPEC §7.5) and ADL quantiles. Owner: read-only over SequencerState; the
// liquidation engine (liquidation.ts) executes the ADL fills.
//
// Rank of an open position (BitMEX rule): PnL% × effective leverage when profitable, PnL% / effective
// leverage otherwise, with PnL% = UPnL / entry notional and effective leverage = notional / equity
// (notional and UPnL at mark; equity: the isolated wallet + UPnL, or the cross account's margin balance).
// Scores are compared as exact rationals (BigInt cross-multiplication), never rounded:
//   profitable:     UPnL × notional / (entry notional × equity)      (equity ≤ 0: +∞, ranked first)
//   not profitable: UPnL × equity / (entry notional × notional)      (equity ≤ 0: 0)
// Highest score first; ties by user id, lower first. Only opposite-side positions of the liquidated one
// in that symbol take part. The quantile (1–5 lights, 5 = first in line) of a position among the
// positions on its side: min(5, ⌊5 × (number with a strictly lower score) / count⌋ + 1) — the rule the
// gateway read model uses.
//
// Finding the opposite positions scans the accounts (O(accounts)); ADL only runs when a liquidation could
// not be filled in the book or paid by the insurance fund, and quantiles are a read-side query.
import { MarginType } from "@perpx/shared/domain";
import { notionalOf, unrealizedPnl } from "./margin.js";
import { crossLevels } from "./risk-index.js";
import type { Account, Position, SequencerState } from "./state.js";

export interface AdlScore {
  readonly inf: boolean;
  readonly n: bigint;
  /** > 0 */
  readonly d: bigint;
}

export interface Ranked {
  readonly acc: Account;
  readonly pos: Position;
  readonly score: AdlScore;
}

export function adlScore(st: SequencerState, pos: Position, crossMarginBalance: number): AdlScore {
  const sym = st.symbols.get(pos.symbolId)!;
  const upnl = BigInt(unrealizedPnl(pos.qty, pos.entryValue, sym.markPrice, sym.factor));
  const notional = BigInt(notionalOf(sym.markPrice, pos.qty, sym.factor));
  const entry = BigInt(pos.entryValue) * BigInt(sym.factor);
  const equity =
    pos.marginType === MarginType.ISOLATED ? BigInt(pos.isolatedWallet) + upnl : BigInt(crossMarginBalance);
  if (upnl > 0n) {
    if (equity <= 0n) return { inf: true, n: 0n, d: 1n };
    return { inf: false, n: upnl * notional, d: entry * equity };
  }
  if (equity <= 0n) return { inf: false, n: 0n, d: 1n };
  return { inf: false, n: upnl * equity, d: entry * notional };
}

/** > 0 when a ranks above b (deleveraged first), < 0 below, 0 equal. */
export function compareScore(a: AdlScore, b: AdlScore): number {
  if (a.inf || b.inf) return a.inf === b.inf ? 0 : a.inf ? 1 : -1;
  const l = a.n * b.d;
  const r = b.n * a.d;
  return l > r ? 1 : l < r ? -1 : 0;
}

/** Open positions in `symbolId` whose sign is `sign`, except `exclude`'s, ranked (first = first in line). */
export function rankPositions(st: SequencerState, symbolId: number, sign: 1 | -1, exclude = 0): Ranked[] {
  const out: Ranked[] = [];
  for (const acc of st.accounts.values()) {
    if (acc.userId === exclude) continue;
    const pos = acc.positions.get(symbolId);
    if (pos === undefined || pos.qty === 0 || (pos.qty > 0 ? 1 : -1) !== sign) continue;
    const mb = pos.marginType === MarginType.ISOLATED ? 0 : crossLevels(st, acc).marginBalance;
    out.push({ acc, pos, score: adlScore(st, pos, mb) });
  }
  out.sort((x, y) => compareScore(y.score, x.score) || x.acc.userId - y.acc.userId);
  return out;
}

export interface AdlQuantile {
  symbolId: number;
  /** 1..5, 5 = first to be deleveraged */
  quantile: number;
}

/** The user's open positions with their ADL quantile. */
export function adlQuantiles(st: SequencerState, userId: number): AdlQuantile[] {
  const acc = st.accounts.get(userId);
  if (acc === undefined) return [];
  const out: AdlQuantile[] = [];
  for (const pos of acc.positions.values()) {
    if (pos.qty === 0) continue;
    const ranked = rankPositions(st, pos.symbolId, pos.qty > 0 ? 1 : -1);
    const mine = ranked.find((r) => r.acc === acc)!;
    let below = 0;
    for (const r of ranked) if (compareScore(r.score, mine.score) < 0) below++;
    out.push({ symbolId: pos.symbolId, quantile: Math.min(5, Math.floor((below * 5) / ranked.length) + 1) });
  }
  return out;
}

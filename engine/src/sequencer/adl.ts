// Auto-deleveraging ranking (SPEC §7.5) and ADL quantiles. Owner: read-only over SequencerState; the
// liquidation engine (liquidation.ts) executes the ADL fills.
//
// Rank of an open position: the shared rule (shared/src/adl.ts, also used by the gateway read model's
// quantiles) — PnL% × effective leverage when profitable, PnL% / effective leverage otherwise, exact
// rationals — with UPnL and notional at mark, entry notional = entry value × factor, and equity the
// isolated wallet + UPnL or the cross account's margin balance. Highest score first; ties by user id,
// lower first. Only opposite-side positions of the liquidated one in that symbol take part.
//
// Finding the opposite positions scans the accounts (O(accounts)); ADL only runs when a liquidation could
// not be filled in the book or paid by the insurance fund, and quantiles are a read-side query.
import { type AdlScore, adlQuantile, adlScore, compareAdlScore } from "@perpx/shared/adl";
import { MarginType } from "@perpx/shared/domain";
import { mul } from "@perpx/shared/fixed";
import { notionalOf, unrealizedPnl } from "./margin.js";
import { crossLevels } from "./risk-index.js";
import type { Account, Position, SequencerState } from "./state.js";

export interface Ranked {
  readonly acc: Account;
  readonly pos: Position;
  readonly score: AdlScore;
}

/** The shared rule's score of one open position (cross: `crossMarginBalance` is its account's equity). */
export function positionScore(st: SequencerState, pos: Position, crossMarginBalance: number): AdlScore {
  const sym = st.symbols.get(pos.symbolId)!;
  const upnl = unrealizedPnl(pos.qty, pos.entryValue, sym.markPrice, sym.factor);
  const equity = pos.marginType === MarginType.ISOLATED ? pos.isolatedWallet + upnl : crossMarginBalance;
  return adlScore(
    upnl,
    notionalOf(sym.markPrice, pos.qty, sym.factor),
    mul(pos.entryValue, sym.factor),
    equity,
  );
}

/** Open positions in `symbolId` whose sign is `sign`, except `exclude`'s, ranked (first = first in line). */
export function rankPositions(st: SequencerState, symbolId: number, sign: 1 | -1, exclude = 0): Ranked[] {
  const out: Ranked[] = [];
  for (const acc of st.accounts.values()) {
    if (acc.userId === exclude) continue;
    const pos = acc.positions.get(symbolId);
    if (pos === undefined || pos.qty === 0 || (pos.qty > 0 ? 1 : -1) !== sign) continue;
    const mb = pos.marginType === MarginType.ISOLATED ? 0 : crossLevels(st, acc).marginBalance;
    out.push({ acc, pos, score: positionScore(st, pos, mb) });
  }
  out.sort((x, y) => compareAdlScore(y.score, x.score) || x.acc.userId - y.acc.userId);
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
    out.push({
      symbolId: pos.symbolId,
      quantile: adlQuantile(
        mine.score,
        ranked.map((r) => r.score),
      ),
    });
  }
  return out;
}

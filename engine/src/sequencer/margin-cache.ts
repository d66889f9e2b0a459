// Running margin totals per account, so the margin check of a place/amend costs O(1) instead of a walk
// over every position of the account (account-risk.ts crossRisk is the from-scratch definition; this
// file must always agree with its `available`). Owner: the sequencer; everything here is derived — not
// in snapshots, not in the state hash — and rebuilt lazily after a restore.
//
//   available = cross wallet + Σ cross UPnL at mark − Σ cross position IM − Σ order margin
//
// Each position caches its own share (state.ts: mOm, mUpnl, mIm) and each account the sums. A position
// whose side aggregates, size, entry value, leverage or margin type changed is marked with
// `staleMargin(pos)` by the code that changed it (reserve, applyFill, the liquidation fill, SET_LEVERAGE,
// SET_MARGIN_TYPE) and queued on its account; `availableOf` re-derives only the queued positions. A mark
// change anywhere bumps `SequencerState.markStamp`, and an account whose totals are from another stamp is
// recomputed in full (the walk crossRisk does) on its next check: between mark changes every check is
// O(1 + positions changed since the last one). The cross wallet is read live.
//
// Invariant (the randomized tests compare after every command): for every account,
//   availableOf(st, acc) === crossRisk(st, acc).available.
import { MarginType } from "@perpx/shared/domain";
import { initialMargin, notionalOf, sideOrderMargin, unrealizedPnl } from "./margin.js";
import type { Account, Position, SequencerState } from "./state.js";
import { positionsOf, STALE_ALL, STALE_BUY, STALE_SELL } from "./state.js";

/**
 * Re-derives the position's shares named by `what` (STALE_* bits): a side's order margin when only its
 * orders changed (the other side, the UPnL and IM cannot have moved: same size, leverage and mark
 * stamp), everything for STALE_ALL.
 */
function refresh(st: SequencerState, p: Position, what: number): void {
  const sym = st.symbols.get(p.symbolId)!;
  const q = p.qty;
  // account-risk.ts positionOrderMargin, its two sides kept apart (pre-trade.ts reuses the unchanged one)
  if ((what & STALE_BUY) !== 0)
    p.mOmBuy = p.buy.qty !== 0 ? sideOrderMargin(p.buy, q < 0 ? -q : 0, p.leverage, sym.factor) : 0;
  if ((what & STALE_SELL) !== 0)
    p.mOmSell = p.sell.qty !== 0 ? sideOrderMargin(p.sell, q > 0 ? q : 0, p.leverage, sym.factor) : 0;
  p.mOm = p.mOmBuy + p.mOmSell;
  if (what === STALE_ALL) {
    if (q !== 0 && p.marginType === MarginType.CROSSED) {
      const mark = sym.markPrice;
      p.mUpnl = unrealizedPnl(q, p.entryValue, mark, sym.factor);
      p.mIm = initialMargin(notionalOf(mark, q, sym.factor), p.leverage);
    } else {
      p.mUpnl = 0;
      p.mIm = 0;
    }
  }
  p.mStale = 0;
}

/** Recomputes every share and the sums of the account at the current marks. */
function rebuild(st: SequencerState, acc: Account): void {
  let om = 0;
  let upnl = 0;
  let im = 0;
  for (const p of positionsOf(acc)) {
    p.owner = acc;
    refresh(st, p, STALE_ALL);
    om += p.mOm;
    upnl += p.mUpnl;
    im += p.mIm;
  }
  acc.mOm = om;
  acc.mUpnl = upnl;
  acc.mIm = im;
  acc.mStamp = st.markStamp;
  // every queued position was refreshed above; their `mStaleNext` links are dead (rewritten on a push)
  acc.mStaleHead = null;
  acc.mValid = true;
}

/** The account's available balance (crossRisk(st, acc).available), from the running totals. */
export function availableOf(st: SequencerState, acc: Account): number {
  if (!acc.mValid || acc.mStamp !== st.markStamp) rebuild(st, acc);
  else {
    for (let p = acc.mStaleHead; p !== null; p = acc.mStaleHead) {
      acc.mStaleHead = p.mStaleNext;
      acc.mOm -= p.mOm;
      acc.mUpnl -= p.mUpnl;
      acc.mIm -= p.mIm;
      refresh(st, p, p.mStale);
      acc.mOm += p.mOm;
      acc.mUpnl += p.mUpnl;
      acc.mIm += p.mIm;
    }
  }
  return acc.crossWallet + acc.mUpnl - acc.mIm - acc.mOm;
}

/**
 * availableOf for a check about one of the account's positions: afterwards `pos.mOm` is its current
 * order margin (account-risk.ts positionOrderMargin), `pos.mOmBuy` / `pos.mOmSell` its two sides.
 */
export function availableFor(st: SequencerState, acc: Account, pos: Position): number {
  if (pos.owner !== acc) acc.mValid = false; // not yet in the totals (restored account): full rebuild
  return availableOf(st, acc);
}

// Auto-deleveraging ranking (SPEC §7.5) and ADL quantiles. Owner: read-only over SequencerState; the
// liquidation engine (liquidation.ts) executes the ADL fills.
//
// Rank of an open position: the shared rule (shared/src/adl.ts, also used by the gateway read model's
// quantiles) — PnL% × effective leverage when profitable, PnL% / effective leverage otherwise, exact
// rationals — with UPnL and notional at mark, entry notional = entry value × factor, and equity the
// isolated wallet + UPnL or the cross account's margin balance. Highest score first; ties by user id,
// lower first. Only opposite-side positions of the liquidated one in that symbol take part.
//
// The engine's queue (AdlQueue): the opposite positions of a symbol are scored once per command (one
// pass over the accounts, at the first ADL of the command; marks do not move while the risk work runs)
// and afterwards only the accounts touched since are re-scored. The victims come off a heap: scores are
// compared as doubles (IEEE arithmetic is deterministic) and, when two are
// within a relative 1e-9 (far above the few-ulp error of the double quotients), exactly with the shared
// BigInt rule, then by user id — so the choice is always the exact ranking's. Quantiles (a read-side
// query) rank with the exact rule throughout.
import { type AdlScore, adlQuantile, adlScore, compareAdlScore } from "@perpx/shared/adl";
import { MarginType } from "@perpx/shared/domain";
import { mul } from "@perpx/shared/fixed";
import { type HeapItem, IndexedHeap } from "./indexed-heap.js";
import { notionalOf, unrealizedPnl } from "./margin.js";
import { crossLevels } from "./risk-index.js";
import type { Account, Position, SequencerState } from "./state.js";
import { positionsOf } from "./state.js";

/** One opposite position in an AdlQueue: the rule's inputs and its score as a double. */
interface Entry extends HeapItem {
  readonly acc: Account;
  readonly pos: Position;
  readonly upnl: number;
  readonly notional: number;
  readonly entry: number;
  readonly equity: number;
  /** +∞ score (profitable with equity ≤ 0) */
  readonly inf: boolean;
  readonly f: number;
}

function entryOf(st: SequencerState, acc: Account, pos: Position): Entry {
  const sym = st.symbols.get(pos.symbolId)!;
  const upnl = unrealizedPnl(pos.qty, pos.entryValue, sym.markPrice, sym.factor);
  const equity =
    pos.marginType === MarginType.ISOLATED ? pos.isolatedWallet + upnl : crossLevels(st, acc).marginBalance;
  const notional = notionalOf(sym.markPrice, pos.qty, sym.factor);
  const entry = mul(pos.entryValue, sym.factor);
  const inf = upnl > 0 && equity <= 0;
  const f =
    equity <= 0 ? 0 : upnl > 0 ? (upnl / entry) * (notional / equity) : upnl / entry / (notional / equity);
  return { acc, pos, upnl, notional, entry, equity, inf, f, heapIndex: -1 };
}

/** Does a rank before b (exactly: doubles when clearly apart, the BigInt rule when close, then user id)? */
function before(a: Entry, b: Entry): boolean {
  if (a.inf !== b.inf) return a.inf;
  if (!a.inf) {
    const tol = 1e-9 * Math.max(Math.abs(a.f), Math.abs(b.f));
    if (a.f > b.f + tol) return true;
    if (b.f > a.f + tol) return false;
    const c = compareAdlScore(
      adlScore(a.upnl, a.notional, a.entry, a.equity),
      adlScore(b.upnl, b.notional, b.entry, b.equity),
    );
    if (c !== 0) return c > 0;
  }
  return a.acc.userId < b.acc.userId;
}

/**
 * The ADL candidates of the liquidations of one command (see the header), in a heap ordered by `before`
 * (a strict total order): building it costs O(n log n) once per command, each victim O(log n).
 * `clear()` at the start of the risk work and on any mark change; `invalidate(acc)` whenever an account
 * may have changed.
 */
export class AdlQueue {
  /** per symbolId × side: the heap, its entries by account, the accounts to re-score */
  private readonly lists = new Map<
    number,
    { heap: IndexedHeap<Entry>; byAcc: Map<Account, Entry>; stale: Set<Account> }
  >();

  clear(): void {
    if (this.lists.size > 0) this.lists.clear(); // Map.clear() reallocates: not on every command
  }

  invalidate(acc: Account): void {
    for (const l of this.lists.values()) l.stale.add(acc);
  }

  /** The first in line among the open positions of `symbolId` with sign `sign`. */
  best(st: SequencerState, symbolId: number, sign: 1 | -1): Entry | undefined {
    const key = symbolId * 2 + (sign > 0 ? 1 : 0);
    let l = this.lists.get(key);
    if (l === undefined) {
      l = { heap: new IndexedHeap<Entry>(before), byAcc: new Map(), stale: new Set(st.accounts.values()) };
      this.lists.set(key, l);
    }
    for (const acc of l.stale) {
      const old = l.byAcc.get(acc);
      if (old !== undefined) {
        l.heap.remove(old);
        l.byAcc.delete(acc);
      }
      const pos = acc.positions.get(symbolId);
      if (pos === undefined || pos.qty === 0 || (pos.qty > 0 ? 1 : -1) !== sign) continue;
      const e = entryOf(st, acc, pos);
      l.heap.push(e);
      l.byAcc.set(acc, e);
    }
    l.stale.clear();
    return l.heap.peek();
  }
}

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
  for (const pos of positionsOf(acc)) {
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

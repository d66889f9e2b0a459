// Liquidation detection without scanning accounts (SPEC §7.1). Owner: the risk engine (risk-engine.ts).
//
// Every open position sits in one heap of its symbol — longs by a key the mark must fall to (max first),
// shorts by a key it must rise to (min first) — keyed by the price at which its account has to be looked
// at again. While an account is in the margin-call zone its positions also have a recovery key in the
// other direction (recoverKeyOf), so leaving the zone is noticed too and the next entry warns again. A mark change in a symbol pops only the positions whose key it reached: when nothing is
// near liquidation that is one comparison per side, O(1). The keys are recomputed (O(positions of the
// account × log n)) whenever an account changes (any command that touches its wallet or positions) and
// whenever one of its keys is reached, from the marks of that moment.
//
// The key is a safe bound, not an estimate. Let s = margin balance − level × MM of the account (cross:
// cross wallet + Σ cross UPnL vs Σ cross MM; isolated position: its wallet + UPnL vs its MM), at the level
// the account is above: the margin-call warning level (3/2 × MM, WARN_NUM / WARN_DEN) or, once below it,
// the liquidation level (1 × MM). A mark move of δ price units against one position changes s by at most
//   long:  Q × f × δ                              (its MM only falls)
//   short: |Q| × f × δ × (1 + level × MMR / 1e8)  (MMR of the bracket at the far end of the move: MM is
//                                                  continuous with rising slope across brackets)
// plus 3 micro-USDT of rounding per position (ceil of MM, of level × MM), and at most 3 for a move in the
// position's favour. The budget B = s − 3n − 2 is split evenly over the account's n positions and each
// gets the largest δ its share pays for; the key is one price unit past it (long: mark0 − δ − 1, short:
// mark0 + δ + 1). While every mark of the account stays strictly inside its keys, s stays > 0: the account
// cannot have crossed the level, so not looking at it is exact. A position whose key is reached gets its
// account checked exactly (and re-keyed); the check — not the key — decides, so the keys never change an
// outcome, only how often the exact check runs. They are state all the same (a snapshot keeps them),
// because a check that finds an account between the two levels sends a margin call.
import { MarginType } from "@perpx/shared/domain";
import { mulDiv, RATE_SCALE, toSafe } from "@perpx/shared/fixed";
import { IndexedHeap } from "./indexed-heap.js";
import { maintenanceMargin, notionalOf, unrealizedPnl } from "./margin.js";
import type { Account, Position, RiskItem, SequencerState } from "./state.js";
import { positionsOf } from "./state.js";
import type { SymbolState } from "./symbol-state.js";

/** Margin-call warning level: margin balance ≤ 3/2 × maintenance margin. */
export const WARN_NUM = 3;
export const WARN_DEN = 2;
const MAX_SAFE_BIG = BigInt(Number.MAX_SAFE_INTEGER);
/** |δ| cap, price units: keeps keys and notionals at the far end safe integers */
const MAX_DELTA = 2 ** 40;
/** below this, products and quotients of integers are exact in doubles with a bit of headroom */
const FAST = 2 ** 52;

/** Cross margin figures of an account (cross positions only). */
export interface CrossLevels {
  /** cross wallet + Σ cross UPnL */
  marginBalance: number;
  /** Σ cross maintenance margin */
  maintMargin: number;
  /** open cross positions */
  count: number;
}

export function crossLevels(st: SequencerState, acc: Account): CrossLevels {
  return crossLevelsInto(st, acc, { marginBalance: 0, maintMargin: 0, count: 0 });
}

/** crossLevels written into `into` (a caller's scratch: no object per check); returns `into`. */
export function crossLevelsInto(st: SequencerState, acc: Account, into: CrossLevels): CrossLevels {
  let mb = acc.crossWallet;
  let mm = 0;
  let count = 0;
  const list = positionsOf(acc);
  for (let i = 0; i < list.length; i++) {
    const p = list[i]!;
    if (p.qty === 0 || p.marginType !== MarginType.CROSSED) continue;
    const sym = st.symbols.get(p.symbolId)!;
    mb += unrealizedPnl(p.qty, p.entryValue, sym.markPrice, sym.factor);
    mm += maintenanceMargin(sym.inst, notionalOf(sym.markPrice, p.qty, sym.factor));
    count++;
  }
  into.marginBalance = mb;
  into.maintMargin = mm;
  into.count = count;
  return into;
}

/** Is a margin balance at or below maintenance (liquidatable)? A negative balance always is. */
export function isLiquidatable(marginBalance: number, maintMargin: number): boolean {
  return (maintMargin > 0 && marginBalance <= maintMargin) || marginBalance < 0;
}

/** At or below the warning level (margin balance ≤ 3/2 × MM)? */
export function isWarned(marginBalance: number, maintMargin: number): boolean {
  return WARN_DEN * marginBalance <= WARN_NUM * maintMargin;
}

export class RiskIndex {
  /** per symbol: entries re-checked when the mark falls to their key (highest key first) */
  private readonly falls = new Map<number, IndexedHeap<RiskItem>>();
  /** per symbol: entries re-checked when the mark rises to their key (lowest key first) */
  private readonly rises = new Map<number, IndexedHeap<RiskItem>>();

  private heapOf(symbolId: number, falling: boolean): IndexedHeap<RiskItem> {
    const m = falling ? this.falls : this.rises;
    let h = m.get(symbolId);
    if (h === undefined) {
      h = new IndexedHeap<RiskItem>(
        falling
          ? (x, y) => x.key > y.key || (x.key === y.key && x.userId < y.userId)
          : (x, y) => x.key < y.key || (x.key === y.key && x.userId < y.userId),
      );
      m.set(symbolId, h);
    }
    return h;
  }

  /**
   * Files the position under its current riskKey (and recoverKey when set) when `keyed`, else takes it
   * out: an entry already in the right heap is re-keyed in place (O(log n), no remove + push).
   */
  file(p: Position, keyed: boolean): void {
    const long = p.qty > 0;
    this.fileItem(p.symbolId, p.riskItem, keyed, long, p.riskKey);
    this.fileItem(p.symbolId, p.recoverItem, keyed && p.recoverKey > 0, !long, p.recoverKey);
  }

  private fileItem(symbolId: number, item: RiskItem, wanted: boolean, falling: boolean, key: number): void {
    if (item.heapIndex >= 0) {
      const f = this.falls.get(symbolId);
      const inFalls = f?.has(item) === true;
      const h = inFalls ? f! : this.rises.get(symbolId)!;
      if (wanted && inFalls === falling) {
        item.key = key;
        h.update(item);
        return;
      }
      h.remove(item);
    }
    if (wanted) {
      item.key = key;
      this.heapOf(symbolId, falling).push(item);
    }
  }

  /** Files an open position under its riskKey (and recoverKey when set). */
  insert(p: Position): void {
    const long = p.qty > 0;
    p.riskItem.key = p.riskKey;
    this.heapOf(p.symbolId, long).push(p.riskItem);
    if (p.recoverKey > 0) {
      p.recoverItem.key = p.recoverKey;
      this.heapOf(p.symbolId, !long).push(p.recoverItem);
    }
  }

  /** Pops the entries of `symbolId` whose key `mark` reached; appends their users to `out`. */
  crossed(symbolId: number, mark: number, out: number[]): void {
    const f = this.falls.get(symbolId);
    if (f !== undefined)
      for (let x = f.peek(); x !== undefined && mark <= x.key; x = f.peek()) out.push(f.pop()!.userId);
    const r = this.rises.get(symbolId);
    if (r !== undefined)
      for (let x = r.peek(); x !== undefined && mark >= x.key; x = r.peek()) out.push(r.pop()!.userId);
  }

  /** Rebuilds the heaps from the positions' stored keys (restore). */
  rebuild(st: SequencerState): void {
    this.falls.clear();
    this.rises.clear();
    for (const acc of st.accounts.values()) {
      for (const p of positionsOf(acc)) {
        p.riskItem.heapIndex = -1;
        p.recoverItem.heapIndex = -1;
        if (p.qty !== 0) this.insert(p);
      }
    }
  }

  /** Entries in the index (bench, tests). */
  get size(): number {
    let n = 0;
    for (const h of this.falls.values()) n += h.size;
    for (const h of this.rises.values()) n += h.size;
    return n;
  }
}

/**
 * Recovery key of a position of an account inside the margin-call zone, given its share of the budget
 * in units of g = 2 × margin balance − 3 × MM (≤ 0 in the zone; the account leaves it when g > 0). A
 * favourable move of δ raises g by at most 2 × Q × f × δ (long: its MM only rises) or
 * 2 × |Q| × f × δ × (1 + 1.5 × MMR / 1e8) (short: MMR of the current bracket, the notional falls), plus
 * rounding (6 per position, in the budget): while every mark stays inside its recovery key the account
 * is still in the zone. 0 when the key is not a price (≤ 0).
 */
export function recoverKeyOf(p: Position, sym: SymbolState, budget: number): number {
  const m0 = sym.markPrice;
  const absQ = p.qty < 0 ? -p.qty : p.qty;
  const perUnit = absQ * sym.factor; // exact when below 2^52 (checked)
  if (!(perUnit < FAST) || budget < 0) return recoverKeyBig(p, sym, budget);
  if (p.qty > 0) {
    const d = mulDiv(budget, 1, 2 * perUnit, "floor");
    return m0 + (d > MAX_DELTA ? MAX_DELTA : d) + 1;
  }
  const r0 = rateOf(sym, perUnit, m0);
  const key = m0 - deltaFor(budget, perUnit, RATE_SCALE, 2 * RATE_SCALE + 3 * r0) - 1;
  return key > 0 ? key : 0;
}

/** recoverKeyOf in BigInt throughout: the definition (tests compare), used when an operand is out of the fast range. */
export function recoverKeyBig(p: Position, sym: SymbolState, budget: number): number {
  const m0 = sym.markPrice;
  const absQ = p.qty < 0 ? -p.qty : p.qty;
  const perUnit = BigInt(absQ) * BigInt(sym.factor);
  if (p.qty > 0) {
    const d = BigInt(budget) / (2n * perUnit);
    return m0 + (d > BigInt(MAX_DELTA) ? MAX_DELTA : Number(d)) + 1;
  }
  const r0 = rateAt(sym, perUnit * BigInt(m0));
  const d = (BigInt(budget) * BigInt(RATE_SCALE)) / (perUnit * BigInt(2 * RATE_SCALE + 3 * r0));
  const key = m0 - (d > BigInt(MAX_DELTA) ? MAX_DELTA : Number(d)) - 1;
  return key > 0 ? key : 0;
}

/**
 * The key of one position given its share of the budget (micro-USDT ≥ 0) at level kNum / kDen, from
 * the current mark (see the header).
 */
export function riskKeyOf(p: Position, sym: SymbolState, budget: number, kNum: number, kDen: number): number {
  const m0 = sym.markPrice;
  const absQ = p.qty < 0 ? -p.qty : p.qty;
  const perUnit = absQ * sym.factor; // micro-USDT per price unit of |Q|; exact when below 2^52 (checked)
  if (!(perUnit < FAST) || budget < 0) return riskKeyBig(p, sym, budget, kNum, kDen);
  if (p.qty > 0) {
    const d = mulDiv(budget, 1, perUnit, "floor");
    return m0 - Math.min(d, MAX_DELTA) - 1;
  }
  const k = kDen * RATE_SCALE;
  const r0 = rateOf(sym, perUnit, m0);
  let d = deltaFor(budget, perUnit, k, k + kNum * r0);
  const r1 = rateOf(sym, perUnit, m0 + d);
  if (r1 > r0) d = deltaFor(budget, perUnit, k, k + kNum * r1);
  return m0 + d + 1;
}

/** riskKeyOf in BigInt throughout: the definition (tests compare), used when an operand is out of the fast range. */
export function riskKeyBig(
  p: Position,
  sym: SymbolState,
  budget: number,
  kNum: number,
  kDen: number,
): number {
  const m0 = sym.markPrice;
  const absQ = p.qty < 0 ? -p.qty : p.qty;
  const perUnit = BigInt(absQ) * BigInt(sym.factor);
  if (p.qty > 0) {
    const d = mulDiv(budget, 1, toSafe(perUnit, "riskKey"), "floor");
    return m0 - Math.min(d, MAX_DELTA) - 1;
  }
  const deltaAt = (rate: number): number => {
    const den = perUnit * BigInt(kDen * RATE_SCALE + kNum * rate);
    const d = (BigInt(budget) * BigInt(kDen) * BigInt(RATE_SCALE)) / den;
    return d > BigInt(MAX_DELTA) ? MAX_DELTA : Number(d);
  };
  const r0 = rateAt(sym, perUnit * BigInt(m0));
  let d = deltaAt(r0);
  const r1 = rateAt(sym, perUnit * BigInt(m0 + d));
  if (r1 > r0) d = deltaAt(r1);
  return m0 + d + 1;
}

/**
 * ⌊budget × k / (perUnit × r)⌋ capped at MAX_DELTA, exactly, for budget ≥ 0 and perUnit, k, r > 0 below
 * 2^52, without BigInt in the usual range: with t, r1 = budget divmod perUnit,
 *   ⌊budget × k / perUnit⌋ = t × k + ⌊r1 × k / perUnit⌋   and   ⌊n / (a × b)⌋ = ⌊⌊n / a⌋ / b⌋,
 * so only t × k must stay below 2^52 (mulDiv is exact either way: it falls back to BigInt itself).
 */
function deltaFor(budget: number, perUnit: number, k: number, r: number): number {
  const t = mulDiv(budget, 1, perUnit, "floor");
  if (t * k + k < FAST) {
    const n = t * k + mulDiv(budget - t * perUnit, k, perUnit, "floor");
    const d = mulDiv(n, 1, r, "floor");
    return d > MAX_DELTA ? MAX_DELTA : d;
  }
  const d = (BigInt(budget) * BigInt(k)) / (BigInt(perUnit) * BigInt(r));
  return d > BigInt(MAX_DELTA) ? MAX_DELTA : Number(d);
}

/** MMR of the bracket holding the notional perUnit × price (numbers while the product is exact). */
function rateOf(sym: SymbolState, perUnit: number, price: number): number {
  const n = perUnit * price; // a product of integers below 2^53 is exact; at or above, it is ≥ 2^53
  if (n >= 2 ** 53) return rateAt(sym, BigInt(perUnit) * BigInt(price));
  const b = sym.inst.brackets;
  for (let i = 0; i < b.length; i++) if (n <= b[i]!.notionalCap) return b[i]!.maintMarginRate;
  return b[b.length - 1]!.maintMarginRate;
}

/** MMR of the bracket holding a notional (micro-USDT, BigInt: the far end of a move may be large). */
function rateAt(sym: SymbolState, notional: bigint): number {
  const b = sym.inst.brackets;
  if (notional <= MAX_SAFE_BIG) {
    // the usual case: compare as numbers (exact below 2^53), no BigInt per bracket
    const n = Number(notional);
    for (let i = 0; i < b.length; i++) if (n <= b[i]!.notionalCap) return b[i]!.maintMarginRate;
    return b[b.length - 1]!.maintMarginRate;
  }
  for (let i = 0; i < b.length; i++) if (notional <= BigInt(b[i]!.notionalCap)) return b[i]!.maintMarginRate;
  return b[b.length - 1]!.maintMarginRate;
}

/** Budget per position: (s − c × n − 2) / n, floored, never below 0 (c: rounding per position). */
export function budgetOf(slack: number, n: number, c = 3): number {
  const b = slack - c * n - 2;
  return b <= 0 ? 0 : mulDiv(b, 1, n, "floor");
}

/** Level requirement ⌈MM × kNum / kDen⌉. */
export function levelOf(maintMargin: number, kNum: number, kDen: number): number {
  return mulDiv(maintMargin, kNum, kDen, "ceil");
}

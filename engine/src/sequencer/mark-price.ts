// Mark price (SPEC §6). Owner: the sequencer; computed only at defined points of the command stream —
// each ORACLE_PRICE, each MARK_SAMPLE, and after an order command on a symbol that has no index yet (its
// mark is then the last trade) — never from a clock, so replay gives the same marks.
//
//   mark   = median(Price1, Price2, last trade), rounded to the nearest tick, halves up, at least 1 tick
//   Price1 = index × (1 + lastFundingRate × timeToFunding / fundingInterval)
//   Price2 = index + mean of the last ≤ 30 basis samples (mid − index; 0 when the book lacked a bid or
//            an ask); index when there is no sample yet
//   last trade = Price2 before the first trade
//   without an index: mark = last trade; with neither: no mark (0)
//
// The three candidates are exact rationals (BigInt numerator / denominator); only the median is rounded,
// once, so no intermediate rounding can move the mark by a tick.
import { mulDivBig, RATE_SCALE, toSafe } from "@perpx/shared/fixed";

export interface MarkInputs {
  /** last index price, price units, 0 = none */
  readonly indexPrice: number;
  /** last trade price, price units, 0 = none */
  readonly lastPrice: number;
  /** the instrument's tick, price units */
  readonly tick: number;
  /** rate of the last funding payment, parts per 1e8 */
  readonly lastFundingRate: number;
  /** ms until the next funding time (0 < t ≤ interval) */
  readonly timeToFunding: number;
  /** funding interval, ms */
  readonly intervalMs: number;
  /** Σ of the basis samples (half price units: bid + ask − 2 × index) and how many there are */
  readonly basisSum: number;
  readonly basisCount: number;
}

interface Ratio {
  n: bigint;
  d: bigint;
}

/** a < b for positive-denominator ratios */
const less = (a: Ratio, b: Ratio): boolean => a.n * b.d < b.n * a.d;

function median(a: Ratio, b: Ratio, c: Ratio): Ratio {
  if (less(a, b)) {
    if (less(b, c)) return b;
    return less(a, c) ? c : a;
  }
  if (less(a, c)) return a;
  return less(b, c) ? c : b;
}

/** Price1 and Price2 as exact ratios (exported for the tests' hand computations). */
export function markCandidates(m: MarkInputs): { price1: Ratio; price2: Ratio } {
  const index = BigInt(m.indexPrice);
  const scale = BigInt(RATE_SCALE) * BigInt(m.intervalMs);
  const price1 = { n: index * scale + index * BigInt(m.lastFundingRate) * BigInt(m.timeToFunding), d: scale };
  const twoN = BigInt(2 * m.basisCount);
  const price2 = m.basisCount === 0 ? { n: index, d: 1n } : { n: index * twoN + BigInt(m.basisSum), d: twoN };
  return { price1, price2 };
}

/** The mark in price units, or 0 when there is none (no index and no trade yet). */
export function computeMark(m: MarkInputs): number {
  if (m.indexPrice <= 0) return m.lastPrice > 0 ? m.lastPrice : 0;
  const { price1, price2 } = markCandidates(m);
  const last = m.lastPrice > 0 ? { n: BigInt(m.lastPrice), d: 1n } : price2;
  const med = median(price1, price2, last);
  const tick = BigInt(m.tick);
  // nearest tick, halves up: ⌊med / tick + ½⌋ × tick
  const ticks = mulDivBig(med.n, 1n, med.d * tick, "halfUp");
  const mark = toSafe(ticks * tick, "computeMark");
  return mark < m.tick ? m.tick : mark;
}

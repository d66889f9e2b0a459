// Mark price (SPEC §6). Owner: the sequencer; computed only at defined points of the command stream
// (ORACLE_PRICE, and after trades), never from a clock, so replay gives the same marks.
//
// For now mark = the last index price, or the last trade price when no index has been seen, rounded to
// the tick (halves up). The full SPEC §6 formula — median(Index × (1 + lastFundingRate × timeToFunding /
// interval), Index + MA30(mid − Index), last trade) — replaces `computeMark` alone: it gets the same
// inputs plus the samples the MARK_SAMPLE command will collect.
import { roundToTick } from "./margin.js";

export interface MarkInputs {
  /** last index price, price units, 0 = none */
  readonly indexPrice: number;
  /** last trade price, price units, 0 = none */
  readonly lastPrice: number;
  /** the instrument's tick, price units */
  readonly tick: number;
}

/** The mark in price units, or 0 when there is none (no index and no trade yet). */
export function computeMark(m: MarkInputs): number {
  if (m.indexPrice > 0) return Math.max(m.tick, roundToTick(m.indexPrice, m.tick));
  if (m.lastPrice > 0) return m.lastPrice;
  return 0;
}

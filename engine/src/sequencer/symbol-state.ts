// Per instrument: the definition and the prices the sequencer keeps (index, last, mark, funding and
// mark-price samples), and the derived price band and position caps of pre-trade checks. Owner: the
// sequencer on the engine's main thread (state.ts holds these in SequencerState.symbols).
import type { Instrument } from "@perpx/shared/domain";

/** Per instrument: the definition and the prices the sequencer keeps. */
export interface SymbolState {
  inst: Instrument;
  /** notionalFactor(inst): micro-USDT per price·qty unit */
  factor: number;
  /** last ORACLE_PRICE, price units (0 = none yet) */
  indexPrice: number;
  /** last trade price (0 = none yet) */
  lastPrice: number;
  /** current mark (0 = no mark), see mark-price.ts */
  markPrice: number;
  /** lastUpdateId of the last BookEvent published for this symbol */
  bookUpdateId: number;
  /** rate of the last funding payment, parts per 1e8 (feeds Price1 of the mark) */
  lastFundingRate: number;
  /** fundingTime of the last PAY_FUNDING applied (ms; 0 = none): earlier or equal times are no-ops */
  lastFundingTime: number;
  /** Σ premium samples since the last funding payment, parts per 1e8, and their count */
  premiumSum: number;
  premiumCount: number;
  /**
   * The last ≤ 30 basis samples (mid − index) in half price units (bid + ask − 2 × index, 0 without both
   * a bid and an ask), oldest first once full: `basis[basisHead]` is the next one to be replaced.
   */
  readonly basis: number[];
  basisHead: number;
  /**
   * Derived, never encoded (pre-trade.ts): the limit-price band [bandLo, bandHi] of mark `bandMark` at
   * band rate `bandRate` (bandMark −1 = none yet), and the MAX_POSITION cap per leverage (`caps[lev]`)
   * of the instrument object `capsInst`.
   */
  bandMark: number;
  bandRate: number;
  bandLo: number;
  bandHi: number;
  capsInst: Instrument | null;
  caps: number[];
}

/** Basis samples in the Price2 moving average (SPEC §6). */
export const BASIS_WINDOW = 30;

export function newSymbolState(inst: Instrument, factor: number): SymbolState {
  return {
    inst,
    factor,
    indexPrice: 0,
    lastPrice: 0,
    markPrice: 0,
    bookUpdateId: 0,
    lastFundingRate: 0,
    lastFundingTime: 0,
    premiumSum: 0,
    premiumCount: 0,
    basis: [],
    basisHead: 0,
    bandMark: -1,
    bandRate: 0,
    bandLo: 0,
    bandHi: 0,
    capsInst: null,
    caps: [],
  };
}

// Instruments as the sequencer accepts them (UPSERT_INSTRUMENT, SPEC §3): validation, and a canonical
// copy with a fixed field order so snapshots and state hashes do not depend on how a command's object
// was built. Owner: the sequencer.
import type { Bracket, Instrument } from "@perpx/shared/domain";
import { RATE_SCALE } from "@perpx/shared/fixed";

const int = (x: unknown): x is number => typeof x === "number" && Number.isSafeInteger(x);
const pos = (x: unknown): x is number => int(x) && x > 0;
const nonNeg = (x: unknown): x is number => int(x) && x >= 0;

/** Can the engine trade this instrument exactly? (units, brackets ascending, rates in range) */
export function isValidInstrument(i: Instrument): boolean {
  if (i === null || typeof i !== "object") return false;
  if (!pos(i.symbolId) || typeof i.symbol !== "string" || i.symbol.length === 0) return false;
  if (!nonNeg(i.priceDecimals) || !nonNeg(i.qtyDecimals) || i.priceDecimals + i.qtyDecimals > 6) return false;
  if (!pos(i.tickUnits) || !pos(i.stepUnits) || !pos(i.minQty) || !pos(i.maxQty) || !pos(i.maxMarketQty)) {
    return false;
  }
  if (i.minQty > i.maxQty || !nonNeg(i.minNotional)) return false;
  if (!nonNeg(i.pricePercentBand) || i.pricePercentBand >= RATE_SCALE) return false;
  if (!nonNeg(i.marketTakeBound) || i.marketTakeBound >= RATE_SCALE) return false;
  if (!pos(i.maxOpenOrders) || !int(i.makerFeeRate) || !nonNeg(i.takerFeeRate)) return false;
  // a maker rebate may not exceed the taker fee: the fee account never pays out more than it takes
  if (i.makerFeeRate < 0 && -i.makerFeeRate > i.takerFeeRate) return false;
  if (!nonNeg(i.liquidationFeeRate) || !pos(i.fundingIntervalHours) || !int(i.interestRate)) return false;
  if (!nonNeg(i.fundingCap) || !nonNeg(i.impactMarginNotional) || !pos(i.defaultLeverage)) return false;
  if (!Array.isArray(i.brackets) || i.brackets.length === 0) return false;
  let prevCap = 0;
  let prevLev = Number.MAX_SAFE_INTEGER;
  for (const b of i.brackets) {
    if (!pos(b.notionalCap) || b.notionalCap <= prevCap || !pos(b.maxLeverage) || b.maxLeverage > prevLev) {
      return false;
    }
    if (!nonNeg(b.maintMarginRate) || b.maintMarginRate > RATE_SCALE || !nonNeg(b.maintAmount)) return false;
    prevCap = b.notionalCap;
    prevLev = b.maxLeverage;
  }
  return true;
}

/** A frozen copy with every field in declaration order. */
export function canonicalInstrument(i: Instrument): Instrument {
  const brackets: Bracket[] = i.brackets.map((b) =>
    Object.freeze({
      notionalCap: b.notionalCap,
      maxLeverage: b.maxLeverage,
      maintMarginRate: b.maintMarginRate,
      maintAmount: b.maintAmount,
    }),
  );
  return Object.freeze({
    symbolId: i.symbolId,
    symbol: i.symbol,
    baseAsset: i.baseAsset,
    quoteAsset: i.quoteAsset,
    tickSize: i.tickSize,
    stepSize: i.stepSize,
    priceDecimals: i.priceDecimals,
    qtyDecimals: i.qtyDecimals,
    tickUnits: i.tickUnits,
    stepUnits: i.stepUnits,
    minQty: i.minQty,
    maxQty: i.maxQty,
    maxMarketQty: i.maxMarketQty,
    minNotional: i.minNotional,
    pricePercentBand: i.pricePercentBand,
    marketTakeBound: i.marketTakeBound,
    maxOpenOrders: i.maxOpenOrders,
    makerFeeRate: i.makerFeeRate,
    takerFeeRate: i.takerFeeRate,
    liquidationFeeRate: i.liquidationFeeRate,
    fundingIntervalHours: i.fundingIntervalHours,
    interestRate: i.interestRate,
    fundingCap: i.fundingCap,
    impactMarginNotional: i.impactMarginNotional,
    brackets: Object.freeze(brackets),
    defaultLeverage: i.defaultLeverage,
  });
}

/** Fields that may not change on an existing instrument (resting orders and positions are in its units). */
export function sameUnits(a: Instrument, b: Instrument): boolean {
  return (
    a.priceDecimals === b.priceDecimals &&
    a.qtyDecimals === b.qtyDecimals &&
    a.tickUnits === b.tickUnits &&
    a.stepUnits === b.stepUnits
  );
}

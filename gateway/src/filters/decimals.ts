// Reading decimal inputs (strings, or JSON numbers through their shortest text) into integer units with
// the catalog error each failure deserves (SPEC §2, §4). All parsing goes through shared/fixed.ts.
import type { Instrument } from "@perpx/shared/domain";
import { parseDecimal } from "@perpx/shared/fixed";
import { ApiError } from "../api-error.js";
import { numberText } from "./json-numbers.js";

export type DecimalInput = string | number;

function text(v: DecimalInput, field: string): string {
  if (typeof v === "number") {
    if (!Number.isFinite(v)) throw new ApiError("INVALID_PRECISION", `${field}: not a finite number`);
    return numberText(v);
  }
  return v;
}

/** longest text shortUnits reads (its integer part and decimals then fit 2^53 or are caught) */
const SHORT_MAX = 16;

/**
 * parseDecimal's units for the common short forms — [-]digits[.digits], at most 16 characters, no
 * non-zero digit beyond `decimals`, a safe integer — read in one pass without regexes or slices;
 * undefined for anything else (parseDecimal then decides, with its error). Exact: the running value
 * only grows, so a final value ≤ 2^53 − 1 means every step was an exact double.
 */
export function shortUnits(t: string, decimals: number): number | undefined {
  const n = t.length;
  if (n > SHORT_MAX) return undefined;
  let i = 0;
  const neg = t.charCodeAt(0) === 45; /* - */
  if (neg) i = 1;
  const intStart = i;
  let v = 0;
  for (; i < n; i++) {
    const d = t.charCodeAt(i) - 48;
    if (d < 0 || d > 9) break;
    v = v * 10 + d;
  }
  if (i === intStart) return undefined;
  let kept = 0;
  if (i < n) {
    if (t.charCodeAt(i) !== 46 /* . */ || i === n - 1) return undefined;
    for (i++; i < n; i++) {
      const d = t.charCodeAt(i) - 48;
      if (d < 0 || d > 9) return undefined;
      if (kept < decimals) {
        v = v * 10 + d;
        kept++;
      } else if (d !== 0) return undefined;
    }
  }
  for (; kept < decimals; kept++) v *= 10;
  if (v > Number.MAX_SAFE_INTEGER) return undefined;
  return neg && v !== 0 ? -v : v;
}

/**
 * Units of `v` at `decimals` places. A non-zero digit beyond them is `tooFine` (INVALID_TICK_SIZE for
 * prices, INVALID_LOT_SIZE for quantities, INVALID_PRECISION for money).
 */
export function units(
  v: DecimalInput,
  decimals: number,
  field: string,
  tooFine: "INVALID_TICK_SIZE" | "INVALID_LOT_SIZE" | "INVALID_PRECISION" | "INVALID_PARAMETER",
): number {
  const t = text(v, field);
  const short = shortUnits(t, decimals);
  if (short !== undefined) return short;
  const p = parseDecimal(t, decimals);
  if (p.ok) return p.units;
  switch (p.reason) {
    case "TOO_MANY_DECIMALS":
      throw new ApiError(tooFine, `${field}: ${t} has more than ${decimals} decimals`);
    case "INVALID_PRECISION":
      throw new ApiError("INVALID_PRECISION", `${field}: ${t.slice(0, 40)} cannot be read exactly`);
    default:
      throw new ApiError("INVALID_PARAMETER", `${field}: ${t.slice(0, 40)} is not a decimal number`);
  }
}

/** A price in ticks: > 0 and a multiple of tickSize. */
export function priceUnits(v: DecimalInput, inst: Instrument, field = "price"): number {
  const p = units(v, inst.priceDecimals, field, "INVALID_TICK_SIZE");
  if (p <= 0) throw new ApiError("INVALID_PARAMETER", `${field} must be positive`);
  if (p % inst.tickUnits !== 0) {
    throw new ApiError("INVALID_TICK_SIZE", `${field} must be a multiple of tickSize ${inst.tickSize}`);
  }
  return p;
}

/** A quantity in lots: a multiple of stepSize within [minQty, maxQty] (maxMarketQty for market types). */
export function qtyUnits(v: DecimalInput, inst: Instrument, market: boolean, field = "quantity"): number {
  const q = units(v, inst.qtyDecimals, field, "INVALID_LOT_SIZE");
  const max = market ? inst.maxMarketQty : inst.maxQty;
  if (q < inst.minQty || q > max) {
    throw new ApiError(
      "INVALID_LOT_SIZE",
      `${field} must be between minQty and ${market ? "maxMarketQty" : "maxQty"}`,
    );
  }
  if (q % inst.stepUnits !== 0) {
    throw new ApiError("INVALID_LOT_SIZE", `${field} must be a multiple of stepSize ${inst.stepSize}`);
  }
  return q;
}

/** USDT amount in micro-USDT, > 0. */
export function moneyUnits(v: DecimalInput, field = "amount"): number {
  const m = units(v, 6, field, "INVALID_PRECISION");
  if (m <= 0) throw new ApiError("INVALID_PARAMETER", `${field} must be positive`);
  return m;
}

// The instrument filters of SPEC §4 checked before sending, with the same names the gateway answers
// (INVALID_TICK_SIZE, INVALID_LOT_SIZE, MIN_NOTIONAL, INVALID_PRECISION): a typo is caught at once, and
// the server stays the judge (the band and margin are only checked there). Exact integer arithmetic
// through the shared fixed-point parser; no floats.
import { formatDecimalBig, parseDecimal } from "@perpx/shared/fixed";
import type { InstrumentView } from "./types.js";

export interface FilterProblem {
  error:
    | "INVALID_TICK_SIZE"
    | "INVALID_LOT_SIZE"
    | "MIN_NOTIONAL"
    | "INVALID_PRECISION"
    | "INVALID_PARAMETER";
  /** the form field at fault */
  field: string;
  msg: string;
}

const WIDE = 18; // decimals of the common scale notional comparisons use

function units(
  text: string,
  decimals: number,
): number | "TOO_MANY_DECIMALS" | "INVALID_PRECISION" | "INVALID" {
  const p = parseDecimal(text.trim(), decimals);
  if (p.ok) return p.units;
  return p.reason === "INVALID_PARAMETER" ? "INVALID" : p.reason;
}

/** A price: a positive multiple of tickSize. */
export function checkPrice(text: string, inst: InstrumentView, field: string): FilterProblem | undefined {
  const u = units(text, inst.pricePrecision);
  const tick = units(inst.tickSize, inst.pricePrecision);
  if (u === "INVALID") return { error: "INVALID_PARAMETER", field, msg: `${field} must be a decimal number` };
  if (u === "INVALID_PRECISION")
    return { error: "INVALID_PRECISION", field, msg: `${field} cannot be read exactly` };
  if (u === "TOO_MANY_DECIMALS" || typeof tick !== "number" || u % tick !== 0)
    return {
      error: "INVALID_TICK_SIZE",
      field,
      msg: `${field} must be a multiple of the tick ${inst.tickSize}`,
    };
  if (u <= 0) return { error: "INVALID_PARAMETER", field, msg: `${field} must be above 0` };
  return undefined;
}

/** A quantity: a multiple of stepSize within [minQty, maxQty] (maxMarketQty for market types). */
export function checkQty(text: string, inst: InstrumentView, market: boolean): FilterProblem | undefined {
  const field = "quantity";
  const d = inst.quantityPrecision;
  const u = units(text, d);
  const step = units(inst.stepSize, d);
  if (u === "INVALID") return { error: "INVALID_PARAMETER", field, msg: "quantity must be a decimal number" };
  if (u === "INVALID_PRECISION")
    return { error: "INVALID_PRECISION", field, msg: "quantity cannot be read exactly" };
  if (u === "TOO_MANY_DECIMALS" || typeof step !== "number" || u % step !== 0)
    return {
      error: "INVALID_LOT_SIZE",
      field,
      msg: `quantity must be a multiple of the step ${inst.stepSize}`,
    };
  const min = units(inst.minQty, d);
  const max = units(market ? inst.maxMarketQty : inst.maxQty, d);
  if ((typeof min === "number" && u < min) || (typeof max === "number" && u > max)) {
    const maxText = market ? inst.maxMarketQty : inst.maxQty;
    return {
      error: "INVALID_LOT_SIZE",
      field,
      msg: `quantity must be between ${inst.minQty} and ${maxText}`,
    };
  }
  return undefined;
}

/** price × quantity in USDT, exactly (undefined when either does not parse). */
export function notional(price: string, qty: string, inst: InstrumentView): bigint | undefined {
  const p = units(price, inst.pricePrecision);
  const q = units(qty, inst.quantityPrecision);
  if (typeof p !== "number" || typeof q !== "number") return undefined;
  return BigInt(p) * BigInt(q) * 10n ** BigInt(WIDE - inst.pricePrecision - inst.quantityPrecision);
}

export function formatNotional(n: bigint): string {
  // 18 decimals → 6 (money), truncated
  return formatDecimalBig(n / 10n ** BigInt(WIDE - 6), 6);
}

/** Notional at the reference price must reach minNotional. */
export function checkNotional(price: string, qty: string, inst: InstrumentView): FilterProblem | undefined {
  const n = notional(price, qty, inst);
  const min = units(inst.minNotional, 6);
  if (n === undefined || typeof min !== "number") return undefined;
  if (n < BigInt(min) * 10n ** BigInt(WIDE - 6)) {
    return {
      error: "MIN_NOTIONAL",
      field: "quantity",
      msg: `notional ${formatNotional(n)} USDT is below the minimum ${inst.minNotional}`,
    };
  }
  return undefined;
}

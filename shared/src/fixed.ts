// Fixed-point rules (SPEC §2). The one module that multiplies prices, sizes and rates.
// Every value is an integer held in a JS number that must stay a safe integer (|x| ≤ 2^53 − 1):
// prices in ticks, sizes in lots, money in micro-USDT (1e-6), rates in parts per 1e8. Products that can
// pass 2^53 go through mulDiv, which falls back to BigInt; a result that does not fit is an error
// (FixedOverflowError), never a silent wrap or a float.

/** Rates are integers in parts per RATE_SCALE (0.05% = 50_000). */
export const RATE_SCALE = 100_000_000;
/** Money is integer micro-USDT: 1 USDT = MONEY_SCALE units. */
export const MONEY_SCALE = 1_000_000;
export const MONEY_DECIMALS = 6;
export const RATE_DECIMALS = 8;

const MAX = Number.MAX_SAFE_INTEGER;

const BRAND = Symbol.for("perpx.FixedOverflowError");
export class FixedOverflowError extends Error {
  readonly [BRAND] = true;
  readonly code = "OVERFLOW";
  constructor(op: string) {
    super(`fixed-point overflow in ${op}`);
    this.name = "FixedOverflowError";
  }
  static is(e: unknown): e is FixedOverflowError {
    return typeof e === "object" && e !== null && (e as Record<symbol, unknown>)[BRAND] === true;
  }
}

function check(x: number, op: string): number {
  if (x > MAX || x < -MAX) throw new FixedOverflowError(op);
  return x;
}

/** Checked integer addition. */
export function add(a: number, b: number): number {
  return check(a + b, "add");
}
/** Checked integer subtraction. */
export function sub(a: number, b: number): number {
  return check(a - b, "sub");
}
/** Checked integer multiplication (exact or an error). */
export function mul(a: number, b: number): number {
  const p = a * b;
  if (p <= MAX && p >= -MAX) return p;
  throw new FixedOverflowError("mul");
}

export type Rounding = "floor" | "ceil" | "trunc" | "halfUp";

function divRound(n: bigint, d: bigint, mode: Rounding): bigint {
  if (d === 0n) throw new RangeError("mulDiv: division by zero");
  if (d < 0n) {
    n = -n;
    d = -d;
  }
  const q = n / d; // truncates toward zero
  const r = n - q * d;
  if (r === 0n) return q;
  switch (mode) {
    case "trunc":
      return q;
    case "floor":
      return n < 0n ? q - 1n : q;
    case "ceil":
      return n > 0n ? q + 1n : q;
    case "halfUp": {
      // halves away from zero toward +∞ (round(x) = floor(x + 1/2))
      const twice = 2n * (r < 0n ? -r : r);
      if (n > 0n) return twice >= d ? q + 1n : q;
      return twice > d ? q - 1n : q;
    }
  }
}

/**
 * a × b / d with the named rounding, exact for any safe-integer inputs. Fast path when a × b is exact in
 * a double; BigInt otherwise. Throws FixedOverflowError when the result is not a safe integer.
 */
export function mulDiv(a: number, b: number, d: number, mode: Rounding): number {
  const p = a * b;
  // Fast path: the product is exact with headroom (|p| < 2^52) so q × d below is exact too.
  if (p < FAST && p > -FAST && d > 0 && d < FAST) {
    switch (mode) {
      case "floor":
        return floorDiv(p, d);
      case "ceil":
        return -floorDiv(-p, d);
      case "trunc":
        return p < 0 ? -floorDiv(-p, d) : floorDiv(p, d);
      case "halfUp":
        if (p < HALF_FAST && p > -HALF_FAST) return floorDiv(2 * p + d, 2 * d);
        break;
    }
  }
  const r = divRound(BigInt(a) * BigInt(b), BigInt(d), mode);
  if (r > 9007199254740991n || r < -9007199254740991n) throw new FixedOverflowError("mulDiv");
  return Number(r);
}

const FAST = 2 ** 52;
const HALF_FAST = 2 ** 50;

/** floor(p / d) for integers |p| < 2^52 and 0 < d < 2^52, exact (float quotient corrected by remainder). */
function floorDiv(p: number, d: number): number {
  let q = Math.floor(p / d);
  const r = p - q * d;
  if (r < 0) q -= 1;
  else if (r >= d) q += 1;
  return q;
}

/** Exact BigInt mul-div with rounding, for intermediates that are BigInt already (e.g. sums). */
export function mulDivBig(a: bigint, b: bigint, d: bigint, mode: Rounding): bigint {
  return divRound(a * b, d, mode);
}

/** A bigint that must fit a safe integer. */
export function toSafe(x: bigint, op = "toSafe"): number {
  if (x > 9007199254740991n || x < -9007199254740991n) throw new FixedOverflowError(op);
  return Number(x);
}

// ---------------------------------------------------------------------------------------------------
// Decimal text <-> integer units. Wire decimals are strings (SPEC §2).

export type ParseFailure = "INVALID_PRECISION" | "INVALID_PARAMETER" | "TOO_MANY_DECIMALS";

export interface Parsed {
  ok: true;
  /** value × 10^decimals, a safe integer */
  units: number;
}
export interface ParseError {
  ok: false;
  reason: ParseFailure;
}

const DECIMAL_RE = /^(-)?(\d+)(?:\.(\d+))?$/;
/** Maximum decimals accepted in any input number (SPEC §2: more than 18 is INVALID_PRECISION). */
export const MAX_INPUT_DECIMALS = 18;

/**
 * Reads a decimal string into integer units at `decimals` places. Trailing zeros beyond `decimals` are
 * fine ("50000.10" at 1 decimal is 500001); a non-zero digit beyond them is TOO_MANY_DECIMALS (the caller
 * maps it to INVALID_TICK_SIZE / INVALID_LOT_SIZE). Exponents, >18 decimals or values ≥ 2^53 units are
 * INVALID_PRECISION; anything else that is not a plain decimal is INVALID_PARAMETER.
 */
export function parseDecimal(text: string, decimals: number): Parsed | ParseError {
  if (/[eE]/.test(text)) return { ok: false, reason: "INVALID_PRECISION" };
  const m = DECIMAL_RE.exec(text);
  if (!m) return { ok: false, reason: "INVALID_PARAMETER" };
  const neg = m[1] === "-";
  const intPart = m[2] ?? "0";
  const frac = m[3] ?? "";
  if (frac.length > MAX_INPUT_DECIMALS) return { ok: false, reason: "INVALID_PRECISION" };
  const kept = frac.slice(0, decimals).padEnd(decimals, "0");
  const dropped = frac.slice(decimals);
  if (/[1-9]/.test(dropped)) return { ok: false, reason: "TOO_MANY_DECIMALS" };
  const digits = (intPart + kept).replace(/^0+(?=\d)/, "");
  if (digits.length > 16) {
    const big = BigInt(digits);
    if (big > 9007199254740991n) return { ok: false, reason: "INVALID_PRECISION" };
  }
  const units = Number(digits);
  if (!Number.isSafeInteger(units)) return { ok: false, reason: "INVALID_PRECISION" };
  return { ok: true, units: neg && units !== 0 ? -units : units };
}

/** Formats integer units as a decimal string with exactly `decimals` places ("50000.0", "25.000000"). */
export function formatDecimal(units: number, decimals: number): string {
  if (!Number.isSafeInteger(units)) throw new FixedOverflowError("formatDecimal");
  const neg = units < 0;
  let s = String(neg ? -units : units);
  if (decimals > 0) {
    s = s.padStart(decimals + 1, "0");
    s = `${s.slice(0, s.length - decimals)}.${s.slice(s.length - decimals)}`;
  }
  return neg ? `-${s}` : s;
}

/** Formats a bigint of units (for exact averages and sums kept wide). */
export function formatDecimalBig(units: bigint, decimals: number): string {
  const neg = units < 0n;
  let s = (neg ? -units : units).toString();
  if (decimals > 0) {
    s = s.padStart(decimals + 1, "0");
    s = `${s.slice(0, s.length - decimals)}.${s.slice(s.length - decimals)}`;
  }
  return neg ? `-${s}` : s;
}

/** Number of decimals of a step given as a decimal string ("0.001" → 3, "1" → 0, "0.10" → 1). */
export function decimalsOf(step: string): number {
  const m = DECIMAL_RE.exec(step);
  if (!m) throw new RangeError(`not a decimal: ${step}`);
  const frac = (m[3] ?? "").replace(/0+$/, "");
  return frac.length;
}

/**
 * Money formatting: micro-USDT → "25.000000". Rates: parts per 1e8 → "0.00010000".
 */
export const formatMoney = (micro: number): string => formatDecimal(micro, MONEY_DECIMALS);
export const formatRate = (rate: number): string => formatDecimal(rate, RATE_DECIMALS);

// Safe integers (0 … 2^53 − 1) as little-endian u64 without BigInt: two u32 halves, low half first.
// lo = x mod 2^32 and hi = floor(x / 2^32); for non-negative safe integers `>>> 0` computes both exactly
// and compiles to a plain truncation. Negative or fractional inputs are a caller bug: they encode as
// something the decoder rejects or reads back differently, so encoders are only fed validated values.

const TWO_32 = 4294967296;
/** High half of 2^53 − 1: a u64 whose high half is above this is not a safe integer. */
export const MAX_SAFE_HI = 0x1fffff;

export function writeU64(v: DataView, off: number, x: number): void {
  v.setUint32(off, x >>> 0, true);
  v.setUint32(off + 4, (x / TWO_32) >>> 0, true);
}

/** The u64 at `off`, or -1 when it does not fit a safe integer (never a wrong number). */
export function readU64(v: DataView, off: number): number {
  const hi = v.getUint32(off + 4, true);
  if (hi > MAX_SAFE_HI) return -1;
  return hi * TWO_32 + v.getUint32(off, true);
}

/**
 * Safe integers of either sign (|x| ≤ 2^53 − 1) as little-endian two's-complement i64: order ids, which
 * are negative for the engine's own orders (liquidation IOCs). For x ≥ 0 the bytes are those of
 * writeU64, so a non-negative id reads the same through either function.
 */
export function writeI64(v: DataView, off: number, x: number): void {
  const hi = Math.floor(x / TWO_32);
  v.setUint32(off, x - hi * TWO_32, true);
  v.setInt32(off + 4, hi, true);
}

/** The i64 at `off`, or NaN when it does not fit a safe integer (never a wrong number). */
export function readI64(v: DataView, off: number): number {
  const hi = v.getInt32(off + 4, true);
  const lo = v.getUint32(off, true);
  if (hi > MAX_SAFE_HI || hi < -MAX_SAFE_HI - 1 || (hi === -MAX_SAFE_HI - 1 && lo === 0)) return Number.NaN;
  return hi * TWO_32 + lo;
}

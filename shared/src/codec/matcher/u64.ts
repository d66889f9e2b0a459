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

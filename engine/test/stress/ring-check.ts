// What the ring stress producer writes into each 64-byte slot and how the consumer checks it: the
// message's sequence number (u64 at 0), a checksum of it (u32 at 8) and 13 more u32 words derived from
// it, so a lost, duplicated, reordered, torn or stale slot fails the check.
export const WORDS = 16;

export function mix(x: number, k: number): number {
  let h = Math.imul((x ^ Math.imul(k, 0x9e3779b9)) >>> 0, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  return (h ^ (h >>> 16)) >>> 0;
}

export function writeMessage(v: DataView, off: number, seq: number): void {
  v.setUint32(off, seq >>> 0, true);
  v.setUint32(off + 4, (seq / 4294967296) >>> 0, true);
  for (let k = 2; k < WORDS; k++) v.setUint32(off + 4 * k, mix(seq, k), true);
}

/** null when the slot holds message `seq`, else what is wrong */
export function checkMessage(v: DataView, off: number, seq: number): string | null {
  const got = v.getUint32(off + 4, true) * 4294967296 + v.getUint32(off, true);
  if (got !== seq) return `expected seq ${seq}, got ${got}`;
  for (let k = 2; k < WORDS; k++) {
    if (v.getUint32(off + 4 * k, true) !== mix(seq, k)) return `seq ${seq}: word ${k} is corrupt (torn slot)`;
  }
  return null;
}

/** xorshift32 */
export function rng(seed: number): () => number {
  let x = seed | 0 || 1;
  return () => {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    return x >>> 0;
  };
}

/** Blocks this thread for `ms` without spinning (Atomics.wait on a private word). */
export function sleepSync(ms: number): void {
  Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms);
}

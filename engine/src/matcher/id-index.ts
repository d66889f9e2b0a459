// An open-addressing hash map from a safe-integer key (order id, price, user id) to a non-negative int32
// (a slot index), stored in two typed arrays: no allocation per entry, no tombstones. Linear probing,
// power-of-two table kept at most half full, backward-shift deletion. Owner: the book that holds it.
//
// Why not a JS Map: Map<number, number> boxes keys beyond the small-integer range and costs more per
// lookup; swapped in for the orderId index it made the mixed book-stream bench ~12% slower.

/** Value returned by get/delete for an absent key. */
export const ABSENT = -1;

const PER_TWO_32 = 1 / 4294967296;

export class IdIndex {
  private keys: Float64Array;
  /** ABSENT marks an empty bucket, so any key value (0, negative) is allowed */
  private vals: Int32Array;
  private mask: number;
  private count = 0;

  constructor(expected = 16) {
    let cap = 16;
    while (cap < expected * 2) cap *= 2;
    this.keys = new Float64Array(cap);
    this.vals = new Int32Array(cap).fill(ABSENT);
    this.mask = cap - 1;
  }

  get size(): number {
    return this.count;
  }

  /** The value stored for key, or ABSENT. */
  get(key: number): number {
    const keys = this.keys;
    const vals = this.vals;
    const mask = this.mask;
    let i = bucketOf(key, mask);
    for (;;) {
      const v = vals[i]!;
      if (v === ABSENT || keys[i] === key) return v;
      i = (i + 1) & mask;
    }
  }

  /** Inserts or overwrites; value must be ≥ 0. */
  set(key: number, value: number): void {
    if ((this.count + 1) * 2 > this.vals.length) this.grow();
    const keys = this.keys;
    const vals = this.vals;
    const mask = this.mask;
    let i = bucketOf(key, mask);
    for (;;) {
      const v = vals[i]!;
      if (v === ABSENT) {
        keys[i] = key;
        vals[i] = value;
        this.count++;
        return;
      }
      if (keys[i] === key) {
        vals[i] = value;
        return;
      }
      i = (i + 1) & mask;
    }
  }

  /** Removes key; returns its value or ABSENT. */
  delete(key: number): number {
    const keys = this.keys;
    const vals = this.vals;
    const mask = this.mask;
    let i = bucketOf(key, mask);
    for (;;) {
      const v = vals[i]!;
      if (v === ABSENT) return ABSENT;
      if (keys[i] === key) break;
      i = (i + 1) & mask;
    }
    const old = vals[i]!;
    // Backward shift: pull later entries of the probe run into the hole unless their home bucket lies
    // cyclically in (hole, j], where they must stay.
    let j = i;
    for (;;) {
      j = (j + 1) & mask;
      if (vals[j] === ABSENT) break;
      const home = bucketOf(keys[j]!, mask);
      const stays = i <= j ? i < home && home <= j : i < home || home <= j;
      if (stays) continue;
      keys[i] = keys[j]!;
      vals[i] = vals[j]!;
      i = j;
    }
    vals[i] = ABSENT;
    this.count--;
    return old;
  }

  clear(): void {
    this.vals.fill(ABSENT);
    this.count = 0;
  }

  private grow(): void {
    const oldKeys = this.keys;
    const oldVals = this.vals;
    const cap = oldVals.length * 2;
    this.keys = new Float64Array(cap);
    this.vals = new Int32Array(cap).fill(ABSENT);
    this.mask = cap - 1;
    this.count = 0;
    for (let i = 0; i < oldVals.length; i++) {
      const v = oldVals[i]!;
      if (v !== ABSENT) this.set(oldKeys[i]!, v);
    }
  }
}

/** Mixes both 32-bit halves of a safe integer (murmur3-style finaliser) into a bucket index. */
function bucketOf(key: number, mask: number): number {
  const lo = key >>> 0;
  const hi = (key * PER_TWO_32) | 0; // exact: a power of two
  let h = Math.imul(lo ^ Math.imul(hi, 0x85ebca6b), 0x9e3779b1);
  h ^= h >>> 16;
  return h & mask;
}

// A tiny seeded PRNG (mulberry32) for tests, benchmark generators and simulations. Never used by the
// engine's state machine itself: the engine takes no randomness (SPEC §12). Owner: whoever constructs it.
// 32 bits of state, period 2^32: plenty for streams of a few million operations.

export class Prng {
  private state: number;

  constructor(seed: number) {
    this.state = seed >>> 0;
  }

  /** Uniform unsigned 32-bit integer. */
  nextU32(): number {
    this.state = (this.state + 0x6d2b79f5) >>> 0;
    let t = this.state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return (t ^ (t >>> 14)) >>> 0;
  }

  /** Uniform float in [0, 1). */
  next(): number {
    return this.nextU32() / 4294967296;
  }

  /** Uniform integer in [0, n) for 0 < n ≤ 2^32. */
  int(n: number): number {
    return Math.floor(this.next() * n);
  }

  /** Uniform integer in [lo, hi] (inclusive). */
  range(lo: number, hi: number): number {
    return lo + this.int(hi - lo + 1);
  }

  /** true with probability p. */
  chance(p: number): boolean {
    return this.next() < p;
  }
}

/** The Prng's `next` as a plain function: uniform floats in [0, 1) from `seed`. */
export function seededRandom(seed: number): () => number {
  const p = new Prng(seed);
  return () => p.next();
}

// Replay protection (SPEC §8.1): a signed request (APIKEY, timestamp, signature) may be used once while
// its timestamp is inside the window. Entries expire when the timestamp leaves the window, so memory is
// bounded by the request rate × window; a hard cap refuses new entries (fail closed: the caller answers
// 429) rather than forgetting old ones, which would let them be replayed.
// A signature is remembered by its first 52 bits (13 hex digits, a number: no string kept per request,
// which keeps the garbage collector's work small at high rates) in a set per API key. Two different
// requests of one key share 52 bits with probability ~ entries / 2^52 (< 1e-9 at a million entries):
// the later one would be refused as a replay (fails closed, the client retries with a new timestamp).
// Owner: one instance per gateway process (requests on other instances are not seen: see README).

export type ReplayVerdict = "fresh" | "replay" | "full";

type SigId = number | string;

const HEX13 = /^[0-9a-f]{13}/;

/** 52-bit prefix of a hex signature; anything else is kept whole. */
function sigId(signature: string): SigId {
  return HEX13.test(signature) ? Number.parseInt(signature.slice(0, 13), 16) : signature;
}

interface Bucket {
  sets: Set<SigId>[];
  ids: SigId[];
}

export class ReplayCache {
  /** API key → signatures seen inside the window */
  private readonly seen = new Map<string, Set<SigId>>();
  private count = 0;
  /** expiry second → entries expiring then (pruned as the clock passes them) */
  private readonly buckets = new Map<number, Bucket>();
  private oldestBucket = Number.POSITIVE_INFINITY;

  constructor(
    private readonly windowMs: number,
    private readonly max: number,
  ) {}

  get size(): number {
    return this.count;
  }

  /** Records (key, signature) seen at `timestamp` (already checked to be inside the window). */
  check(apiKey: string, signature: string, timestamp: number, now: number): ReplayVerdict {
    this.prune(now);
    const id = sigId(signature);
    let set = this.seen.get(apiKey);
    if (set?.has(id)) return "replay";
    if (this.count >= this.max) return "full";
    if (!set) {
      set = new Set();
      this.seen.set(apiKey, set);
    }
    set.add(id);
    this.count++;
    const sec = Math.ceil((timestamp + this.windowMs) / 1000);
    const b = this.buckets.get(sec);
    if (b) {
      b.sets.push(set);
      b.ids.push(id);
    } else this.buckets.set(sec, { sets: [set], ids: [id] });
    if (sec < this.oldestBucket) this.oldestBucket = sec;
    return "fresh";
  }

  private prune(now: number): void {
    const nowSec = Math.floor(now / 1000);
    if (this.oldestBucket >= nowSec) return;
    let oldest = Number.POSITIVE_INFINITY;
    for (const [sec, b] of this.buckets) {
      if (sec < nowSec) {
        for (let i = 0; i < b.ids.length; i++)
          if ((b.sets[i] as Set<SigId>).delete(b.ids[i] as SigId)) this.count--;
        this.buckets.delete(sec);
      } else if (sec < oldest) oldest = sec;
    }
    this.oldestBucket = oldest;
    // sets of keys with nothing left inside the window
    for (const [k, set] of this.seen) if (set.size === 0) this.seen.delete(k);
  }
}

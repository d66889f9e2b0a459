// Replay protection (SPEC §8.1): a signed request (APIKEY, timestamp, signature) may be used once while
// its timestamp is inside the window. Entries expire when the timestamp leaves the window, so memory is
// bounded by the request rate × window; a hard cap refuses new entries (fail closed: the caller answers
// 429) rather than forgetting old ones, which would let them be replayed.
// Owner: one instance per gateway process (requests on other instances are not seen: see README).

export type ReplayVerdict = "fresh" | "replay" | "full";

export class ReplayCache {
  private readonly seen = new Map<string, number>();
  /** expiry second → keys expiring then (pruned as the clock passes them) */
  private readonly buckets = new Map<number, string[]>();
  private oldestBucket = Number.POSITIVE_INFINITY;

  constructor(
    private readonly windowMs: number,
    private readonly max: number,
  ) {}

  get size(): number {
    return this.seen.size;
  }

  /** Records (key, signature) seen at `timestamp` (already checked to be inside the window). */
  check(apiKey: string, signature: string, timestamp: number, now: number): ReplayVerdict {
    this.prune(now);
    const k = `${apiKey}\n${signature}`;
    if (this.seen.has(k)) return "replay";
    if (this.seen.size >= this.max) return "full";
    const expiry = timestamp + this.windowMs;
    this.seen.set(k, expiry);
    const sec = Math.ceil(expiry / 1000);
    const b = this.buckets.get(sec);
    if (b) b.push(k);
    else this.buckets.set(sec, [k]);
    if (sec < this.oldestBucket) this.oldestBucket = sec;
    return "fresh";
  }

  private prune(now: number): void {
    const nowSec = Math.floor(now / 1000);
    if (this.oldestBucket >= nowSec) return;
    let oldest = Number.POSITIVE_INFINITY;
    for (const [sec, keys] of this.buckets) {
      if (sec < nowSec) {
        for (const k of keys) this.seen.delete(k);
        this.buckets.delete(sec);
      } else if (sec < oldest) oldest = sec;
    }
    this.oldestBucket = oldest;
  }
}

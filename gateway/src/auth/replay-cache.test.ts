import assert from "node:assert/strict";
import { test } from "node:test";
import { ReplayCache, type ReplayVerdict } from "./replay-cache.js";

/** The semantics, naively: per key, signature id → expiry second; ids as the cache forms them. */
class NaiveReplay {
  private readonly seen = new Map<string, Map<string, number>>();
  private horizon = 0;
  constructor(
    private readonly windowMs: number,
    private readonly max: number,
  ) {}
  get size(): number {
    let n = 0;
    for (const m of this.seen.values()) for (const e of m.values()) if (e >= this.horizon) n++;
    return n;
  }
  check(apiKey: string, sig: string, ts: number, now: number): ReplayVerdict {
    this.horizon = Math.max(this.horizon, Math.floor(now / 1000));
    const id = /^[0-9a-f]{13}/.test(sig) ? `h${sig.slice(0, 13)}` : `s${sig}`;
    const m = this.seen.get(apiKey) ?? new Map<string, number>();
    this.seen.set(apiKey, m);
    const e = m.get(id);
    if (e !== undefined && e >= this.horizon) return "replay";
    if (this.size >= this.max) return "full";
    m.set(id, Math.max(this.horizon, Math.ceil((ts + this.windowMs) / 1000)));
    return "fresh";
  }
}

test("replay cache agrees with a naive model: random keys, signatures, timestamps and a moving clock", () => {
  let seed = 4242;
  const rnd = (n: number) => {
    seed = (seed * 1103515245 + 12345) >>> 0;
    return seed % n;
  };
  const hex = (n: number) => Array.from({ length: n }, () => "0123456789abcdef"[rnd(16)]).join("");
  for (const [windowMs, max] of [
    [60_000, 50],
    [60_000, 5_000],
    [1_000, 300],
  ] as const) {
    const fast = new ReplayCache(windowMs, max);
    const naive = new NaiveReplay(windowMs, max);
    let now = 1_700_000_000_000;
    const used: [string, string][] = [];
    for (let i = 0; i < 20_000; i++) {
      now += rnd(windowMs / 100);
      const key = `key-${rnd(7)}`;
      let sig: string;
      const pick = rnd(10);
      if (pick < 3 && used.length > 0)
        sig = (used[rnd(used.length)] as [string, string])[1]; // a replay
      else if (pick === 3) sig = `NOT-HEX-${rnd(500)}`;
      else if (pick === 4) sig = `${hex(13)}${hex(51)}`.toUpperCase();
      else sig = hex(64);
      used.push([key, sig]);
      if (used.length > 200) used.shift();
      const ts = now - windowMs + rnd(2 * windowMs + 1);
      assert.equal(fast.check(key, sig, ts, now), naive.check(key, sig, ts, now), `step ${i}`);
      if (i % 97 === 0) assert.equal(fast.size, naive.size, `size at step ${i}`);
    }
  }
});

test("replay cache: 52-bit prefixes per key, table rebuilt as entries expire, keys renumbered", () => {
  const c = new ReplayCache(60_000, 1_000_000);
  const t = 1_700_000_000_000;
  const sig = (i: number) => i.toString(16).padStart(13, "0").padEnd(64, "f");
  for (let i = 0; i < 100_000; i++) assert.equal(c.check(`k${i % 10}`, sig(i), t, t), "fresh");
  assert.equal(c.size, 100_000);
  for (let i = 0; i < 100_000; i += 997) assert.equal(c.check(`k${i % 10}`, sig(i), t, t + 1), "replay");
  assert.equal(c.check("k1", sig(0), t, t), "fresh"); // sig 0 was k0's
  // a minute later every entry has expired: new ones fill the dead slots, rebuilds drop them
  const later = t + 61_000;
  for (let i = 0; i < 100_000; i++) assert.equal(c.check("other", sig(i), later, later), "fresh");
  assert.equal(c.size, 100_000);
  assert.equal(c.check("k0", sig(0), later, later), "fresh");
  assert.equal(c.check("other", sig(5), later, later), "replay");
});

test("replay cache: a clock that goes back keeps entries until the latest second seen passes", () => {
  const c = new ReplayCache(1_000, 10);
  const t = 1_700_000_000_000;
  assert.equal(c.check("k", "a".repeat(64), t + 5_000, t + 5_000), "fresh");
  assert.equal(c.check("k", "b".repeat(64), t, t), "fresh"); // clock 5 s back
  assert.equal(c.check("k", "b".repeat(64), t, t + 100), "replay");
  assert.equal(c.check("k", "b".repeat(64), t + 5_000, t + 7_000), "fresh"); // both expired
  assert.equal(c.size, 1);
  assert.throws(() => c.check("k", "c".repeat(64), t + 60_000, t + 7_000), RangeError);
});

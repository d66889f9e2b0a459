// Replay protection (SPEC §8.1): a signed request (APIKEY, timestamp, signature) may be used once while
// its timestamp is inside the window. Entries expire when the timestamp leaves the window, so memory is
// bounded by the request rate × window; a hard cap refuses new entries (fail closed: the caller answers
// 429) rather than forgetting old ones, which would let them be replayed.
// A signature is remembered by its first 52 bits (13 hex digits) per API key. Two different requests of
// one key share 52 bits with probability ~ entries / 2^52 (< 1e-9 at a million entries): the later one
// would be refused as a replay (fails closed, the client retries with a new timestamp). A signature
// that is not hex (never one that passed the HMAC check) is remembered by a 52-bit hash of its text.
// Layout: one open-addressing table (linear probing) in typed arrays — no object, string or Set entry
// per request, which keeps the garbage collector's work flat at high rates. A slot holds the key's
// small id (0: empty), the 52 bits (hi 20 + lo 32) and its expiry second; a slot whose second has
// passed is dead: lookups probe past it, inserts reuse it, and a rebuild drops it once live and dead
// slots fill half the table. Live entries are counted per expiry second in a ring, so expiry is O(1)
// per second that passes, not per entry.
// Owner: one instance per gateway process (requests on other instances are not seen: see README).

import { randomBytes } from "node:crypto";

export type ReplayVerdict = "fresh" | "replay" | "full";

/** first table size, slots (doubles as needed, up to 4 × max rounded up to a power of two) */
const INITIAL_SLOTS = 1024;
/** words per slot, and the word offsets after the key id (offset 0) */
const SLOT = 4;
const HI = 1;
const LO = 2;
const EXP = 3;
/** a rebuild leaves at most 1 / REBUILD_LIVE_SHARE of the slots live */
const REBUILD_LIVE_SHARE = 4;

function nextPow2(n: number): number {
  let p = 1;
  while (p < n) p *= 2;
  return p;
}

/** Value of the lowercase hex digit `c` (a char code), or -1. */
function hexValue(c: number): number {
  if (c >= 48 && c <= 57) return c - 48;
  return c >= 97 && c <= 102 ? c - 87 : -1;
}

export class ReplayCache {
  private mask = INITIAL_SLOTS - 1;
  /**
   * SLOT words per slot, one probe one cache line: key id (0 = empty), the signature's high 20 and low
   * 32 bits, the expiry second (the entry is alive while it is ≥ horizon)
   */
  private table = new Uint32Array(INITIAL_SLOTS * SLOT);
  /** live + dead slots */
  private used = 0;
  /** live entries */
  private count = 0;
  /** live entries per expiry second, at second % ring length */
  private readonly perSecond: Int32Array;
  /** the first second whose entries are still alive (entries of earlier seconds were expired) */
  private horizon = 0;
  /** API key → small id (1-based); ids are renumbered by a rebuild */
  private keyIds = new Map<string, number>();
  private keyNames: string[] = [""];
  private readonly seed = randomBytes(4).readUInt32LE(0);
  /** the 52 bits of the signature being checked (set by idOf) */
  private hi = 0;
  private lo = 0;

  constructor(
    private readonly windowMs: number,
    private readonly max: number,
  ) {
    // expiry seconds of live entries span ceil(now/1000) .. ceil((now + 2 window)/1000)
    this.perSecond = new Int32Array(nextPow2(Math.ceil((2 * windowMs) / 1000) + 4));
  }

  get size(): number {
    return this.count;
  }

  /** Records (key, signature) seen at `timestamp` (already checked to be inside the window). */
  check(apiKey: string, signature: string, timestamp: number, now: number): ReplayVerdict {
    this.expire(Math.floor(now / 1000));
    // a clock that went back can leave a timestamp's expiry before the horizon (the latest second
    // seen): it is then remembered until the horizon passes
    const sec = Math.max(this.horizon, Math.ceil((timestamp + this.windowMs) / 1000));
    if (sec - this.horizon >= this.perSecond.length) throw new RangeError("timestamp outside the window");
    this.idOf(signature);
    const hi = this.hi;
    const lo = this.lo;
    let key = this.keyIds.get(apiKey) ?? 0;
    let reuse = -1;
    let slot = this.home(key, hi, lo);
    if (key !== 0) {
      const t = this.table;
      for (let k = t[slot * SLOT] as number; k !== 0; k = t[slot * SLOT] as number) {
        const at = slot * SLOT;
        if ((t[at + EXP] as number) < this.horizon) {
          if (reuse < 0) reuse = slot;
        } else if (k === key && t[at + LO] === lo && t[at + HI] === hi) return "replay";
        slot = (slot + 1) & this.mask;
      }
    }
    if (this.count >= this.max) return "full";
    if (key === 0) {
      key = this.keyNames.length;
      this.keyNames.push(apiKey);
      this.keyIds.set(apiKey, key);
      slot = this.freeSlot(this.home(key, hi, lo));
    } else if (reuse >= 0) slot = reuse;
    if (this.table[slot * SLOT] === 0) this.used++;
    this.put(slot, key, hi, lo, sec);
    this.count++;
    const ring = this.perSecond;
    ring[sec & (ring.length - 1)] = (ring[sec & (ring.length - 1)] as number) + 1;
    if (this.used * 2 > this.mask) this.rebuild();
    return "fresh";
  }

  /** The 52 bits of a signature into hi/lo: its first 13 hex digits, or a hash of its text. */
  private idOf(signature: string): void {
    let hi = 0;
    let lo = 0;
    let i = 0;
    if (signature.length >= 13) {
      for (; i < 5; i++) {
        const v = hexValue(signature.charCodeAt(i));
        if (v < 0) break;
        hi = (hi << 4) | v;
      }
      for (; i >= 5 && i < 13; i++) {
        const v = hexValue(signature.charCodeAt(i));
        if (v < 0) break;
        lo = ((lo << 4) | v) >>> 0;
      }
    }
    if (i === 13) {
      this.hi = hi;
      this.lo = lo;
      return;
    }
    // FNV-1a with two primes (32 + 20 bits): like two hex prefixes, equal only by chance
    let a = 0x811c9dc5;
    let b = 0x01000193;
    for (let j = 0; j < signature.length; j++) {
      const c = signature.charCodeAt(j);
      a = Math.imul(a ^ c, 0x01000193);
      b = Math.imul(b ^ c, 0x0100019d);
    }
    this.hi = (b >>> 12) & 0xfffff;
    this.lo = a >>> 0;
  }

  /**
   * A slot's home: murmur3's finaliser over the 52 bits, the key id and a per-instance random seed, so
   * neither ordered signatures nor a client grinding its own signatures can build long probe runs.
   */
  private home(key: number, hi: number, lo: number): number {
    let h = Math.imul(lo ^ this.seed, 0xcc9e2d51) ^ Math.imul(hi + key * 0x100000, 0x1b873593);
    h ^= h >>> 16;
    h = Math.imul(h, 0x85ebca6b);
    h ^= h >>> 13;
    h = Math.imul(h, 0xc2b2ae35);
    h ^= h >>> 16;
    return h & this.mask;
  }

  /** The first empty or dead slot from `slot` on. */
  private freeSlot(slot: number): number {
    const t = this.table;
    while (t[slot * SLOT] !== 0 && (t[slot * SLOT + EXP] as number) >= this.horizon)
      slot = (slot + 1) & this.mask;
    return slot;
  }

  private put(slot: number, key: number, hi: number, lo: number, sec: number): void {
    const at = slot * SLOT;
    this.table[at] = key;
    this.table[at + HI] = hi;
    this.table[at + LO] = lo;
    this.table[at + EXP] = sec;
  }

  /** Entries of the seconds before `nowSec` leave the count (their slots turn dead). */
  private expire(nowSec: number): void {
    if (nowSec <= this.horizon) return;
    const ring = this.perSecond;
    if (nowSec - this.horizon >= ring.length) {
      ring.fill(0);
      this.count = 0;
    } else {
      for (let s = this.horizon; s < nowSec; s++) {
        this.count -= ring[s & (ring.length - 1)] as number;
        ring[s & (ring.length - 1)] = 0;
      }
    }
    this.horizon = nowSec;
  }

  /**
   * Re-inserts the live entries into a table with at most 1 / REBUILD_LIVE_SHARE of its slots live
   * (dead slots are dropped), renumbering the key ids of keys that still have entries.
   */
  private rebuild(): void {
    const { table: old, keyNames } = this;
    const slots = nextPow2(Math.max(INITIAL_SLOTS, (this.count + 1) * REBUILD_LIVE_SHARE));
    const t = new Uint32Array(slots * SLOT);
    this.table = t;
    this.mask = slots - 1;
    this.used = 0;
    const renumbered = new Uint32Array(keyNames.length);
    this.keyIds = new Map();
    this.keyNames = [""];
    for (let at = 0; at < old.length; at += SLOT) {
      const k = old[at] as number;
      if (k === 0 || (old[at + EXP] as number) < this.horizon) continue;
      let key = renumbered[k] as number;
      if (key === 0) {
        key = this.keyNames.length;
        renumbered[k] = key;
        this.keyNames.push(keyNames[k] as string);
        this.keyIds.set(keyNames[k] as string, key);
      }
      const hi = old[at + HI] as number;
      const lo = old[at + LO] as number;
      let slot = this.home(key, hi, lo);
      while (t[slot * SLOT] !== 0) slot = (slot + 1) & this.mask;
      this.put(slot, key, hi, lo, old[at + EXP] as number);
      this.used++;
    }
  }
}

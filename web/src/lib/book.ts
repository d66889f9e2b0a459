// A local L2 book kept from `depth:SYM` (SPEC §9, docs/stream.md): a snapshot, then diffs whose `pu`
// must equal the previous `u`; quantities are absolute and "0" deletes a level. After every message the
// CRC32 of `b1p:b1q:a1p:a1q:…` over the top 25 levels (wire strings) must equal `cs`: any break in the
// chain or checksum means the local book is wrong and the caller resubscribes for a fresh snapshot.
import { crc32 } from "@perpx/shared/crc32";
import { parseDecimal } from "@perpx/shared/fixed";
import type { DepthDiffMsg, DepthSnapshotMsg, Level } from "./types.js";

export const CHECKSUM_LEVELS = 25;

export type ApplyResult = "ok" | "stale" | "gap" | "checksum" | "unsynced";

interface Row {
  price: string;
  qty: string;
}

class Side {
  private readonly levels = new Map<number, Row>();
  private sorted: number[] | undefined;

  constructor(
    private readonly descending: boolean,
    private readonly priceDecimals: number,
  ) {}

  clear(): void {
    this.levels.clear();
    this.sorted = undefined;
  }

  set([price, qty]: Level): void {
    const p = parseDecimal(price, this.priceDecimals);
    if (!p.ok) return;
    if (/^0+(\.0+)?$/.test(qty)) this.levels.delete(p.units);
    else this.levels.set(p.units, { price, qty });
    this.sorted = undefined;
  }

  /** best first */
  top(n: number): Row[] {
    this.sorted ??= [...this.levels.keys()].sort((a, b) => (this.descending ? b - a : a - b));
    return this.sorted.slice(0, n).map((k) => this.levels.get(k)!);
  }

  get size(): number {
    return this.levels.size;
  }
}

export class LocalBook {
  readonly bids: Side;
  readonly asks: Side;
  /** `u` of the last applied message; -1 before the first snapshot */
  lastUpdateId = -1;

  constructor(priceDecimals: number) {
    this.bids = new Side(true, priceDecimals);
    this.asks = new Side(false, priceDecimals);
  }

  get synced(): boolean {
    return this.lastUpdateId >= 0;
  }

  /** Forget everything until the next snapshot (after a reported problem). */
  reset(): void {
    this.bids.clear();
    this.asks.clear();
    this.lastUpdateId = -1;
  }

  applySnapshot(m: DepthSnapshotMsg): ApplyResult {
    this.bids.clear();
    this.asks.clear();
    for (const l of m.bids) this.bids.set(l);
    for (const l of m.asks) this.asks.set(l);
    this.lastUpdateId = m.lastUpdateId;
    return this.checksum() === m.cs ? "ok" : "checksum";
  }

  applyDiff(m: DepthDiffMsg): ApplyResult {
    if (!this.synced) return "unsynced";
    if (m.u <= this.lastUpdateId) return "stale";
    if (m.pu !== this.lastUpdateId) return "gap";
    for (const l of m.b) this.bids.set(l);
    for (const l of m.a) this.asks.set(l);
    this.lastUpdateId = m.u;
    return this.checksum() === m.cs ? "ok" : "checksum";
  }

  /** CRC32 over b1p:b1q:a1p:a1q:b2p:… of the top 25 levels, missing levels skipped (SPEC §9). */
  checksum(): number {
    const b = this.bids.top(CHECKSUM_LEVELS);
    const a = this.asks.top(CHECKSUM_LEVELS);
    const parts: string[] = [];
    for (let i = 0; i < CHECKSUM_LEVELS; i++) {
      const bi = b[i];
      const ai = a[i];
      if (bi) parts.push(bi.price, bi.qty);
      if (ai) parts.push(ai.price, ai.qty);
    }
    return crc32(parts.join(":"));
  }
}

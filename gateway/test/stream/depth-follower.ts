// A client-side local order book written independently of the server (strings as received, zlib's
// CRC-32), following one `depth:SYM` stream in one of two ways:
//  - "snapshot": the snapshot-on-subscribe the server sends first, then diffs chained by pu;
//  - "binance":  Binance's local-order-book procedure — buffer diffs, fetch a snapshot out of band,
//    drop diffs with u ≤ lastUpdateId, the first applied diff has pu == lastUpdateId (U == lastUpdateId
//    + 1 here: our snapshots fall on diff boundaries), then every pu must equal the previous u.
// Every applied diff's `cs` is checked against the CRC-32 of the local top 25 levels.
import * as zlib from "node:zlib";
import { crc32 as ourCrc32 } from "@perpx/shared/crc32";
import type { Msg } from "./test-client.js";

const crc32: (s: string) => number =
  (zlib as { crc32?: (s: string) => number }).crc32 ?? ((s: string) => ourCrc32(s));

type Pair = [string, string];

class LocalSide {
  /** numeric prices, best first */
  private readonly keys: number[] = [];
  private readonly levels = new Map<number, Pair>();
  constructor(private readonly desc: boolean) {}

  set(p: string, q: string): void {
    const k = Number(p);
    if (Number(q) === 0) {
      if (this.levels.delete(k)) this.keys.splice(this.find(k), 1);
      return;
    }
    if (!this.levels.has(k)) this.keys.splice(this.find(k), 0, k);
    this.levels.set(k, [p, q]);
  }

  top(n: number): Pair[] {
    return this.keys.slice(0, n).map((k) => this.levels.get(k)!);
  }

  all(): Pair[] {
    return this.top(this.keys.length);
  }

  clear(): void {
    this.keys.length = 0;
    this.levels.clear();
  }

  private find(k: number): number {
    let lo = 0;
    let hi = this.keys.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      const better = this.desc ? this.keys[mid]! > k : this.keys[mid]! < k;
      if (better) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }
}

export interface Snapshot {
  lastUpdateId: number;
  bids: Pair[];
  asks: Pair[];
}

export class DepthFollower {
  readonly bids = new LocalSide(true);
  readonly asks = new LocalSide(false);
  lastU = -1;
  synced = false;
  applied = 0;
  checksumsOk = 0;
  checksumBad = 0;
  /** a diff whose pu did not chain */
  chainBreaks = 0;
  /** diffs dropped because u ≤ lastUpdateId (normal for "binance" while syncing) */
  dropped = 0;
  snapshots = 0;
  /** "binance": snapshots fetched again because the first one was older than the buffered diffs */
  refetches = 0;
  private buffer: Msg[] = [];

  constructor(
    readonly channel: string,
    readonly mode: "snapshot" | "binance",
  ) {}

  /** Feeds one message of this channel. */
  onMessage(m: Msg): void {
    if (m.type === "snapshot") {
      this.load(m as unknown as Snapshot);
      return;
    }
    if (!this.synced) {
      this.buffer.push(m);
      return;
    }
    this.applyDiff(m);
  }

  /** Loads a snapshot (the WS one, or the out-of-band one) and replays buffered diffs. */
  load(s: Snapshot): void {
    this.snapshots++;
    this.bids.clear();
    this.asks.clear();
    for (const [p, q] of s.bids) this.bids.set(p, q);
    for (const [p, q] of s.asks) this.asks.set(p, q);
    this.lastU = s.lastUpdateId;
    this.synced = true;
    const buffered = this.buffer;
    this.buffer = [];
    for (const m of buffered) this.applyDiff(m);
  }

  /** "binance": true when the buffered diffs show the snapshot is too old (refetch it). */
  snapshotTooOld(s: Snapshot): boolean {
    const first = this.buffer.find((m) => (m.u as number) > s.lastUpdateId);
    return first !== undefined && (first.pu as number) > s.lastUpdateId;
  }

  private applyDiff(m: Msg): void {
    const u = m.u as number;
    if (u <= this.lastU) {
      this.dropped++;
      return;
    }
    if (m.pu !== this.lastU || m.U !== this.lastU + 1) this.chainBreaks++;
    for (const [p, q] of m.b as Pair[]) this.bids.set(p, q);
    for (const [p, q] of m.a as Pair[]) this.asks.set(p, q);
    this.lastU = u;
    this.applied++;
    if (this.checksum() === m.cs) this.checksumsOk++;
    else this.checksumBad++;
  }

  checksum(): number {
    const b = this.bids.top(25);
    const a = this.asks.top(25);
    const parts: string[] = [];
    for (let i = 0; i < 25; i++) {
      if (b[i]) parts.push(b[i]![0], b[i]![1]);
      if (a[i]) parts.push(a[i]![0], a[i]![1]);
    }
    return crc32(parts.join(":"));
  }
}

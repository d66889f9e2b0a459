// The notifier's copy of each symbol's order book, rebuilt from BOOK diffs (absolute quantities; 0
// deletes a level), to keep `orderbook:{symbol}` and to give each depth diff its CRC32 checksum (SPEC
// §9). Owner: the notifier. Levels are kept in sorted arrays (bids high→low, asks low→high): binary
// search, and the top 25 for the checksum is a slice.
import { crc32 } from "node:zlib";
import { formatDecimal, parseDecimal } from "@perpx/shared/fixed";

type Level = [price: number, qty: number];

function setLevel(levels: Level[], price: number, qty: number, descending: boolean): void {
  let lo = 0;
  let hi = levels.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    const p = (levels[mid] as Level)[0];
    if (descending ? p > price : p < price) lo = mid + 1;
    else hi = mid;
  }
  const at = levels[lo];
  if (at && at[0] === price) {
    if (qty === 0) levels.splice(lo, 1);
    else at[1] = qty;
  } else if (qty !== 0) levels.splice(lo, 0, [price, qty]);
}

export interface BookSnapshotText {
  symbol: string;
  lastUpdateId: number;
  bids: [string, string][];
  asks: [string, string][];
  E: number;
}

export class BookState {
  bids: Level[] = [];
  asks: Level[] = [];
  lastUpdateId = 0;
  /** false until the book is known from its first diff (prevUpdateId 0) or a cached snapshot */
  synced = false;

  constructor(
    readonly symbol: string,
    readonly priceDecimals: number,
    readonly qtyDecimals: number,
  ) {}

  /** Applies one diff. Returns false when it does not follow the previous one (the book is then unsynced). */
  apply(prevUpdateId: number, lastUpdateId: number, bids: readonly Level[], asks: readonly Level[]): boolean {
    if (lastUpdateId <= this.lastUpdateId && this.synced) return true; // already applied
    if (prevUpdateId === 0) {
      this.bids = [];
      this.asks = [];
      this.synced = true;
    } else if (prevUpdateId !== this.lastUpdateId) this.synced = false;
    for (const [p, q] of bids) setLevel(this.bids, p, q, true);
    for (const [p, q] of asks) setLevel(this.asks, p, q, false);
    this.lastUpdateId = lastUpdateId;
    return this.synced;
  }

  price(p: number): string {
    return formatDecimal(p, this.priceDecimals);
  }
  qty(q: number): string {
    return formatDecimal(q, this.qtyDecimals);
  }

  /** CRC32 of "b1p:b1q:a1p:a1q:…" over the top 25 of each side, as sent on the wire (SPEC §9). */
  checksum(): number {
    const parts: string[] = [];
    for (let i = 0; i < 25; i++) {
      const b = this.bids[i];
      const a = this.asks[i];
      if (!b && !a) break;
      if (b) parts.push(this.price(b[0]), this.qty(b[1]));
      if (a) parts.push(this.price(a[0]), this.qty(a[1]));
    }
    return crc32(parts.join(":")) >>> 0;
  }

  snapshot(time: number): BookSnapshotText {
    return {
      symbol: this.symbol,
      lastUpdateId: this.lastUpdateId,
      bids: this.bids.map(([p, q]) => [this.price(p), this.qty(q)]),
      asks: this.asks.map(([p, q]) => [this.price(p), this.qty(q)]),
      E: time,
    };
  }

  /** Seeds the book from a cached snapshot (after a notifier restart). */
  load(s: BookSnapshotText): void {
    const units = (t: string, d: number) => {
      const r = parseDecimal(t, d);
      if (!r.ok) throw new RangeError(`bad cached book number ${t}`);
      return r.units;
    };
    this.bids = s.bids.map(([p, q]) => [units(p, this.priceDecimals), units(q, this.qtyDecimals)]);
    this.asks = s.asks.map(([p, q]) => [units(p, this.priceDecimals), units(q, this.qtyDecimals)]);
    this.lastUpdateId = s.lastUpdateId;
    this.synced = true;
  }
}

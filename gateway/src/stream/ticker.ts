// 24 h rolling ticker statistics of one symbol, from its trades, at one-minute resolution: 1 440 minute
// buckets in a ring (typed arrays, allocated once); stats() folds the buckets of the last 1 440 minutes.
// Time is the trades' engine time; `now` only moves the window. Owner: the stream server's thread.
import type { Instrument } from "@perpx/shared/domain";
import { formatDecimal, formatDecimalBig, mulDiv } from "@perpx/shared/fixed";
import { priceText, qtyText } from "./market-wire.js";

const MINUTE_MS = 60_000;
const BUCKETS = 1_440; // 24 h of minutes

export interface TickerStats {
  open: number;
  high: number;
  low: number;
  close: number;
  /** Σ qty (lots) */
  volume: number;
  /** Σ notional (micro-USDT), exact */
  quoteVolume: bigint;
  count: number;
  /** time of the first and last trade in the window (ms) */
  openTime: number;
  closeTime: number;
}

export class RollingTicker {
  private readonly minute = new Float64Array(BUCKETS).fill(-1);
  private readonly open = new Float64Array(BUCKETS);
  private readonly high = new Float64Array(BUCKETS);
  private readonly low = new Float64Array(BUCKETS);
  private readonly close = new Float64Array(BUCKETS);
  private readonly firstTs = new Float64Array(BUCKETS);
  private readonly lastTs = new Float64Array(BUCKETS);
  private readonly volume = new Float64Array(BUCKETS);
  private readonly quote = new Float64Array(BUCKETS);
  private readonly count = new Float64Array(BUCKETS);
  /** latest trade time seen (ms) */
  latestTs = 0;

  /** Adds one trade (price ticks, qty lots, quote micro-USDT). Trades older than the window are ignored. */
  add(ts: number, price: number, qty: number, quote: number): void {
    const m = Math.floor(ts / MINUTE_MS);
    if (ts > this.latestTs) this.latestTs = ts;
    if (m <= Math.floor(this.latestTs / MINUTE_MS) - BUCKETS) return;
    const i = m % BUCKETS;
    const bm = this.minute[i]!;
    if (bm > m) return; // the slot already holds a newer minute: this trade is out of the window
    if (bm < m) {
      this.minute[i] = m;
      this.open[i] = this.high[i] = this.low[i] = this.close[i] = price;
      this.firstTs[i] = this.lastTs[i] = ts;
      this.volume[i] = qty;
      this.quote[i] = quote;
      this.count[i] = 1;
      return;
    }
    if (price > this.high[i]!) this.high[i] = price;
    if (price < this.low[i]!) this.low[i] = price;
    if (ts < this.firstTs[i]!) {
      this.firstTs[i] = ts;
      this.open[i] = price;
    }
    if (ts >= this.lastTs[i]!) {
      this.lastTs[i] = ts;
      this.close[i] = price;
    }
    this.volume[i]! += qty;
    this.quote[i]! += quote;
    this.count[i]! += 1;
  }

  /** Stats over the 1 440 minutes ending at max(now, latest trade), or null without trades in it. */
  stats(now: number): TickerStats | null {
    const endMinute = Math.floor(Math.max(now, this.latestTs) / MINUTE_MS);
    let s: TickerStats | null = null;
    for (let i = 0; i < BUCKETS; i++) {
      const m = this.minute[i]!;
      if (m < 0 || m <= endMinute - BUCKETS) continue;
      if (!s) {
        s = {
          open: this.open[i]!,
          high: this.high[i]!,
          low: this.low[i]!,
          close: this.close[i]!,
          volume: 0,
          quoteVolume: 0n,
          count: 0,
          openTime: this.firstTs[i]!,
          closeTime: this.lastTs[i]!,
        };
      }
      if (this.high[i]! > s.high) s.high = this.high[i]!;
      if (this.low[i]! < s.low) s.low = this.low[i]!;
      if (this.firstTs[i]! < s.openTime) {
        s.openTime = this.firstTs[i]!;
        s.open = this.open[i]!;
      }
      if (this.lastTs[i]! >= s.closeTime) {
        s.closeTime = this.lastTs[i]!;
        s.close = this.close[i]!;
      }
      s.volume += this.volume[i]!;
      s.quoteVolume += BigInt(this.quote[i]!);
      s.count += this.count[i]!;
    }
    return s;
  }
}

/**
 * `ticker:SYM`: o h l c, p change (c − o), P change percent (3 decimals, truncated), v base volume,
 * q quote volume (USDT), n trade count, O/C first/last trade time, E event time.
 */
export function tickerJson(channel: string, inst: Instrument, s: TickerStats, E: number): string {
  const change = s.close - s.open;
  const pct = formatDecimal(mulDiv(change, 100_000, s.open, "trunc"), 3);
  return `{"channel":"${channel}","p":"${priceText(inst, change)}","P":"${pct}","o":"${priceText(inst, s.open)}","h":"${priceText(inst, s.high)}","l":"${priceText(inst, s.low)}","c":"${priceText(inst, s.close)}","v":"${qtyText(inst, s.volume)}","q":"${formatDecimalBig(s.quoteVolume, 6)}","n":${s.count},"O":${s.openTime},"C":${s.closeTime},"E":${E}}`;
}

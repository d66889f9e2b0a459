// Per-symbol market data of the memory read model: book levels (BOOK events), recent trades and 24 h
// statistics (TRADE), mark/index/funding (MARK, FUNDING_RATE). Owner: MemoryReadModel.apply.
import type { Instrument } from "@perpx/shared/domain";
import { TRADE_TYPE_NAMES } from "@perpx/shared/domain";
import type { BookEvent, MarkEvent, TradeEvent } from "@perpx/shared/events";
import { formatDecimal, formatMoney, formatRate, mulDiv } from "@perpx/shared/fixed";
import type { DepthView, FundingRateView, PublicTradeView, TickerView } from "./views.js";

const RECENT_TRADES = 500;
const MINUTE = 60_000;
const DAY = 24 * 60 * MINUTE;

/** One minute of trades (24 h ticker granularity: the window moves by whole minutes). */
interface MinuteBucket {
  minute: number;
  open: number;
  high: number;
  low: number;
  close: number;
  volume: number;
  quote: number;
  count: number;
  firstTime: number;
  lastTime: number;
}

interface RecentTrade {
  tradeId: number;
  price: number;
  qty: number;
  quote: number;
  isBuyerMaker: boolean;
  type: number;
  time: number;
}

export class MarketState {
  inst: Instrument;
  mark: number | undefined;
  index: number | undefined;
  lastPrice: number | undefined;
  predictedRate = 0;
  lastFundingRate = 0;
  nextFundingTime = 0;
  markTime = 0;
  readonly bids = new Map<number, number>();
  readonly asks = new Map<number, number>();
  lastUpdateId = 0;
  /** ring of the last RECENT_TRADES trades; `tradeCount` is the total ever written */
  private readonly trades: RecentTrade[] = [];
  private tradeCount = 0;
  private readonly minutes: MinuteBucket[] = [];
  readonly fundingRates: { fundingTime: number; fundingRate: number; markPrice: number }[] = [];

  constructor(inst: Instrument) {
    this.inst = inst;
  }

  applyBook(e: BookEvent): void {
    for (const [p, q] of e.bids) q === 0 ? this.bids.delete(p) : this.bids.set(p, q);
    for (const [p, q] of e.asks) q === 0 ? this.asks.delete(p) : this.asks.set(p, q);
    this.lastUpdateId = e.lastUpdateId;
  }

  applyMark(e: MarkEvent): void {
    this.mark = e.markPrice;
    this.index = e.indexPrice;
    if (e.lastPrice > 0) this.lastPrice = e.lastPrice;
    this.predictedRate = e.fundingRate;
    this.nextFundingTime = e.nextFundingTime;
    this.markTime = e.ts;
  }

  applyFundingRate(fundingTime: number, fundingRate: number, markPrice: number): void {
    this.fundingRates.push({ fundingTime, fundingRate, markPrice });
    this.lastFundingRate = fundingRate;
  }

  applyTrade(e: TradeEvent): void {
    const t: RecentTrade = {
      tradeId: e.tradeId,
      price: e.price,
      qty: e.qty,
      quote: e.quote,
      isBuyerMaker: e.makerSide === 0,
      type: e.type,
      time: e.ts,
    };
    this.trades[this.tradeCount % RECENT_TRADES] = t;
    this.tradeCount++;
    this.lastPrice = e.price;
    const minute = Math.floor(e.ts / MINUTE);
    let b = this.minutes[this.minutes.length - 1];
    if (!b || b.minute !== minute) {
      b = {
        minute,
        open: e.price,
        high: e.price,
        low: e.price,
        close: e.price,
        volume: 0,
        quote: 0,
        count: 0,
        firstTime: e.ts,
        lastTime: e.ts,
      };
      this.minutes.push(b);
      // keep one day plus the current minute
      let drop = 0;
      while (drop < this.minutes.length && (this.minutes[drop]?.minute ?? 0) <= minute - DAY / MINUTE - 1)
        drop++;
      if (drop > 0) this.minutes.splice(0, drop);
    }
    b.high = Math.max(b.high, e.price);
    b.low = Math.min(b.low, e.price);
    b.close = e.price;
    b.volume += e.qty;
    b.quote += e.quote;
    b.count++;
    b.lastTime = e.ts;
  }

  depth(limit: number): DepthView {
    const pd = this.inst.priceDecimals;
    const qd = this.inst.qtyDecimals;
    const side = (m: Map<number, number>, desc: boolean): [string, string][] =>
      [...m.entries()]
        .sort((a, b) => (desc ? b[0] - a[0] : a[0] - b[0]))
        .slice(0, limit)
        .map(([p, q]) => [formatDecimal(p, pd), formatDecimal(q, qd)]);
    return { lastUpdateId: this.lastUpdateId, bids: side(this.bids, true), asks: side(this.asks, false) };
  }

  recentTrades(limit: number): PublicTradeView[] {
    const n = Math.min(limit, RECENT_TRADES, this.tradeCount);
    const out: PublicTradeView[] = [];
    for (let i = this.tradeCount - n; i < this.tradeCount; i++) {
      const t = this.trades[i % RECENT_TRADES];
      if (!t) continue;
      out.push({
        tradeId: t.tradeId,
        price: formatDecimal(t.price, this.inst.priceDecimals),
        qty: formatDecimal(t.qty, this.inst.qtyDecimals),
        quoteQty: formatMoney(t.quote),
        isBuyerMaker: t.isBuyerMaker,
        type: TRADE_TYPE_NAMES[t.type] ?? "NORMAL",
        time: t.time,
      });
    }
    return out;
  }

  /** Rolling 24 h statistics over whole minutes: [minute(now) − 1440, minute(now)]. */
  ticker(now: number): TickerView {
    const pd = this.inst.priceDecimals;
    const from = Math.floor(now / MINUTE) - DAY / MINUTE;
    let open = 0;
    let high = 0;
    let low = 0;
    let volume = 0;
    let quote = 0;
    let count = 0;
    let openTime = now - DAY;
    let closeTime = now;
    let first = true;
    for (const b of this.minutes) {
      if (b.minute < from) continue;
      if (first) {
        open = b.open;
        high = b.high;
        low = b.low;
        openTime = b.firstTime;
        first = false;
      }
      high = Math.max(high, b.high);
      low = Math.min(low, b.low);
      volume += b.volume;
      quote += b.quote;
      count += b.count;
      closeTime = b.lastTime;
    }
    const last = this.lastPrice ?? 0;
    const change = first ? 0 : last - open;
    // percent with 3 decimals: change / open × 100, truncated
    const pct = first || open === 0 ? 0 : mulDiv(change, 100_000, open, "trunc");
    return {
      symbol: this.inst.symbol,
      priceChange: formatDecimal(change, pd),
      priceChangePercent: formatDecimal(pct, 3),
      lastPrice: formatDecimal(last, pd),
      openPrice: formatDecimal(open, pd),
      highPrice: formatDecimal(high, pd),
      lowPrice: formatDecimal(low, pd),
      volume: formatDecimal(volume, this.inst.qtyDecimals),
      quoteVolume: formatMoney(quote),
      openTime,
      closeTime,
      count,
    };
  }

  fundingRateViews(startTime: number, endTime: number, limit: number): FundingRateView[] {
    const rows = this.fundingRates.filter((r) => r.fundingTime >= startTime && r.fundingTime <= endTime);
    return rows.slice(Math.max(0, rows.length - limit)).map((r) => ({
      symbol: this.inst.symbol,
      fundingTime: r.fundingTime,
      fundingRate: formatRate(r.fundingRate),
      markPrice: formatDecimal(r.markPrice, this.inst.priceDecimals),
    }));
  }
}

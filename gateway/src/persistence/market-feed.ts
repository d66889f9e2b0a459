// The market half of the notifier (Redis `orderbook:{symbol}`, `ticker:{symbol}` and the
// `market:{channel}` messages) from orderbook_output and ticker_engine_output. Owner: the Notifier; it
// keeps each symbol's book (BookState) and ticker between chunks.
import type { Instrument } from "@perpx/shared/domain";
import { TRADE_TYPE_NAMES } from "@perpx/shared/domain";
import { type BookEvent, type EngineEvent, Ev, type MarkEvent } from "@perpx/shared/events";
import { formatDecimal, formatMoney, formatRate } from "@perpx/shared/fixed";
import { type BookSnapshotText, BookState } from "./book-state.js";
import type { CacheCommand } from "./cache-command.js";
import { type RedisKeys, TTL_SECONDS } from "./redis-keys.js";
import { nameOf } from "./savers/bulk.js";

interface Ticker {
  symbol: string;
  lastPrice?: string;
  lastQty?: string;
  markPrice?: string;
  indexPrice?: string;
  fundingRate?: string;
  nextFundingTime?: number;
  time: number;
}

export class MarketFeed {
  private readonly books = new Map<number, BookState>();
  private readonly tickers = new Map<number, Ticker>();
  /** symbols whose book / ticker changed in the chunk being prepared (book: time of the last diff) */
  private readonly touchedBooks = new Map<number, number>();
  private readonly touchedTickers = new Set<number>();

  constructor(
    private readonly keys: RedisKeys,
    private readonly instOf: (symbolId: number) => Instrument | undefined,
  ) {}

  /** Seeds a book from its cached snapshot (notifier restart). */
  load(inst: Instrument, cached: BookSnapshotText): void {
    this.book(inst).load(cached);
  }

  /** Ends a chunk: the `orderbook:` and `ticker:` keys of what changed, and the ticker messages. */
  finish(out: CacheCommand[]): void {
    for (const [symbolId, time] of this.touchedBooks) {
      const inst = this.instOf(symbolId) as Instrument;
      const b = this.book(inst);
      // a book not known from its start would be a wrong cache: better none (the key expires)
      if (b.synced)
        out.push([
          "set",
          this.keys.orderbook(inst.symbol),
          JSON.stringify(b.snapshot(time)),
          TTL_SECONDS.orderbook,
        ]);
    }
    for (const symbolId of this.touchedTickers) {
      const t = this.tickers.get(symbolId) as Ticker;
      const v = JSON.stringify(t);
      out.push(["set", this.keys.ticker(t.symbol), v, TTL_SECONDS.ticker]);
      out.push(["publish", this.keys.marketChannel(`ticker:${t.symbol}`), v]);
    }
    this.touchedBooks.clear();
    this.touchedTickers.clear();
  }

  private book(inst: Instrument): BookState {
    let b = this.books.get(inst.symbolId);
    if (!b) {
      b = new BookState(inst.symbol, inst.priceDecimals, inst.qtyDecimals);
      this.books.set(inst.symbolId, b);
    }
    return b;
  }

  /** A BOOK event: book state, `market:depth:{symbol}` diff. */
  onBook(ev: BookEvent, out: CacheCommand[]): void {
    const inst = this.instOf(ev.symbolId);
    if (!inst) return;
    const b = this.book(inst);
    const synced = b.apply(ev.prevUpdateId, ev.lastUpdateId, ev.bids, ev.asks);
    this.touchedBooks.set(ev.symbolId, ev.ts);
    const channel = `depth:${inst.symbol}`;
    const msg: Record<string, unknown> = {
      channel,
      U: ev.firstUpdateId,
      u: ev.lastUpdateId,
      pu: ev.prevUpdateId,
      b: ev.bids.map(([p, q]) => [b.price(p), b.qty(q)]),
      a: ev.asks.map(([p, q]) => [b.price(p), b.qty(q)]),
      E: ev.ts,
    };
    if (synced) msg.cs = b.checksum();
    out.push(["publish", this.keys.marketChannel(channel), JSON.stringify(msg)]);
  }

  private ticker(inst: Instrument, ts: number): Ticker {
    let t = this.tickers.get(inst.symbolId);
    if (!t) {
      t = { symbol: inst.symbol, time: ts };
      this.tickers.set(inst.symbolId, t);
    }
    t.time = ts;
    return t;
  }

  /** A ticker_engine_output event: MARK or TRADE. */
  onTicker(ev: EngineEvent, out: CacheCommand[]): void {
    if (ev.ev === Ev.MARK) this.mark(ev, out);
    else if (ev.ev === Ev.TRADE) {
      const inst = this.instOf(ev.symbolId);
      if (!inst) return;
      const t = this.ticker(inst, ev.ts);
      t.lastPrice = formatDecimal(ev.price, inst.priceDecimals);
      t.lastQty = formatDecimal(ev.qty, inst.qtyDecimals);
      this.touchedTickers.add(inst.symbolId);
      const type = nameOf(TRADE_TYPE_NAMES, ev.type);
      const msg = {
        tradeId: String(ev.tradeId),
        price: t.lastPrice,
        qty: t.lastQty,
        quoteQty: formatMoney(ev.quote),
        isBuyerMaker: ev.makerSide === 0,
        type,
        time: ev.ts,
      };
      const trades = `trades:${inst.symbol}`;
      out.push(["publish", this.keys.marketChannel(trades), JSON.stringify({ channel: trades, ...msg })]);
      if (ev.type !== 0) {
        const force = `forceOrder:${inst.symbol}`;
        out.push(["publish", this.keys.marketChannel(force), JSON.stringify({ channel: force, ...msg })]);
      }
    }
  }

  private mark(ev: MarkEvent, out: CacheCommand[]): void {
    const inst = this.instOf(ev.symbolId);
    if (!inst) return;
    const t = this.ticker(inst, ev.ts);
    t.markPrice = formatDecimal(ev.markPrice, inst.priceDecimals);
    t.indexPrice = formatDecimal(ev.indexPrice, inst.priceDecimals);
    t.fundingRate = formatRate(ev.fundingRate);
    t.nextFundingTime = ev.nextFundingTime;
    this.touchedTickers.add(inst.symbolId);
    const channel = `markPrice:${inst.symbol}`;
    out.push([
      "publish",
      this.keys.marketChannel(channel),
      JSON.stringify({
        channel,
        p: t.markPrice,
        i: t.indexPrice,
        r: t.fundingRate,
        T: ev.nextFundingTime,
        E: ev.ts,
      }),
    ]);
  }
}

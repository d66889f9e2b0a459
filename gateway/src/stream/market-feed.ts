// Turns StreamSource batches into published messages: public channels per symbol and the private
// `user` topics. Every message is encoded once and handed to a Publisher (uWS topics in the server; a
// send loop in the `ws` peer benchmark), and nothing is encoded for a topic without subscribers.
// Owner: the stream server's thread; onBatch() runs synchronously inside the source callback.
import { type Instrument, TradeType } from "@perpx/shared/domain";
import { type EngineEvent, Ev } from "@perpx/shared/events";
import { forceOrderJson, markPriceJson, tradeJson } from "./market-wire.js";
import type { StreamSource } from "./stream-source.js";
import { SymbolFeed } from "./symbol-feed.js";
import { tickerJson } from "./ticker.js";
import { encodeUserEvent } from "./user-wire.js";

export interface Publisher {
  publish(topic: string, message: string): void;
  subscribers(topic: string): number;
}

export interface FeedStats {
  batches: number;
  events: number;
  published: number;
  /** BOOK events skipped as duplicates (lastUpdateId already applied) */
  staleBookEvents: number;
  /** gaps in a symbol's update-id chain, each followed by a reload from the source */
  resyncs: number;
  /** events that failed to encode (unknown symbol, bad enum): skipped, the feed keeps going */
  badEvents: number;
}

/** The private topic of one user (not a channel name a client can type). */
export const userTopic = (userId: number): string => `#user:${userId}`;

export class MarketFeed {
  readonly stats: FeedStats = {
    batches: 0,
    events: 0,
    published: 0,
    staleBookEvents: 0,
    resyncs: 0,
    badEvents: 0,
  };
  private readonly byId = new Map<number, SymbolFeed>();
  readonly bySymbol = new Map<string, Instrument>();
  private readonly touched = new Set<SymbolFeed>();
  private readonly instrumentOf = (symbolId: number) => this.byId.get(symbolId)?.instrument;
  private readonly wantsUser = (userId: number) => this.publisher.subscribers(userTopic(userId)) > 0;
  private readonly emitUser = (userId: number, json: string) => this.send(userTopic(userId), json);

  constructor(
    instruments: readonly Instrument[],
    private readonly source: StreamSource,
    private readonly publisher: Publisher,
    /** levels per side in a depth snapshot message */
    private readonly snapshotLevels: number,
    private readonly onError: (err: unknown, ev: EngineEvent) => void = () => {},
  ) {
    for (const inst of instruments) this.addInstrument(inst);
  }

  feed(symbolId: number): SymbolFeed | undefined {
    return this.byId.get(symbolId);
  }

  /**
   * Lists an instrument, or takes a new definition of a listed one. A new symbol is seeded from the
   * source; a redefinition with other decimals changes every wire string, so depth subscribers get a
   * fresh snapshot.
   */
  addInstrument(inst: Instrument): void {
    const existing = this.byId.get(inst.symbolId);
    if (existing && existing.instrument.symbol === inst.symbol) {
      const old = existing.instrument;
      existing.instrument = inst;
      this.bySymbol.set(inst.symbol, inst);
      if (old.priceDecimals !== inst.priceDecimals || old.qtyDecimals !== inst.qtyDecimals) {
        existing.invalidateSnapshot();
        existing.depth20Dirty = true;
        if (this.publisher.subscribers(existing.topics.depth) > 0) {
          this.send(existing.topics.depth, existing.snapshotJson(this.snapshotLevels));
        }
      }
      return;
    }
    if (existing) this.bySymbol.delete(existing.instrument.symbol);
    const f = new SymbolFeed(inst);
    const snap = this.source.depthSnapshot(inst.symbolId, Number.POSITIVE_INFINITY);
    if (snap) f.book.load(snap);
    this.byId.set(inst.symbolId, f);
    this.bySymbol.set(inst.symbol, inst);
  }

  /** One source batch: public messages as they come, then one depth diff per changed symbol. */
  onBatch(events: readonly EngineEvent[]): void {
    this.stats.batches++;
    this.stats.events += events.length;
    for (const ev of events) {
      try {
        this.dispatch(ev);
      } catch (err) {
        this.stats.badEvents++;
        this.onError(err, ev);
      }
    }
    for (const f of this.touched) {
      if (f.needsResync) {
        this.resync(f);
        continue;
      }
      const json = f.flushDiff(this.publisher.subscribers(f.topics.depth) > 0);
      if (json !== null) this.send(f.topics.depth, json);
    }
    this.touched.clear();
  }

  /** Throttled channels (depth20, ticker): publishes what changed since the last tick. */
  tick(now: number, tickerDue: boolean): void {
    for (const f of this.byId.values()) {
      if (f.depth20Dirty) {
        f.depth20Dirty = false;
        if (this.publisher.subscribers(f.topics.depth20) > 0) this.send(f.topics.depth20, f.depth20Json());
      }
      if (tickerDue && f.tickerDirty) {
        f.tickerDirty = false;
        const json = this.tickerMessage(f, now);
        if (json && this.publisher.subscribers(f.topics.ticker) > 0) this.send(f.topics.ticker, json);
      }
    }
  }

  tickerMessage(f: SymbolFeed, now: number): string | undefined {
    const s = f.ticker.stats(now);
    return s ? tickerJson(f.topics.ticker, f.instrument, s, Math.max(now, f.ticker.latestTs)) : undefined;
  }

  private dispatch(ev: EngineEvent): void {
    switch (ev.ev) {
      case Ev.BOOK: {
        const f = this.byId.get(ev.symbolId);
        if (!f) throw new RangeError(`BOOK event for unknown symbolId ${ev.symbolId}`);
        this.touched.add(f);
        if (f.addBook(ev) === "stale") this.stats.staleBookEvents++;
        return;
      }
      case Ev.TRADE: {
        const f = this.byId.get(ev.symbolId);
        if (!f) throw new RangeError(`TRADE event for unknown symbolId ${ev.symbolId}`);
        f.ticker.add(ev.ts, ev.price, ev.qty, ev.quote);
        f.tickerDirty = true;
        if (this.publisher.subscribers(f.topics.trades) > 0) {
          this.send(f.topics.trades, tradeJson(f.topics.trades, f.instrument, ev));
        }
        if (ev.type !== TradeType.NORMAL && this.publisher.subscribers(f.topics.forceOrder) > 0) {
          this.send(f.topics.forceOrder, forceOrderJson(f.topics.forceOrder, f.instrument, ev));
        }
        encodeUserEvent(ev, this.instrumentOf, this.wantsUser, this.emitUser);
        return;
      }
      case Ev.MARK: {
        const f = this.byId.get(ev.symbolId);
        if (!f) throw new RangeError(`MARK event for unknown symbolId ${ev.symbolId}`);
        f.lastMark = markPriceJson(f.topics.markPrice, f.instrument, ev);
        if (this.publisher.subscribers(f.topics.markPrice) > 0) this.send(f.topics.markPrice, f.lastMark);
        return;
      }
      case Ev.INSTRUMENT:
        this.addInstrument(ev.instrument);
        return;
      default:
        if (!encodeUserEvent(ev, this.instrumentOf, this.wantsUser, this.emitUser)) {
          throw new RangeError(`event ${ev.ev} names an unknown symbol`);
        }
    }
  }

  /** After a gap: reload the mirror from the source and tell subscribers with a snapshot message. */
  private resync(f: SymbolFeed): void {
    this.stats.resyncs++;
    f.discardPending();
    f.needsResync = false;
    const snap = this.source.depthSnapshot(f.instrument.symbolId, Number.POSITIVE_INFINITY);
    if (snap) f.book.load(snap);
    f.invalidateSnapshot();
    f.depth20Dirty = true;
    if (this.publisher.subscribers(f.topics.depth) > 0)
      this.send(f.topics.depth, f.snapshotJson(this.snapshotLevels));
  }

  private send(topic: string, json: string): void {
    this.stats.published++;
    this.publisher.publish(topic, json);
  }
}

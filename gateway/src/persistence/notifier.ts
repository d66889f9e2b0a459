// The notifier (consumer group `matching_engine_notifier`, SPEC §9–§11): keeps the Redis cache and
// publishes updates for the stream servers, from all three output topics.
//   matching_engine_output  account, order and position keys; `user:{userId}` messages
//   orderbook_output        `orderbook:{symbol}` and `market:depth:{symbol}` diffs (with CRC32)
//   ticker_engine_output    `ticker:{symbol}`; `market:markPrice|trades|forceOrder|ticker:{symbol}`
// The cache lives here rather than in the savers so that Redis has one writer; the savers own MySQL.
//
// Each chunk is ONE Redis MULTI/EXEC (pipelined, atomic): the cache writes, the PUBLISHes and the
// notifier's cursor for that topic (`notifier:cursor:{topic}`, "seq:idx"). Events at or before the
// cursor are skipped, so a Kafka redelivery neither rewrites nor republishes anything. The commands of
// a chunk are prepared once (book and ticker state advance once) and the same commands are retried
// while Redis is down; a retry first re-reads the cursor, so an EXEC that succeeded but whose answer was
// lost is not applied twice. If Redis loses its data, the cursor goes with it: the notifier continues
// from its Kafka offsets and `rebuildCache` (cache-rebuild.ts) restores accounts, orders and positions
// from MySQL.
import {
  type EventPosition,
  freshEvents,
  isAfter,
  type PositionedEvent,
} from "@perpx/engine/log/kafka/event-message";
import type { KafkaNames, OutputTopic } from "@perpx/engine/log/kafka/topics";
import {
  BALANCE_REASON_NAMES,
  type Instrument,
  MARGIN_TYPE_NAMES,
  ORDER_STATUS_NAMES,
  ORDER_TYPE_NAMES,
  QUOTE_ASSET,
  SIDE_NAMES,
  STP_NAMES,
  TIF_NAMES,
  TRADE_TYPE_NAMES,
  WORKING_TYPE_NAMES,
} from "@perpx/shared/domain";
import { RejectReason, rejectReasonName } from "@perpx/shared/errors";
import {
  type BookEvent,
  type EngineEvent,
  Ev,
  type MarkEvent,
  type OrderEvent,
  type PositionEvent,
  type TradeEvent,
} from "@perpx/shared/events";
import { formatDecimal, formatMoney, formatRate } from "@perpx/shared/fixed";
import type { Redis } from "ioredis";
import type { Kafka } from "kafkajs";
import { type BookSnapshotText, BookState } from "./book-state.js";
import { accountIdOf, positionIdOf } from "./ids.js";
import { OutputConsumer, type OutputConsumerOptions } from "./output-consumer.js";
import { whenReady } from "./redis.js";
import { CACHED_ORDER_STATUSES, RedisKeys, TTL_SECONDS } from "./redis-keys.js";
import { nameOf } from "./savers/bulk.js";
import {
  accountCacheValue,
  type OrderRecord,
  orderCacheValue,
  orderView,
  type PositionRecord,
  positionCacheValue,
  type TradeRecord,
  userTradeView,
} from "./wire.js";

/** One Redis command of a chunk. */
type Cmd = ["set", string, string, number] | ["del", string] | ["publish", string, string];

export interface NotifierOptions
  extends Omit<OutputConsumerOptions, "kafka" | "names" | "groupId" | "topics" | "sink"> {
  kafka: Kafka;
  names: KafkaNames;
  redis: Redis;
  keys?: RedisKeys;
  /** instruments known before INSTRUMENT events arrive (the defaults) */
  instruments: readonly Instrument[];
}

export interface NotifierStats {
  chunks: number;
  commands: number;
  skippedEvents: number;
  unknownSymbol: number;
}

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

export function orderRecordOfEvent(e: OrderEvent): OrderRecord {
  return {
    orderId: e.orderId,
    clientOrderId: e.clientOrderId,
    userId: e.userId,
    symbolId: e.symbolId,
    side: nameOf(SIDE_NAMES, e.side),
    type: nameOf(ORDER_TYPE_NAMES, e.type),
    tif: nameOf(TIF_NAMES, e.tif),
    status: nameOf(ORDER_STATUS_NAMES, e.status),
    price: e.price,
    stopPrice: e.stopPrice,
    origQty: e.origQty,
    executedQty: e.executedQty,
    cumQuoteUnits: e.cumQuoteUnits,
    reduceOnly: e.reduceOnly,
    closePosition: e.closePosition,
    workingType: nameOf(WORKING_TYPE_NAMES, e.workingType),
    stp: nameOf(STP_NAMES, e.stp),
    rejectReason: e.rejectReason === RejectReason.NONE ? null : safeRejectName(e.rejectReason),
    createTime: e.createTime,
    updateTime: e.ts,
    seq: e.seq,
  };
}

function safeRejectName(code: number): string {
  try {
    return rejectReasonName(code);
  } catch {
    return `UNKNOWN_${code}`;
  }
}

function tradeRecordOfEvent(e: TradeEvent): TradeRecord {
  return {
    tradeId: e.tradeId,
    symbolId: e.symbolId,
    type: nameOf(TRADE_TYPE_NAMES, e.type),
    price: e.price,
    qty: e.qty,
    quote: e.quote,
    buyOrderId: e.buyOrderId,
    sellOrderId: e.sellOrderId,
    buyUserId: e.buyUserId,
    sellUserId: e.sellUserId,
    makerSide: nameOf(SIDE_NAMES, e.makerSide),
    buyFee: e.buyFee,
    sellFee: e.sellFee,
    buyRealizedPnl: e.buyRealizedPnl,
    sellRealizedPnl: e.sellRealizedPnl,
    time: e.ts,
  };
}

function positionRecordOfEvent(e: PositionEvent): PositionRecord {
  return {
    userId: e.userId,
    symbolId: e.symbolId,
    qty: e.qty,
    entryValue: e.entryValue,
    marginType: nameOf(MARGIN_TYPE_NAMES, e.marginType),
    leverage: e.leverage,
    isolatedWallet: e.isolatedWallet,
    updateTime: e.ts,
    seq: e.seq,
  };
}

const cursorText = (p: EventPosition) => `${p.seq}:${p.idx}`;
function parseCursor(s: string | null): EventPosition {
  if (!s) return { seq: 0, idx: -1 };
  const [seq, idx] = s.split(":").map(Number);
  return Number.isSafeInteger(seq) && Number.isSafeInteger(idx)
    ? { seq: seq as number, idx: idx as number }
    : { seq: 0, idx: -1 };
}

export class Notifier {
  readonly keys: RedisKeys;
  readonly consumer: OutputConsumer;
  readonly stats: NotifierStats = { chunks: 0, commands: 0, skippedEvents: 0, unknownSymbol: 0 };
  private readonly instruments = new Map<number, Instrument>();
  private readonly books = new Map<number, BookState>();
  private readonly tickers = new Map<number, Ticker>();
  /** open positions seen since start (a LEVERAGE event updates the cached position from it) */
  private readonly positions = new Map<string, PositionRecord>();
  private readonly prepared = new WeakMap<readonly PositionedEvent[], Cmd[]>();

  constructor(private readonly opts: NotifierOptions) {
    this.keys = opts.keys ?? new RedisKeys();
    for (const i of opts.instruments) this.instruments.set(i.symbolId, i);
    this.consumer = new OutputConsumer({
      ...opts,
      groupId: opts.names.group("matching_engine_notifier"),
      topics: ["matching_engine_output", "orderbook_output", "ticker_engine_output"],
      sink: { apply: (topic, events) => this.apply(topic, events) },
    });
  }

  /** Seeds books from the cached snapshots (if still there), then starts consuming. */
  async start(): Promise<void> {
    await whenReady(this.opts.redis);
    for (const inst of this.instruments.values()) {
      const cached = await this.opts.redis.get(this.keys.orderbook(inst.symbol));
      if (cached) this.book(inst).load(JSON.parse(cached) as BookSnapshotText);
    }
    await this.consumer.start();
  }

  stop(): Promise<void> {
    return this.consumer.stop();
  }

  async apply(topic: OutputTopic, events: readonly PositionedEvent[]): Promise<void> {
    const redis = this.opts.redis;
    const cursorKey = this.keys.notifierCursor(topic);
    const cursor = parseCursor(await redis.get(cursorKey));
    const last = this.lastOf(events, cursor);
    if (last === cursor || !isAfter(last.seq, last.idx, cursor)) {
      this.stats.skippedEvents += events.length;
      return;
    }
    let cmds = this.prepared.get(events);
    if (!cmds) {
      const fresh = freshEvents(events, cursor);
      this.stats.skippedEvents += events.length - fresh.length;
      cmds = this.prepare(topic, fresh);
      this.prepared.set(events, cmds);
    }
    const m = redis.multi();
    for (const c of cmds) {
      if (c[0] === "set") m.set(c[1], c[2], "EX", c[3]);
      else if (c[0] === "del") m.del(c[1]);
      else m.publish(c[1], c[2]);
    }
    m.set(cursorKey, cursorText(this.lastOf(events, cursor)));
    const res = await m.exec();
    if (!res) throw new Error("Redis transaction aborted");
    for (const [err] of res) if (err) throw err;
    this.stats.chunks++;
    this.stats.commands += cmds.length;
  }

  /** The highest position of a chunk (copies inside it may come after it). */
  private lastOf(events: readonly PositionedEvent[], cursor: EventPosition): EventPosition {
    let best = cursor;
    for (const e of events) if (isAfter(e.seq, e.idx, best)) best = e;
    return { seq: best.seq, idx: best.idx };
  }

  // ------------------------------------------------------------------------------------------ prepare

  private inst(symbolId: number): Instrument | undefined {
    const i = this.instruments.get(symbolId);
    if (!i) this.stats.unknownSymbol++;
    return i;
  }

  private book(inst: Instrument): BookState {
    let b = this.books.get(inst.symbolId);
    if (!b) {
      b = new BookState(inst.symbol, inst.priceDecimals, inst.qtyDecimals);
      this.books.set(inst.symbolId, b);
    }
    return b;
  }

  private prepare(topic: OutputTopic, events: readonly PositionedEvent[]): Cmd[] {
    const out: Cmd[] = [];
    const touchedBooks = new Map<number, number>();
    const touchedTickers = new Set<number>();
    for (const { ev } of events) {
      if (topic === "matching_engine_output") this.userSide(ev, out);
      else if (topic === "orderbook_output" && ev.ev === Ev.BOOK) this.bookSide(ev, out, touchedBooks);
      else if (topic === "ticker_engine_output") this.tickerSide(ev, out, touchedTickers);
    }
    for (const [symbolId, time] of touchedBooks) {
      const inst = this.instruments.get(symbolId) as Instrument;
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
    for (const symbolId of touchedTickers) {
      const t = this.tickers.get(symbolId) as Ticker;
      const v = JSON.stringify(t);
      out.push(["set", this.keys.ticker(t.symbol), v, TTL_SECONDS.ticker]);
      out.push(["publish", this.keys.marketChannel(`ticker:${t.symbol}`), v]);
    }
    return out;
  }

  private user(out: Cmd[], userId: number, type: string, ev: EngineEvent, data: unknown): void {
    out.push([
      "publish",
      this.keys.userChannel(userId),
      JSON.stringify({ type, seq: ev.seq, time: ev.ts, data }),
    ]);
  }

  private userSide(ev: EngineEvent, out: Cmd[]): void {
    switch (ev.ev) {
      case Ev.INSTRUMENT:
        this.instruments.set(ev.instrument.symbolId, ev.instrument);
        return;
      case Ev.USER:
      case Ev.BALANCE: {
        const accountId = accountIdOf(ev.userId);
        const wallet = ev.ev === Ev.BALANCE ? ev.wallet : 0;
        const v = accountCacheValue({
          accountId,
          userId: ev.userId,
          asset: QUOTE_ASSET,
          wallet,
          updateTime: ev.ts,
          seq: ev.seq,
        });
        out.push(["set", this.keys.account(ev.userId, accountId), v, TTL_SECONDS.account]);
        out.push(["set", this.keys.accountAsset(ev.userId, QUOTE_ASSET), v, TTL_SECONDS.account]);
        if (ev.ev === Ev.BALANCE)
          this.user(out, ev.userId, "balance", ev, {
            asset: QUOTE_ASSET,
            crossWalletBalance: formatMoney(ev.wallet),
            delta: formatMoney(ev.delta),
            reason: nameOf(BALANCE_REASON_NAMES, ev.reason),
          });
        return;
      }
      case Ev.ORDER: {
        const inst = this.inst(ev.symbolId);
        if (!inst) return;
        const rec = orderRecordOfEvent(ev);
        const k1 = this.keys.order(ev.userId, ev.orderId);
        const k2 = this.keys.orderTmp(ev.userId, ev.clientOrderId);
        if (CACHED_ORDER_STATUSES.has(rec.status)) {
          const v = orderCacheValue(rec, inst);
          out.push(["set", k1, v, TTL_SECONDS.activeOrder], ["set", k2, v, TTL_SECONDS.activeOrder]);
        } else out.push(["del", k1], ["del", k2]);
        this.user(out, ev.userId, "order", ev, orderView(rec, inst));
        return;
      }
      case Ev.POSITION: {
        const inst = this.inst(ev.symbolId);
        if (!inst) return;
        this.writePosition(out, positionRecordOfEvent(ev), inst, ev);
        return;
      }
      case Ev.LEVERAGE: {
        const inst = this.inst(ev.symbolId);
        if (!inst) return;
        const p = this.positions.get(positionIdOf(ev.userId, ev.symbolId));
        if (p)
          this.writePosition(
            out,
            {
              ...p,
              leverage: ev.leverage,
              marginType: nameOf(MARGIN_TYPE_NAMES, ev.marginType),
              seq: ev.seq,
              updateTime: ev.ts,
            },
            inst,
            undefined,
          );
        this.user(out, ev.userId, "leverage", ev, {
          symbol: inst.symbol,
          leverage: ev.leverage,
          marginType: nameOf(MARGIN_TYPE_NAMES, ev.marginType),
        });
        return;
      }
      case Ev.TRADE: {
        const inst = this.inst(ev.symbolId);
        if (!inst) return;
        const t = tradeRecordOfEvent(ev);
        this.user(out, ev.buyUserId, "trade", ev, userTradeView(t, "BUY", inst));
        this.user(out, ev.sellUserId, "trade", ev, userTradeView(t, "SELL", inst));
        return;
      }
      case Ev.DEPOSIT:
        this.user(out, ev.userId, "deposit", ev, {
          txId: ev.txId,
          asset: QUOTE_ASSET,
          amount: formatMoney(ev.amount),
          walletBalance: formatMoney(ev.wallet),
        });
        return;
      case Ev.WITHDRAWAL:
        this.user(out, ev.userId, "withdrawal", ev, {
          withdrawId: ev.withdrawId,
          asset: QUOTE_ASSET,
          amount: formatMoney(ev.amount),
          walletBalance: formatMoney(ev.wallet),
        });
        return;
      case Ev.FUNDING_PAYMENT: {
        const inst = this.inst(ev.symbolId);
        if (!inst) return;
        this.user(out, ev.userId, "funding", ev, {
          symbol: inst.symbol,
          fundingTime: ev.fundingTime,
          fundingRate: formatRate(ev.fundingRate),
          positionAmt: formatDecimal(ev.positionQty, inst.qtyDecimals),
          markPrice: formatDecimal(ev.markPrice, inst.priceDecimals),
          amount: formatMoney(ev.amount),
        });
        return;
      }
      case Ev.MARGIN_CALL: {
        const inst = this.inst(ev.symbolId);
        this.user(out, ev.userId, "marginCall", ev, {
          symbol: inst?.symbol ?? "",
          marginBalance: formatMoney(ev.marginBalance),
          maintMargin: formatMoney(ev.maintMargin),
        });
        return;
      }
      case Ev.REJECT:
        this.user(out, ev.userId, "reject", ev, {
          op: ev.op,
          reason: safeRejectName(ev.reason),
          ref: ev.ref,
        });
        return;
      default:
        return;
    }
  }

  private writePosition(out: Cmd[], p: PositionRecord, inst: Instrument, ev: EngineEvent | undefined): void {
    const positionId = positionIdOf(p.userId, p.symbolId);
    const accountId = accountIdOf(p.userId);
    const key = this.keys.position(p.userId, accountId, positionId);
    if (p.qty === 0) {
      this.positions.delete(positionId);
      out.push(["del", key]);
    } else {
      this.positions.set(positionId, p);
      out.push(["set", key, positionCacheValue(p, inst, positionId, accountId), TTL_SECONDS.position]);
    }
    if (ev)
      this.user(
        out,
        p.userId,
        "position",
        ev,
        JSON.parse(positionCacheValue(p, inst, positionId, accountId)),
      );
  }

  private bookSide(ev: BookEvent, out: Cmd[], touched: Map<number, number>): void {
    const inst = this.inst(ev.symbolId);
    if (!inst) return;
    const b = this.book(inst);
    const synced = b.apply(ev.prevUpdateId, ev.lastUpdateId, ev.bids, ev.asks);
    touched.set(ev.symbolId, ev.ts);
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

  private tickerSide(ev: EngineEvent, out: Cmd[], touched: Set<number>): void {
    if (ev.ev === Ev.MARK) this.mark(ev, out, touched);
    else if (ev.ev === Ev.TRADE) {
      const inst = this.inst(ev.symbolId);
      if (!inst) return;
      const t = this.ticker(inst, ev.ts);
      t.lastPrice = formatDecimal(ev.price, inst.priceDecimals);
      t.lastQty = formatDecimal(ev.qty, inst.qtyDecimals);
      touched.add(inst.symbolId);
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

  private mark(ev: MarkEvent, out: Cmd[], touched: Set<number>): void {
    const inst = this.inst(ev.symbolId);
    if (!inst) return;
    const t = this.ticker(inst, ev.ts);
    t.markPrice = formatDecimal(ev.markPrice, inst.priceDecimals);
    t.indexPrice = formatDecimal(ev.indexPrice, inst.priceDecimals);
    t.fundingRate = formatRate(ev.fundingRate);
    t.nextFundingTime = ev.nextFundingTime;
    touched.add(inst.symbolId);
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

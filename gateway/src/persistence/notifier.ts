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
import type { Instrument } from "@perpx/shared/domain";
import { Ev } from "@perpx/shared/events";
import type { Redis } from "ioredis";
import type { Kafka } from "kafkajs";
import type { BookSnapshotText } from "./book-state.js";
import type { CacheCommand } from "./cache-command.js";
import { MarketFeed } from "./market-feed.js";
import { OutputConsumer, type OutputConsumerOptions } from "./output-consumer.js";
import { whenReady } from "./redis.js";
import { RedisKeys } from "./redis-keys.js";
import { UserFeed } from "./user-feed.js";

export { orderRecordOfEvent } from "./records.js";

export interface NotifierOptions
  extends Omit<OutputConsumerOptions, "kafka" | "names" | "groupId" | "topics" | "sink"> {
  kafka: Kafka;
  names: KafkaNames;
  redis: Redis;
  keys?: RedisKeys;
  /** instruments known before INSTRUMENT events arrive (the defaults, or the instruments table) */
  instruments: readonly Instrument[];
}

export interface NotifierStats {
  chunks: number;
  commands: number;
  skippedEvents: number;
  unknownSymbol: number;
}

const cursorText = (p: EventPosition) => `${p.seq}:${p.idx}`;
function parseCursor(s: string | null): EventPosition {
  if (!s) return { seq: 0, idx: -1 };
  const [seq, idx] = s.split(":").map(Number);
  return Number.isSafeInteger(seq) && Number.isSafeInteger(idx)
    ? { seq: seq as number, idx: idx as number }
    : { seq: 0, idx: -1 };
}

/** The highest position of a chunk (copies inside it may come after it). */
function lastOf(events: readonly PositionedEvent[], cursor: EventPosition): EventPosition {
  let best = cursor;
  for (const e of events) if (isAfter(e.seq, e.idx, best)) best = e;
  return { seq: best.seq, idx: best.idx };
}

export class Notifier {
  readonly keys: RedisKeys;
  readonly consumer: OutputConsumer;
  readonly stats: NotifierStats = { chunks: 0, commands: 0, skippedEvents: 0, unknownSymbol: 0 };
  private readonly instruments = new Map<number, Instrument>();
  private readonly market: MarketFeed;
  private readonly user: UserFeed;
  /** commands prepared per chunk, reused while the chunk is retried */
  private readonly prepared = new WeakMap<readonly PositionedEvent[], CacheCommand[]>();

  constructor(private readonly opts: NotifierOptions) {
    this.keys = opts.keys ?? new RedisKeys();
    for (const i of opts.instruments) this.instruments.set(i.symbolId, i);
    const instOf = (symbolId: number) => {
      const i = this.instruments.get(symbolId);
      if (!i) this.stats.unknownSymbol++;
      return i;
    };
    this.market = new MarketFeed(this.keys, instOf);
    this.user = new UserFeed(this.keys, instOf, (i) => this.instruments.set(i.symbolId, i));
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
      if (cached) this.market.load(inst, JSON.parse(cached) as BookSnapshotText);
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
    const last = lastOf(events, cursor);
    if (last === cursor) {
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
    m.set(cursorKey, cursorText(last));
    const res = await m.exec();
    if (!res) throw new Error("Redis transaction aborted");
    for (const [err] of res) if (err) throw err;
    this.stats.chunks++;
    this.stats.commands += cmds.length;
  }

  private prepare(topic: OutputTopic, events: readonly PositionedEvent[]): CacheCommand[] {
    const out: CacheCommand[] = [];
    for (const { ev } of events) {
      // TRADE is on two topics: user fills from the main one, the tape from the ticker one
      if (topic === "matching_engine_output") this.user.onEvent(ev, out);
      else if (topic === "orderbook_output" && ev.ev === Ev.BOOK) this.market.onBook(ev, out);
      else if (topic === "ticker_engine_output") this.market.onTicker(ev, out);
    }
    this.market.finish(out);
    return out;
  }
}

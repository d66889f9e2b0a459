import assert from "node:assert/strict";
import { test } from "node:test";
import { type BookEvent, Ev } from "@perpx/shared/events";
import { DEFAULT_INSTRUMENTS, makeInstrument } from "@perpx/shared/instruments";
import { MarketFeed, type Publisher } from "./market-feed.js";
import { MemoryStreamSource } from "./memory-source.js";

const book = (
  u: number,
  pu: number,
  bids: [number, number][],
  asks: [number, number][] = [],
  first = u,
): BookEvent => ({
  ev: Ev.BOOK,
  seq: u,
  ts: 1000 + u,
  symbolId: 1,
  firstUpdateId: first,
  lastUpdateId: u,
  prevUpdateId: pu,
  bids,
  asks,
});

function setup(subscribed: string[]) {
  const sent: [string, Record<string, unknown>][] = [];
  const publisher: Publisher = {
    publish: (topic, message) => void sent.push([topic, JSON.parse(message) as Record<string, unknown>]),
    subscribers: (topic) => (subscribed.includes(topic) ? 1 : 0),
  };
  const source = new MemoryStreamSource(DEFAULT_INSTRUMENTS);
  const feed = new MarketFeed(DEFAULT_INSTRUMENTS, source, publisher, 100);
  source.onEvents((evs) => feed.onBatch(evs));
  return { sent, source, feed };
}

test("one diff per symbol per batch: U first, u last, pu the previous diff's u, last quantity wins", () => {
  const { sent, source } = setup(["depth:BTCUSDT"]);
  source.push([
    book(1, 0, [[500_000, 1_000]]),
    book(2, 1, [
      [500_000, 2_000],
      [499_990, 5],
    ]),
    book(4, 2, [], [[500_010, 7]], 3),
  ]);
  source.push([book(5, 4, [[500_000, 0]])]);
  assert.deepEqual(
    sent.map(([t, m]) => [t, m.U, m.u, m.pu, m.b, m.a]),
    [
      [
        "depth:BTCUSDT",
        1,
        4,
        0,
        [
          ["50000.0", "2.000"],
          ["49999.0", "0.005"],
        ],
        [["50001.0", "0.007"]],
      ],
      ["depth:BTCUSDT", 5, 5, 4, [["50000.0", "0.000"]], []],
    ],
  );
});

test("no subscriber: nothing encoded, but the chain continues", () => {
  const { sent, source, feed } = setup([]);
  source.push([book(1, 0, [[500_000, 1_000]])]);
  assert.equal(sent.length, 0);
  const f = feed.feed(1)!;
  assert.equal(f.book.lastUpdateId, 1);
  assert.match(f.snapshotJson(100), /"lastUpdateId":1,"bids":\[\["50000.0","1.000"\]\]/);
});

test("duplicates are skipped; a gap reloads the mirror from the source and publishes a snapshot", () => {
  const { sent, source, feed } = setup(["depth:BTCUSDT"]);
  source.push([book(1, 0, [[500_000, 1_000]])]);
  source.push([book(1, 0, [[500_000, 9_999]])]); // duplicate
  assert.equal(feed.stats.staleBookEvents, 1);
  assert.equal(sent.length, 1);
  // update ids 2..4 never arrive: the source applies the event anyway, the feed resyncs
  source.push([book(5, 4, [[499_000, 3]])]);
  assert.equal(feed.stats.resyncs, 1);
  const last = sent[sent.length - 1]![1];
  assert.equal(last.type, "snapshot");
  assert.equal(last.lastUpdateId, 5);
  assert.deepEqual(last.bids, [
    ["50000.0", "1.000"],
    ["49900.0", "0.003"],
  ]);
  source.push([book(6, 5, [[499_000, 0]])]);
  assert.equal(sent[sent.length - 1]![1].pu, 5);
});

test("a redefinition with other decimals resends the depth snapshot in the new format", () => {
  const { sent, source } = setup(["depth:BTCUSDT"]);
  source.push([book(1, 0, [[500_000, 1_000]])]);
  const btc = DEFAULT_INSTRUMENTS[0]!;
  const finer = makeInstrument({
    symbolId: 1,
    symbol: "BTCUSDT",
    baseAsset: "BTC",
    tickSize: "0.01",
    stepSize: "0.001",
    minQty: "0.001",
    maxQty: "1000",
    maxMarketQty: "120",
    minNotional: "5",
  });
  assert.notEqual(finer.priceDecimals, btc.priceDecimals);
  source.push([{ ev: Ev.INSTRUMENT, seq: 2, ts: 2, instrument: finer }]);
  const last = sent[sent.length - 1]![1];
  assert.equal(last.type, "snapshot");
  assert.deepEqual(last.bids, [["5000.00", "1.000"]], "the same units read with the new decimals");
});

test("an instrument listed at runtime becomes a channel; bad events are counted, not thrown", () => {
  const { source, feed } = setup([]);
  const sol = makeInstrument({
    symbolId: 3,
    symbol: "SOLUSDT",
    baseAsset: "SOL",
    tickSize: "0.01",
    stepSize: "0.1",
    minQty: "0.1",
    maxQty: "100000",
    maxMarketQty: "10000",
    minNotional: "5",
  });
  source.push([{ ev: Ev.INSTRUMENT, seq: 1, ts: 1, instrument: sol }]);
  assert.equal(feed.bySymbol.get("SOLUSDT"), sol);
  source.push([{ ...book(1, 0, [[1, 1]]), symbolId: 99 }]);
  assert.equal(feed.stats.badEvents, 1);
});

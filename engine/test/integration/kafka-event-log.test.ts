// KafkaEventLog against the real broker (SPEC §10): routing to the three output topics, many events
// per message with exact positions (a seq split over messages), and no event published twice after an
// engine restart (resume from the last published position).
import assert from "node:assert/strict";
import { after, before, test } from "node:test";
import { type EngineEvent, Ev } from "@perpx/shared/events";
import { KafkaEventLog } from "../../src/log/kafka/event-log.js";
import { type DecodedEventBatch, decodeEventBatch } from "../../src/log/kafka/event-message.js";
import { readMessages } from "../../src/log/kafka/ops.js";
import { deleteTopics, ensureTopics, KafkaNames, type OutputTopic } from "../../src/log/kafka/topics.js";
import { type KafkaEnv, kafkaEnv } from "./kafka-env.js";

let env: KafkaEnv;

before(async () => {
  env = await kafkaEnv("evlog");
});
after(async () => {
  await env?.cleanup();
});

/** seq s: one USER, one BOOK, one MARK, and for s = 3 twelve TRADEs (a seq bigger than a message). */
function eventsFor(s: number): EngineEvent[] {
  const out: EngineEvent[] = [
    { ev: Ev.USER, seq: s, ts: s, userId: s },
    {
      ev: Ev.BOOK,
      seq: s,
      ts: s,
      symbolId: 1,
      firstUpdateId: s,
      lastUpdateId: s,
      prevUpdateId: s - 1,
      bids: [[500_000 - s, 100]],
      asks: [],
    },
    {
      ev: Ev.MARK,
      seq: s,
      ts: s,
      symbolId: 1,
      markPrice: 500_000,
      indexPrice: 500_000,
      lastPrice: 500_000,
      fundingRate: 10_000,
      nextFundingTime: 0,
    },
  ];
  if (s === 3)
    for (let i = 0; i < 12; i++)
      out.push({
        ev: Ev.TRADE,
        seq: s,
        ts: s,
        tradeId: i + 1,
        symbolId: 1,
        type: 0,
        price: 500_000,
        qty: 1,
        quote: 50_000_000,
        buyOrderId: 1,
        sellOrderId: 2,
        buyUserId: 1,
        sellUserId: 2,
        makerSide: 1,
        buyFee: 25_000,
        sellFee: 10_000,
        buyRealizedPnl: 0,
        sellRealizedPnl: 0,
      });
  return out;
}

async function readAll(t: OutputTopic): Promise<DecodedEventBatch[]> {
  const out: DecodedEventBatch[] = [];
  await readMessages(env.kafka, env.names.topic(t), (m) => void out.push(decodeEventBatch(m.value)), {
    fromBeginning: true,
    timeoutMs: 10_000,
    groupPrefix: env.names.prefix,
  });
  return out;
}

function positions(batches: DecodedEventBatch[]): string[] {
  return batches.flatMap((b) => b.events.map((e) => `${e.seq}.${e.idx}:${e.ev.ev}`));
}

test("events are routed, batched and positioned; a restarted engine publishes nothing twice", async () => {
  const log = new KafkaEventLog(env.kafka, env.names, { maxEventsPerMessage: 5 });
  await log.connect();
  // the runner hands over batches of applied commands: seqs 1-2, then 3-4
  await log.publish([...eventsFor(1), ...eventsFor(2)]);
  await log.publish([...eventsFor(3), ...eventsFor(4)]);
  await log.close();

  const main = await readAll("matching_engine_output");
  assert.equal(
    main.reduce((n, b) => n + b.count, 0),
    3 * 4 + 12,
  );
  assert.ok(main.every((b) => b.count <= 5));
  const pos = positions(main);
  assert.deepEqual(pos.slice(6, 12), ["3.0:1", "3.1:6", "3.2:7", "3.3:3", "3.4:3", "3.5:3"]);
  assert.ok(
    main.some((b) => b.firstSeq === 3 && b.firstIdx > 0),
    "seq 3 is split over messages",
  );
  const book = await readAll("orderbook_output");
  assert.deepEqual(positions(book), ["1.0:6", "2.0:6", "3.0:6", "4.0:6"]);
  const ticker = await readAll("ticker_engine_output");
  assert.equal(
    positions(ticker).filter((p) => p.startsWith("3.")).length,
    13,
    "MARK and the 12 trades of seq 3",
  );

  // restart: the engine replays from its snapshot at seq 2 and re-emits seqs 3..4, then goes on with 5
  const again = new KafkaEventLog(env.kafka, env.names, { maxEventsPerMessage: 7 });
  await again.connect({ resume: true });
  assert.deepEqual(again.resumePositions().get("matching_engine_output"), { seq: 4, idx: 2 });
  await again.publish([...eventsFor(3), ...eventsFor(4)]);
  await again.publish(eventsFor(5));
  await again.close();
  assert.equal(again.stats.dropped, 3 + 12 + 3 + 1 + 1 + (1 + 12 + 1));

  const all = positions(await readAll("matching_engine_output"));
  assert.equal(new Set(all).size, all.length, "no position twice");
  assert.equal(all.length, 3 * 5 + 12);
  assert.deepEqual(positions(await readAll("orderbook_output")).slice(-2), ["4.0:6", "5.0:6"]);
});

test("a message above maxBytesPerMessage is split, positions stay exact", async () => {
  const names = new KafkaNames(`${env.names.prefix}split.`);
  await ensureTopics(env.admin, names, 1);
  try {
    const log = new KafkaEventLog(env.kafka, names, { maxBytesPerMessage: 700 });
    await log.connect();
    await log.publish([...eventsFor(3), ...eventsFor(4)]); // 15 + 3 events, ~280 bytes each
    await log.close();
    const batches: DecodedEventBatch[] = [];
    await readMessages(
      env.kafka,
      names.topic("matching_engine_output"),
      (m) => {
        assert.ok((m.value?.length ?? 0) <= 700 || decodeEventBatch(m.value).count === 1);
        batches.push(decodeEventBatch(m.value));
      },
      { fromBeginning: true, timeoutMs: 10_000, groupPrefix: names.prefix },
    );
    assert.ok(batches.length >= 6);
    const pos = positions(batches).map((p) => p.split(":")[0]);
    assert.deepEqual(pos, [...Array.from({ length: 15 }, (_, i) => `3.${i}`), "4.0", "4.1", "4.2"]);
  } finally {
    await deleteTopics(env.admin, names);
  }
});

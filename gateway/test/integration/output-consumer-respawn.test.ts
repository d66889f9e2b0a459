// The savers' and the notifier's reader of the engine output (OutputConsumer) on the shared Kafka: a
// consumer that kafkajs gives up on (CRASH with restart: false — kafkajs never restarts it, e.g.
// KafkaJSGroupCoordinatorNotFound on a rejoin while a broker restarts) is replaced; the replacement
// rejoins the group at its committed offset and the sink, idempotent on positions, gets every event once.
// Before, the crash was only logged and the saver or notifier stopped for good.
// From the outside the only way to make kafkajs give up is an error that escapes eachBatch: here the
// onError hook throws once, non-retriable, while the sink's first failure is being reported.
import assert from "node:assert/strict";
import { after, test } from "node:test";
import type { PositionedEvent } from "@perpx/engine/log/kafka/event-message";
import { OutputConsumer } from "../../src/persistence/output-consumer.js";
import { eventually, type OutputFeed, outputFeed } from "./read-side-env.js";

let feed: OutputFeed | undefined;
let consumer: OutputConsumer | undefined;

after(async () => {
  await consumer?.stop();
  await feed?.close();
});

test("an output consumer kafkajs gives up on is replaced; the sink gets every event once", async () => {
  feed = await outputFeed("ocr");
  const { env, send } = feed;
  await send([1, 2, 3]);

  const seen: number[] = [];
  let failOn: number | undefined = 5;
  let hookThrows = true;
  const errors: string[] = [];
  consumer = new OutputConsumer({
    kafka: env.kafka,
    names: env.names,
    groupId: env.names.group("matching_engine_saver_orders"),
    topics: ["matching_engine_output"],
    fetchWaitMs: 20,
    retryInitialMs: 20,
    respawnMs: 200,
    sink: {
      async apply(_topic, events: readonly PositionedEvent[]) {
        if (failOn !== undefined && events.some((e) => e.seq === failOn)) {
          failOn = undefined;
          throw new Error("sink down");
        }
        // idempotent on positions, as the real sinks (their cursor)
        for (const e of events) if (e.seq > (seen[seen.length - 1] ?? 0)) seen.push(e.seq);
      },
    },
    onError: (e) => {
      errors.push(String(e));
      if (hookThrows && String(e).includes("sink down")) {
        hookThrows = false;
        throw Object.assign(new Error("hook failed"), { retriable: false });
      }
    },
  });
  await consumer.start();
  await eventually("events 1–3 applied", 20_000, async () => seen.length === 3);

  await send([4, 5, 6]);
  await eventually("the replacement reported", 20_000, async () =>
    errors.some((e) => e.includes("restart: false): replacing it")),
  );
  await send([7, 8]);
  await eventually("events up to 8 applied after the crash", 40_000, async () => seen.length === 8);
  assert.deepEqual(seen, [1, 2, 3, 4, 5, 6, 7, 8]);
  assert.equal(consumer.stats.consumers, 2, "one replacement consumer");
});

// The distributed gateway's read consumer of matching_engine_output (DistributedEngineLink) on the shared
// Kafka: a consumer that kafkajs gives up on (CRASH with restart: false — kafkajs never restarts it) is
// replaced, and the replacement goes on from the next unread offset. Before, the link only logged the
// crash: the read model stopped for good while the engine went on, so every `?wait=true` timed out.
import assert from "node:assert/strict";
import { after, test } from "node:test";
import type { EngineEvent } from "@perpx/shared/events";
import { DistributedEngineLink } from "../../src/distributed/engine-link.js";
import type { SequenceFollower } from "../../src/distributed/sequence-follower.js";
import type { ReadModel } from "../../src/read-model/read-model.js";
import { eventually, type OutputFeed, outputFeed } from "./read-side-env.js";

let feed: OutputFeed | undefined;
let link: DistributedEngineLink | undefined;

after(async () => {
  await link?.close();
  await feed?.close();
});

test("a read consumer kafkajs gives up on is replaced; the read model goes on from the next offset", async () => {
  feed = await outputFeed("link");
  const { env, send } = feed;
  await send([1, 2, 3]);

  const seen: number[] = [];
  const readModel = {
    apply(events: readonly EngineEvent[]) {
      for (const e of events) seen.push(e.seq);
    },
    lastSeq: () => seen[seen.length - 1] ?? 0,
    orderById: () => undefined,
  } as unknown as ReadModel & { apply(events: readonly EngineEvent[]): void };
  const errors: unknown[] = [];
  let failOn: number | undefined = 5;
  link = new DistributedEngineLink({
    kafka: env.kafka,
    names: env.names,
    readModel,
    follower: {} as SequenceFollower,
    // a projection that fails once with an error kafkajs does not retry: the consumer crashes for good
    sinks: [
      (events) => {
        if (failOn !== undefined && events.some((e) => e.seq === failOn)) {
          failOn = undefined;
          // kafkajs: not retriable → KafkaJSNonRetriableError, CRASH with restart: false
          throw Object.assign(new Error("sink failed"), { retriable: false });
        }
      },
    ],
    onError: (e) => errors.push(e),
    respawnMs: 200,
  });
  await link.start();
  await link.caughtUpPromise;
  await eventually("commands 1–3 applied", 20_000, async () => link?.appliedSeq() === 3);

  await send([4, 5, 6]);
  await eventually("the crash reported", 20_000, async () => (link?.state().crashes ?? 0) > 0);
  await send([7, 8]);
  await eventually("commands up to 8 applied after the crash", 30_000, async () => link?.appliedSeq() === 8);
  const st = link.state();
  assert.equal(st.consumers, 2, `one replacement consumer: ${JSON.stringify(st)}`);
  assert.ok(link.ready(), "ready again");
  // every event once, in order: the replacement started at the next unread offset (a copy re-read
  // from before it is skipped by the cursor)
  assert.deepEqual(seen, [1, 2, 3, 4, 5, 6, 7, 8]);
  assert.ok(errors.some((e) => String(e).includes("sink failed")));
});

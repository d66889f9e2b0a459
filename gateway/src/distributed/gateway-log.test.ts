import assert from "node:assert/strict";
import { test } from "node:test";
import { decodeEventBatch, encodeEvents } from "@perpx/engine/log/kafka/event-message";
import { INPUT_TOPICS } from "@perpx/engine/log/kafka/topics";
import { isTicket, positionOfTicket, ticketOf } from "./gateway-log.js";

test("a ticket round-trips to its Kafka position and is never a seq", () => {
  for (const topic of INPUT_TOPICS)
    for (const offset of [0, 1, 7, 123_456_789, 2 ** 40]) {
      const t = ticketOf({ topic, partition: 0, offset });
      assert.ok(isTicket(t) && t < 0);
      assert.deepEqual(positionOfTicket(t), { topic, partition: 0, offset });
    }
  assert.equal(isTicket(0), false);
  assert.equal(isTicket(5), false);
  assert.throws(() => ticketOf({ topic: "matching_engine_input", partition: 1, offset: 0 }));
});

test("the applied marker survives encode/decode, also on a count-0 marker message", () => {
  const m = decodeEventBatch(
    encodeEvents({ firstSeq: 4, firstIdx: 2, seq: 4, lastIdx: 2, count: 0, applied: 9 }, []),
  );
  assert.equal(m.applied, 9);
  assert.equal(m.events.length, 0);
  assert.equal(m.seq, 4);
  assert.equal(m.lastIdx, 2);
  const plain = decodeEventBatch(
    encodeEvents({ firstSeq: 1, firstIdx: 0, seq: 1, lastIdx: -1, count: 0 }, []),
  );
  assert.equal(plain.applied, undefined);
});

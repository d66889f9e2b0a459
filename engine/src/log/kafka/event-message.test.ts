import assert from "node:assert/strict";
import { test } from "node:test";
import { type EngineEvent, Ev } from "@perpx/shared/events";
import {
  CURSOR_ZERO,
  decodeEventBatch,
  EventDecodeError,
  encodeEventBatch,
  isAfter,
} from "./event-message.js";

const user = (seq: number, userId: number): EngineEvent => ({ ev: Ev.USER, seq, ts: 1, userId });

test("positions: index within the seq, continued from firstIdx when a seq is split", () => {
  const events = [user(7, 1), user(7, 2), user(8, 3), user(9, 4), user(9, 5)];
  const msg = encodeEventBatch(
    { firstSeq: 7, firstIdx: 3, seq: 9, lastIdx: 1, count: 5 },
    events.map((e) => JSON.stringify(e)),
  );
  const d = decodeEventBatch(msg);
  assert.deepEqual(
    d.events.map((p) => [p.seq, p.idx]),
    [
      [7, 3],
      [7, 4],
      [8, 0],
      [9, 0],
      [9, 1],
    ],
  );
  assert.equal(
    msg.toString().slice(0, 74),
    '{"v":1,"firstSeq":7,"firstIdx":3,"seq":9,"lastIdx":1,"count":5,"events":[{',
  );
});

test("a cursor skips exactly what was applied", () => {
  const cur = { seq: 7, idx: 4 };
  assert.equal(isAfter(7, 4, cur), false);
  assert.equal(isAfter(7, 5, cur), true);
  assert.equal(isAfter(6, 9, cur), false);
  assert.equal(isAfter(8, 0, cur), true);
  assert.equal(isAfter(1, 0, CURSOR_ZERO), true);
});

test("inconsistent batches are refused", () => {
  const e = JSON.stringify(user(7, 1));
  for (const [h, ev] of [
    [{ firstSeq: 6, firstIdx: 0, seq: 7, lastIdx: 0, count: 1 }, [e]],
    [{ firstSeq: 7, firstIdx: 0, seq: 7, lastIdx: 1, count: 1 }, [e]],
    [{ firstSeq: 7, firstIdx: 0, seq: 7, lastIdx: 0, count: 2 }, [e]],
    [{ firstSeq: 8, firstIdx: 0, seq: 7, lastIdx: 0, count: 2 }, [JSON.stringify(user(8, 1)), e]],
  ] as const)
    assert.throws(() => decodeEventBatch(encodeEventBatch(h, ev)), EventDecodeError);
  assert.throws(() => decodeEventBatch('{"v":2}'), EventDecodeError);
});

import assert from "node:assert/strict";
import { test } from "node:test";
import { ID_EPOCH_MS, MonotonicIdGen } from "./ids.js";

test("ids increase strictly, borrow the next ms past 256 per ms, and stay safe integers", () => {
  const now = ID_EPOCH_MS + 1_000_000;
  const g = new MonotonicIdGen({ clock: () => now, nodeId: 3 });
  let prev = 0;
  for (let i = 0; i < 1000; i++) {
    const id = g.next();
    assert.ok(id > prev && Number.isSafeInteger(id));
    assert.equal(Math.floor(id / 256) % 16, 3, "node bits");
    prev = id;
  }
  assert.ok(prev >= 1_000_003 * 4096, "borrowed three milliseconds");
});

test("a restart with the clock behind the floor never repeats an id", () => {
  const t = ID_EPOCH_MS + 5_000;
  const first = new MonotonicIdGen({ clock: () => t + 10 });
  const last = Array.from({ length: 300 }, () => first.next()).at(-1) ?? 0;
  const restarted = new MonotonicIdGen({ clock: () => t, floor: last });
  assert.ok(restarted.next() > last);
  const otherNode = new MonotonicIdGen({ clock: () => t, floor: last, nodeId: 15 });
  assert.ok(otherNode.next() > last);
});

test("node ids outside 0..15 are refused", () => {
  assert.throws(() => new MonotonicIdGen({ clock: Date.now, nodeId: 16 }));
});

import assert from "node:assert/strict";
import { test } from "node:test";
import { ID_EPOCH_MS, idText, MonotonicIdGen } from "./ids.js";

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

test("idText is String() for every id", () => {
  const edge = [
    0,
    1,
    9,
    10,
    99_999_999,
    100_000_000,
    100_000_001,
    2 ** 31 - 1,
    2 ** 31,
    2 ** 32,
    1e15,
    2 ** 53 - 1,
  ];
  for (const n of [...edge, -1, -0, 0.5, 2 ** 53, Number.NaN, Number.POSITIVE_INFINITY]) {
    assert.equal(idText(n), String(n), String(n));
  }
  let seed = 5;
  const rnd = () => {
    seed = (seed * 1103515245 + 12345) >>> 0;
    return seed;
  };
  for (let i = 0; i < 100_000; i++) {
    const n = (rnd() % 2 ** 21) * 2 ** 32 + rnd(); // up to 2^53 − 1
    assert.equal(idText(n), String(n));
    const g = new MonotonicIdGen({ clock: () => ID_EPOCH_MS + (rnd() % 2 ** 31) * 100 }).next();
    assert.equal(idText(g), String(g));
  }
});

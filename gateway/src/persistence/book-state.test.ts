import assert from "node:assert/strict";
import { test } from "node:test";
import { crc32 } from "node:zlib";
import { BookState } from "./book-state.js";

test("diffs keep both sides sorted, zero deletes, and the checksum follows SPEC §9", () => {
  const b = new BookState("BTCUSDT", 1, 3);
  assert.equal(
    b.apply(
      0,
      1,
      [
        [500_000, 100],
        [499_000, 50],
      ],
      [[500_100, 10]],
    ),
    true,
  );
  assert.equal(
    b.apply(
      1,
      2,
      [
        [499_500, 5],
        [499_000, 0],
      ],
      [[500_050, 7]],
    ),
    true,
  );
  assert.deepEqual(b.bids, [
    [500_000, 100],
    [499_500, 5],
  ]);
  assert.deepEqual(b.asks, [
    [500_050, 7],
    [500_100, 10],
  ]);
  // b1p:b1q:a1p:a1q:b2p:b2q:a2p:a2q
  const text = "50000.0:0.100:50005.0:0.007:49950.0:0.005:50010.0:0.010";
  assert.equal(b.checksum(), crc32(text) >>> 0);
  // a gap makes the book unsynced; an already applied diff changes nothing
  assert.equal(b.apply(2, 2, [[1, 1]], []), true);
  assert.equal(b.bids.length, 2);
  assert.equal(b.apply(5, 6, [], []), false);
});

test("a cached snapshot seeds the book exactly", () => {
  const a = new BookState("BTCUSDT", 1, 3);
  a.apply(0, 9, [[500_000, 100]], [[500_100, 1]]);
  const b = new BookState("BTCUSDT", 1, 3);
  b.load(JSON.parse(JSON.stringify(a.snapshot(1))));
  assert.deepEqual([b.bids, b.asks, b.lastUpdateId, b.synced], [a.bids, a.asks, 9, true]);
  assert.equal(b.checksum(), a.checksum());
});

// MinHeap against a sorted array: top, arbitrary removal, and the best-first walk.
import assert from "node:assert/strict";
import { test } from "node:test";
import { Prng } from "../util/prng.js";
import { MinHeap } from "./min-heap.js";
import { NIL } from "./order-pool.js";

test("MinHeap keeps the smallest key on top and walks best first", () => {
  const rng = new Prng(7);
  const heap = new MinHeap(4);
  heap.ensureSlots(512);
  const keyOf = new Map<number, number>(); // level → key, for levels in the heap
  const sorted = (): number[] => [...keyOf.entries()].sort((a, b) => a[1] - b[1]).map((e) => e[0]);
  for (let i = 0; i < 20_000; i++) {
    const level = rng.int(512);
    if (keyOf.has(level)) {
      assert.ok(heap.has(level));
      heap.remove(level);
      keyOf.delete(level);
      assert.ok(!heap.has(level));
    } else {
      // unique keys, as prices are unique per side
      let key = rng.int(100_000) - 50_000;
      while ([...keyOf.values()].includes(key)) key++;
      heap.push(level, key);
      keyOf.set(level, key);
    }
    const order = sorted();
    assert.equal(heap.length, order.length);
    assert.equal(heap.top(), order[0] ?? NIL);
    if (i % 97 === 0) {
      const walked: number[] = [];
      heap.walkStart();
      for (let l = heap.walkNext(); l !== NIL; l = heap.walkNext()) walked.push(l);
      assert.deepEqual(walked, order);
    }
  }
  heap.clear();
  assert.equal(heap.top(), NIL);
  assert.equal(heap.length, 0);
});

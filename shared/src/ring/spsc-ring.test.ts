// Single-thread behaviour of the ring: both sides on one thread. The two-thread stress test is
// engine/test/stress/ring-stress.test.ts (it needs worker_threads).
import assert from "node:assert/strict";
import { test } from "node:test";
import {
  DATA_OFFSET,
  I_CONSUMER_PARKED,
  I_HEAD,
  I_PRODUCER_PARKED,
  I_TAIL,
  SLOT_BYTES,
} from "./ring-layout.js";
import { SpscRing } from "./spsc-ring.js";

function pair(capacity: number, initialSeq = 0): { p: SpscRing; c: SpscRing } {
  const p = SpscRing.create(capacity, { initialSeq, spins: 0 });
  return { p, c: SpscRing.attach(p.sab, { spins: 0 }) };
}

test("capacity must be a power of two; attach refuses foreign buffers", () => {
  for (const bad of [0, 3, 100, -8, 1.5]) assert.throws(() => SpscRing.create(bad), RangeError);
  assert.throws(() => SpscRing.attach(new SharedArrayBuffer(1024)), TypeError);
  const p = SpscRing.create(8);
  assert.throws(() => SpscRing.attach(new SharedArrayBuffer(p.sab.byteLength)), TypeError);
  assert.equal(SpscRing.attach(p.sab).capacity, 8);
  assert.equal(p.sab.byteLength, DATA_OFFSET + 8 * SLOT_BYTES);
});

test("counters live on separate 64-byte lines", () => {
  const idx = [I_TAIL, I_HEAD, I_CONSUMER_PARKED, I_PRODUCER_PARKED].map((i) => i * 4);
  for (let a = 0; a < idx.length; a++) {
    for (let b = a + 1; b < idx.length; b++) assert.ok(Math.abs(idx[a]! - idx[b]!) >= 64);
  }
  assert.ok(DATA_OFFSET - Math.max(...idx) >= 64);
});

test("claimed slots are invisible until publish; one publish shows a whole batch", () => {
  const { p, c } = pair(8);
  let off = p.tryClaim(3);
  for (let i = 0; i < 3; i++, off = p.next(off)) p.view.setUint32(off, 100 + i, true);
  assert.equal(p.pending, 3);
  assert.equal(c.poll(10), 0);
  p.publish();
  assert.equal(p.pending, 0);
  assert.equal(c.poll(10), 3);
  assert.equal(c.poll(2), 2);
  let r = c.readOffset();
  for (let i = 0; i < 3; i++, r = c.next(r)) assert.equal(c.view.getUint32(r, true), 100 + i);
  c.release(3);
  assert.equal(c.poll(10), 0);
});

test("a full ring refuses claims until the consumer releases; release beyond poll throws", () => {
  const { p, c } = pair(4);
  assert.notEqual(p.tryClaim(4), -1);
  assert.equal(p.tryClaim(1), -1);
  p.publish();
  assert.equal(c.poll(4), 4);
  assert.throws(() => c.release(5), RangeError);
  c.release(1);
  assert.notEqual(p.tryClaim(1), -1);
  assert.equal(p.tryClaim(1), -1);
  assert.throws(() => p.tryClaim(5), RangeError);
  assert.throws(() => p.tryClaim(0), RangeError);
});

test("sequence counters wrap past 2^31 without losing or reordering slots", () => {
  const { p, c } = pair(16, 2 ** 31 - 37);
  let next = 0;
  let expect = 0;
  for (let round = 0; round < 40; round++) {
    const n = 1 + (round % 7);
    let off = p.tryClaim(n);
    assert.notEqual(off, -1);
    for (let i = 0; i < n; i++, off = p.next(off)) p.view.setUint32(off, next++, true);
    p.publish();
    const m = c.poll(16);
    let r = c.readOffset();
    for (let i = 0; i < m; i++, r = c.next(r)) assert.equal(c.view.getUint32(r, true), expect++);
    c.release(m);
  }
  assert.equal(expect, next);
  assert.ok(next > 37);
});

test("notify only when the peer is parked, never per message", () => {
  const { p, c } = pair(64);
  for (let i = 0; i < 50; i++) {
    p.tryClaim(1);
    p.publish();
    c.poll(1);
    c.release(1);
  }
  assert.equal(p.notifies, 0);
  assert.equal(c.notifies, 0);
  // A consumer that parks with nothing to read times out, and leaves its flag down.
  assert.equal(c.waitForData(5), false);
  assert.ok(c.parks >= 1);
  p.tryClaim(1);
  p.publish();
  assert.equal(p.notifies, 0);
  assert.equal(c.waitForData(5), true);
});

test("close() ends the stream after the unread slots", async () => {
  const { p, c } = pair(8);
  p.tryClaim(2);
  p.close();
  assert.equal(c.closed, true);
  assert.equal(c.finished, false);
  assert.equal(c.poll(8), 2);
  c.release(2);
  assert.equal(c.finished, true);
  assert.equal(c.waitForData(1000), false);
  assert.equal(await c.waitForDataAsync(1000), false, "a closed ring does not park");
});

test("waitForDataAsync resolves on publish and on timeout without blocking the event loop", async () => {
  // A pending Atomics.waitAsync does not keep Node's event loop alive (nodejs/node#61941): hold a timer.
  const keepAlive = setInterval(() => {}, 1000);
  const { p, c } = pair(8);
  const t0 = Date.now();
  assert.equal(await c.waitForDataAsync(20), false);
  assert.ok(Date.now() - t0 >= 15);
  const waiting = c.waitForDataAsync(5000);
  setTimeout(() => {
    p.tryClaim(1);
    p.publish();
  }, 5);
  assert.equal(await waiting, true);
  assert.equal(p.notifies, 1);
  clearInterval(keepAlive);
});

test("waitForRoom times out on a full ring and succeeds once there is room", () => {
  const { p, c } = pair(2);
  p.tryClaim(2);
  assert.equal(p.waitForRoom(1, 5), false);
  assert.equal(p.pending, 0, "waitForRoom publishes what is pending first");
  c.poll(2);
  c.release(1);
  assert.equal(p.waitForRoom(1, 5), true);
});

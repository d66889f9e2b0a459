import assert from "node:assert/strict";
import { test } from "node:test";
import { InFlightMap } from "./in-flight.js";

const durable = (seq: number) => Promise.resolve(seq);

test("bounded: the oldest entries leave first once the map is full", () => {
  const m = new InFlightMap<number>(60_000, 3);
  for (let i = 0; i < 5; i++) m.add(`k${i}`, i, durable(i), 0);
  assert.equal(m.size, 3);
  assert.equal(m.get("k0", 1), undefined);
  assert.equal(m.get("k1", 1), undefined);
  assert.deepEqual(
    ["k2", "k3", "k4"].map((k) => m.get(k, 1)?.value),
    [2, 3, 4],
  );
});

test("expired entries are dropped by the next add and never returned", () => {
  const m = new InFlightMap<number>(100, 10);
  m.add("a", 1, durable(1), 0);
  m.add("b", 2, durable(2), 50);
  assert.equal(m.get("a", 100), undefined, "expired at now = expires");
  m.add("c", 3, durable(3), 160);
  assert.equal(m.size, 1, "b (expires 150) left when c was added at 160");
  assert.equal(m.get("c", 161)?.value, 3);
});

test("an entry the read model knows is removed on access", () => {
  let seen = false;
  const m = new InFlightMap<number>(60_000, 10, () => seen);
  m.add("a", 1, durable(1), 0);
  seen = true;
  assert.equal(m.get("a", 1), undefined);
  assert.equal(m.size, 0);
});

test("a re-added key keeps its new entry when the old one reaches the old end", () => {
  const seen = new Set<string>();
  const m = new InFlightMap<string>(60_000, 2, (_, v) => seen.has(v));
  m.add("a", "first", durable(1), 0);
  seen.add("first");
  m.get("a", 1); // the read model saw it
  m.add("a", "second", durable(2), 2);
  m.add("b", "b", durable(3), 3);
  m.add("c", "c", durable(4), 4); // full: evicts the oldest live entry, a/second
  assert.equal(m.get("a", 5), undefined);
  m.add("a", "third", durable(5), 6); // evicts b
  m.add("d", "d", durable(6), 7); // evicts c, not the new a
  assert.equal(m.get("a", 8)?.value, "third");
  assert.equal(m.get("d", 8)?.value, "d");
  assert.equal(m.size, 2);
});

test("a failed append removes its entry, but not a newer one under the same key", async () => {
  const m = new InFlightMap<string>(60_000, 10);
  let fail: (e: Error) => void = () => {};
  const failing = new Promise<number>((_, reject) => {
    fail = reject;
  });
  m.add("a", "old", failing, 0);
  m.add("a", "new", durable(7), 1);
  fail(new Error("append failed"));
  await failing.catch(() => undefined);
  const e = m.get("a", 2);
  assert.equal(e?.value, "new");
  assert.equal(await e?.durable, 7);

  let failAlone: (e: Error) => void = () => {};
  const alone = new Promise<number>((_, reject) => {
    failAlone = reject;
  });
  m.add("b", "b", alone, 3);
  failAlone(new Error("append failed"));
  await alone.catch(() => undefined);
  assert.equal(m.get("b", 4), undefined);
});

test("durable answers the log seq after the append settled", async () => {
  const m = new InFlightMap<number>(60_000, 10);
  m.add("a", 1, durable(42), 0);
  await Promise.resolve();
  assert.equal(await m.get("a", 1)?.durable, 42);
});

test("the FIFO stays bounded under churn and under entries removed before they are old", () => {
  const max = 1_000;
  const m = new InFlightMap<number>(60_000, max, (_, v) => v % 3 === 0);
  for (let i = 0; i < 50_000; i++) {
    m.add(`k${i}`, i, durable(i), i);
    if (i % 3 === 0) m.get(`k${i}`, i); // seen by the read model at once
    assert.ok(m.size <= max);
    assert.ok(m.queued <= 2 * m.size + 1025, `queued ${m.queued} at size ${m.size}`);
  }
  // the newest live entries are all still there
  for (let i = 50_000 - 100; i < 50_000; i++) {
    assert.equal(m.get(`k${i}`, 50_000)?.value, i % 3 === 0 ? undefined : i);
  }
});

test("entries the read model knows leave from the old end as new ones come in", async () => {
  const knownKeys = new Set<string>();
  const m = new InFlightMap<number>(60_000, 1_000, (key) => knownKeys.has(key));
  for (let i = 0; i < 10; i++) m.add(`k${i}`, i, durable(i), 0);
  await Promise.resolve(); // appends settle
  for (let i = 0; i < 10; i++) knownKeys.add(`k${i}`);
  m.add("n0", 0, durable(10), 1);
  assert.equal(m.size, 9, "two known entries left, one came in");
  for (let i = 1; i < 5; i++) m.add(`n${i}`, i, durable(10 + i), 1);
  assert.equal(m.size, 5, "all ten known entries gone after five adds");
  assert.equal(m.get("k9", 2), undefined);
  assert.equal(m.get("n4", 2)?.value, 4);
});

test("the sweep stops at an entry whose append is pending and passes one the read model does not know", async () => {
  const knownKeys = new Set<string>(["b", "c", "d"]);
  const m = new InFlightMap<string>(60_000, 1_000, (key) => knownKeys.has(key));
  m.add("a", "a", durable(1), 0); // durable, never known (e.g. a rejected order)
  m.add("b", "b", durable(2), 0);
  m.add("c", "c", durable(3), 0);
  await Promise.resolve();
  m.add("p", "p", new Promise<number>(() => {}), 0); // never settles
  // that add looked at a (moved to the back) and b (known: gone)
  assert.equal(m.get("b", 1), undefined);
  m.add("d", "d", durable(4), 0); // c known: gone; a to the back again → [p, a, d]
  assert.equal(m.get("c", 1), undefined);
  await Promise.resolve();
  m.add("e", "e", durable(5), 0); // p pending: stop — d, known, stays behind it
  assert.equal(m.size, 4);
  knownKeys.clear(); // to look at what the map holds: get() would drop the known d on access
  assert.equal(m.get("a", 1)?.value, "a");
  assert.equal(m.get("p", 1)?.value, "p");
  assert.equal(m.get("d", 1)?.value, "d");
  assert.equal(m.size, 4);
});

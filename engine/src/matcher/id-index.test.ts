// IdIndex against a JS Map on a random mix of set/get/delete, including large (> 2^32) keys, 0 and
// negative keys, clusters of consecutive keys (long probe runs for backward-shift deletion) and growth.
import assert from "node:assert/strict";
import { test } from "node:test";
import { Prng } from "../util/prng.js";
import { ABSENT, IdIndex } from "./id-index.js";

test("IdIndex behaves like a Map<number, number> under random set/get/delete", () => {
  const rng = new Prng(42);
  const idx = new IdIndex(4);
  const ref = new Map<number, number>();
  const keyOf = (): number => {
    const r = rng.next();
    if (r < 0.5) return rng.int(2000); // dense, consecutive: collisions and long runs
    if (r < 0.8) return 2 ** 40 + rng.int(500) * 2 ** 32; // same low 32 bits, different high bits
    if (r < 0.9) return -rng.int(100);
    return rng.int(2 ** 52);
  };
  for (let i = 0; i < 200_000; i++) {
    const k = keyOf();
    const op = rng.next();
    if (op < 0.45) {
      const v = rng.int(1_000_000);
      idx.set(k, v);
      ref.set(k, v);
    } else if (op < 0.8) {
      assert.equal(idx.delete(k), ref.get(k) ?? ABSENT);
      ref.delete(k);
    } else {
      assert.equal(idx.get(k), ref.get(k) ?? ABSENT);
    }
    assert.equal(idx.size, ref.size);
  }
  for (const [k, v] of ref) assert.equal(idx.get(k), v);
  idx.clear();
  assert.equal(idx.size, 0);
  for (const k of ref.keys()) assert.equal(idx.get(k), ABSENT);
});

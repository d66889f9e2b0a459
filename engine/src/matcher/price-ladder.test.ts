// PriceLadder against a plain Map + sorted array: mapping, active set, best price and best-first walk,
// for both directions, with prices spread over many 1 024-price blocks (boundaries, far-away and
// > 2^32 prices), so blocks are created, emptied, freed and reused.
import assert from "node:assert/strict";
import { test } from "node:test";
import { Prng } from "../util/prng.js";
import { NIL } from "./order-pool.js";
import { PriceLadder } from "./price-ladder.js";

for (const ascending of [true, false]) {
  test(`PriceLadder (${ascending ? "asks: lowest first" : "bids: highest first"}) matches a sorted set`, () => {
    const rng = new Prng(ascending ? 11 : 12);
    const ladder = new PriceLadder(ascending, 1);
    const mapped = new Map<number, number>(); // price → level
    const active = new Set<number>();
    const sorted: number[] = []; // active prices, ascending
    const at = (p: number): number => {
      let lo = 0;
      let hi = sorted.length;
      while (lo < hi) {
        const m = (lo + hi) >> 1;
        if (sorted[m]! < p) lo = m + 1;
        else hi = m;
      }
      return lo;
    };
    const add = (p: number): void => {
      active.add(p);
      sorted.splice(at(p), 0, p);
    };
    const del = (p: number): void => {
      active.delete(p);
      sorted.splice(at(p), 1);
    };
    let nextLevel = 0;
    const priceOf = (): number => {
      const r = rng.next();
      if (r < 0.6) return 5 * 1024 - 40 + rng.int(80); // around a block boundary
      if (r < 0.9) return 1 + rng.int(20 * 1024);
      return 2 ** 40 + rng.int(3000); // far away, beyond 32 bits
    };
    const check = (): void => {
      const best = ascending ? sorted[0] : sorted[sorted.length - 1];
      assert.equal(ladder.best(), best === undefined ? NIL : mapped.get(best));
    };
    for (let i = 0; i < 30_000; i++) {
      const price = priceOf();
      const level = mapped.get(price);
      if (level === undefined) {
        ladder.map(price, nextLevel);
        mapped.set(price, nextLevel++);
        if (rng.chance(0.9)) {
          ladder.activate(price);
          add(price);
        }
      } else if (active.has(price)) {
        ladder.deactivate(price);
        del(price);
      } else if (rng.chance(0.7)) {
        ladder.unmap(price);
        mapped.delete(price);
      } else {
        ladder.activate(price);
        add(price);
      }
      assert.equal(ladder.get(price), mapped.get(price) ?? NIL);
      check();
      if (i % 1000 === 0) {
        const order = (ascending ? sorted : [...sorted].reverse()).map((p) => mapped.get(p));
        const walked: number[] = [];
        ladder.walkStart();
        for (let l = ladder.walkNext(); l !== NIL; l = ladder.walkNext()) walked.push(l);
        assert.deepEqual(walked, order);
        for (const [p, l] of mapped) assert.equal(ladder.get(p), l);
      }
    }
    ladder.clear();
    assert.equal(ladder.best(), NIL);
    for (const p of mapped.keys()) assert.equal(ladder.get(p), NIL);
  });
}

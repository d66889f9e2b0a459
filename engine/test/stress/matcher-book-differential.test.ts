// Differential test: the fast OrderBook and the naive ReferenceBook get the same seeded random stream of
// commands (every TIF and STP mode, cancel, cancelAll, amend, duplicates and unknown ids, around a
// moving price) and must make identical sink calls and end with identical books. Every 25 000 commands
// the fast book is also rebuilt from its own snapshot (restore), which must not change anything.
// Length: ~100 000 commands by default, ≥ 1 000 000 with PERPX_STRESS=long (scripts/run-tests.mjs stress).
import assert from "node:assert/strict";
import { test } from "node:test";
import { Side, StpMode, TimeInForce } from "@perpx/shared/domain";
import type { BookSink, OrderBookApi } from "../../src/matcher/book-api.js";
import { bookStateHash } from "../../src/matcher/book-hash.js";
import { OrderBook } from "../../src/matcher/order-book.js";
import { ReferenceBook } from "../../src/matcher/reference-book.js";
import { Prng } from "../../src/util/prng.js";
import { ordersOf } from "../matcher/book-harness.js";

const LONG = process.env.PERPX_STRESS === "long";

/** Records sink calls as a flat list of numbers (tag first), cheap to compare. */
class FlatSink implements BookSink {
  out: number[] = [];
  trade(a: number, b: number, c: number, d: number, e: number, f: number, g: number, h: number): void {
    this.out.push(1, a, b, c, d, e, f, g, h);
  }
  removed(a: number, b: number, c: number, d: number): void {
    this.out.push(2, a, b, c, d);
  }
  outcome(a: number, b: number, c: number, d: number, e: number): void {
    this.out.push(3, a, b, c, d, e);
  }
  level(a: number, b: number, c: number, d: number): void {
    this.out.push(4, a, b, c, d);
  }
}

interface Config {
  name: string;
  seed: number;
  ops: number;
  /** distinct users: few users → many self-trade cases */
  users: number;
  /** GTC prices spread this many ticks around mid */
  spread: number;
  /** resting orders the stream steers towards */
  targetOrders: number;
  /** probability that a placed order crosses mid by a few ticks */
  crossP: number;
  /** probability per command that mid moves by 1–3 ticks */
  driftP: number;
  /** starting mid price */
  mid: number;
}

function run(cfg: Config) {
  const rng = new Prng(cfg.seed);
  const fast = new OrderBook(1, { capacity: 16 });
  const ref = new ReferenceBook(1);
  const fs = new FlatSink();
  const rs = new FlatSink();
  // resting order ids as seen in the event stream (for picking cancel/amend targets) and their STP mode
  const live: number[] = [];
  const livePos = new Map<number, number>();
  const stpOf = new Map<number, StpMode>();
  const addLive = (id: number): void => {
    if (livePos.has(id)) return;
    livePos.set(id, live.length);
    live.push(id);
  };
  const dropLive = (id: number): void => {
    const i = livePos.get(id);
    if (i === undefined) return;
    const last = live.pop()!;
    if (last !== id) {
      live[i] = last;
      livePos.set(last, i);
    }
    livePos.delete(id);
  };
  // what the stream itself set for each id (side never changes; amend changes the price)
  const userOf = new Map<number, number>();
  const sideOf = new Map<number, Side>();
  const priceOf = new Map<number, number>();
  const stats = { trades: 0, levels: 0, maxOrders: 0, outcomes: [0, 0, 0, 0, 0, 0, 0], removed: [0, 0, 0] };
  let nextId = 1;
  let mid = cfg.mid;
  let desc = "";

  const compare = (i: number): void => {
    const a = fs.out;
    const b = rs.out;
    let same = a.length === b.length;
    for (let k = 0; same && k < a.length; k++) same = a[k] === b[k];
    if (!same) assert.fail(`${cfg.name}: op #${i} ${desc}\n  fast: ${a.join(",")}\n  ref:  ${b.join(",")}`);
    // follow resting orders from the events, and count what the stream exercised
    for (let k = 0; k < a.length; ) {
      const tag = a[k]!;
      if (tag === 1) {
        stats.trades++;
        if (a[k + 8] === 0) dropLive(a[k + 1]!);
        k += 9;
      } else if (tag === 2) {
        stats.removed[a[k + 4]!]!++;
        dropLive(a[k + 1]!);
        k += 5;
      } else if (tag === 3) {
        stats.outcomes[a[k + 3]!]!++;
        if (a[k + 3] === 0) addLive(a[k + 1]!);
        k += 6;
      } else {
        stats.levels++;
        k += 5;
      }
    }
    if (live.length > stats.maxOrders) stats.maxOrders = live.length;
    fs.out = [];
    rs.out = [];
  };

  const both = (f: (b: OrderBookApi, s: BookSink) => unknown): void => {
    const x = f(fast, fs);
    const y = f(ref, rs);
    if (x !== y) assert.fail(`${cfg.name}: ${desc}: fast returned ${x}, ref ${y}`);
  };

  for (let i = 0; i < cfg.ops; i++) {
    if (rng.chance(cfg.driftP)) mid = Math.max(200, mid + (rng.chance(0.5) ? 1 : -1) * rng.range(1, 3));
    const crowded = live.length > cfg.targetOrders;
    const r = rng.next();
    const pickLive = (): number =>
      live.length > 0 && rng.chance(0.95) ? live[rng.int(live.length)]! : rng.range(1, nextId);
    if (r < (crowded ? 0.2 : 0.55)) {
      // place
      const side: Side = rng.chance(0.5) ? Side.BUY : Side.SELL;
      const t = rng.next();
      const tif =
        t < 0.7 ? TimeInForce.GTC : t < 0.82 ? TimeInForce.IOC : t < 0.9 ? TimeInForce.FOK : TimeInForce.GTX;
      const stp = rng.int(4) as StpMode;
      const user = rng.range(1, cfg.users);
      // mostly passive, sometimes crossing by a few ticks, rarely a market-like sweep
      const away = rng.chance(0.03)
        ? -rng.range(5, 60)
        : rng.chance(cfg.crossP)
          ? -rng.range(0, 4)
          : rng.range(1, cfg.spread);
      const price = side === Side.BUY ? mid - away : mid + away;
      const qty = rng.chance(0.05) ? rng.range(20, 300) : rng.range(1, 12);
      const dup = rng.chance(0.01) && live.length > 0;
      const id = dup ? live[rng.int(live.length)]! : nextId++;
      if (!dup) {
        stpOf.set(id, stp);
        userOf.set(id, user);
        sideOf.set(id, side);
        priceOf.set(id, price);
      }
      desc = `place id=${id} u=${user} side=${side} p=${price} q=${qty} tif=${tif} stp=${stp}`;
      both((b, s) => b.place(id, user, side, price, qty, tif, stp, s));
    } else if (r < (crowded ? 0.45 : 0.7)) {
      const id = pickLive();
      const user = rng.chance(0.97) ? (userOf.get(id) ?? 1) : rng.range(1, cfg.users);
      desc = `cancel id=${id} u=${user}`;
      both((b, s) => b.cancel(id, user, s));
    } else if (r < (crowded ? 0.47 : 0.705)) {
      const user = rng.range(1, cfg.users);
      desc = `cancelAll u=${user}`;
      both((b, s) => b.cancelAll(user, s));
    } else {
      const id = pickLive();
      const user = rng.chance(0.98) ? (userOf.get(id) ?? 1) : rng.range(1, cfg.users);
      const cur = ref.remainingOf(id);
      const a = rng.next();
      let price: number;
      let qty: number;
      const side = sideOf.get(id);
      const away = rng.chance(cfg.crossP) ? -rng.range(0, 3) : rng.range(1, cfg.spread);
      const base = side === Side.SELL ? mid + away : mid - away;
      if (a < 0.3 && cur > 1) {
        price = priceOf.get(id) ?? base; // same price, smaller: keeps priority
        qty = rng.range(1, cur - 1);
      } else if (a < 0.4) {
        price = priceOf.get(id) ?? base; // same price, same or larger
        qty = Math.max(1, cur) + rng.int(5);
      } else {
        price = base;
        qty = rng.range(1, 15);
      }
      desc = `amend id=${id} u=${user} p=${price} q=${qty}`;
      both((b, s) => b.amend(id, user, price, qty, s));
      if (livePos.has(id) && userOf.get(id) === user) priceOf.set(id, price);
    }
    compare(i);

    if (i % 1000 === 999) {
      desc = `checks after op #${i}`;
      assert.equal(fast.updateId, ref.updateId, desc);
      assert.deepEqual(fast.depth(10), ref.depth(10), desc);
      assert.ok(Object.is(fast.bestBid(), ref.bestBid()) && Object.is(fast.bestAsk(), ref.bestAsk()), desc);
      const budget = rng.range(0, 2_000_000);
      assert.deepEqual(fast.impact(Side.BUY, budget), ref.impact(Side.BUY, budget), desc);
      assert.deepEqual(fast.impact(Side.SELL, budget), ref.impact(Side.SELL, budget), desc);
    }
    if (i % 25_000 === 24_999) {
      const snap: {
        orderId: number;
        userId: number;
        side: Side;
        price: number;
        remaining: number;
        stp: StpMode;
      }[] = [];
      fast.forEachOrder((orderId, userId, side, price, remaining) => {
        snap.push({ orderId, userId, side, price, remaining, stp: stpOf.get(orderId) ?? StpMode.NONE });
      });
      assert.deepEqual(
        snap.map((o) => [o.orderId, o.userId, o.side, o.price, o.remaining]),
        ordersOf(ref),
        `${cfg.name}: books differ after op #${i}`,
      );
      const before = bookStateHash(fast);
      fast.restore(snap, fast.updateId);
      assert.equal(bookStateHash(fast), before, `${cfg.name}: restore changed the state hash after op #${i}`);
      assert.equal(bookStateHash(fast), bookStateHash(ref));
    }
  }
  assert.deepEqual(ordersOf(fast), ordersOf(ref), `${cfg.name}: final books differ`);
  assert.equal(fast.updateId, ref.updateId);
  return stats;
}

const total = LONG ? 1_200_000 : 100_000;
const configs: Config[] = [
  {
    name: "tight book, few users (STP heavy)",
    seed: 0x5eed1,
    ops: 0.4 * total,
    users: 4,
    spread: 15,
    targetOrders: 300,
    crossP: 0.12,
    driftP: 0.05,
    mid: 10_000,
  },
  {
    name: "wide book, many levels",
    seed: 0x5eed2,
    ops: 0.35 * total,
    users: 40,
    spread: 400,
    targetOrders: 800,
    crossP: 0.25,
    driftP: 0.15,
    mid: 10_240, // on a 1 024-price block boundary of the fast book's ladder
  },
  {
    name: "deep levels",
    seed: 0x5eed3,
    ops: 0.25 * total,
    users: 12,
    spread: 3,
    targetOrders: 600,
    crossP: 0.04,
    driftP: 0.01,
    mid: 3 * 2 ** 40, // beyond 32 bits
  },
];

for (const cfg of configs) {
  test(`differential OrderBook vs ReferenceBook: ${cfg.name}, ${cfg.ops} ops (seed ${cfg.seed})`, (t) => {
    const stats = run(cfg);
    t.diagnostic(JSON.stringify(stats));
    // the stream must really exercise every outcome and removal reason
    for (const [k, n] of stats.outcomes.entries()) assert.ok(n > 0, `outcome ${k} never happened`);
    for (const [k, n] of stats.removed.entries()) assert.ok(n > 0, `removal reason ${k} never happened`);
    assert.ok(stats.trades > cfg.ops / 20, `only ${stats.trades} trades`);
    assert.ok(stats.maxOrders > cfg.targetOrders / 2, `book peaked at ${stats.maxOrders} orders`);
  });
}

// The OrderBookApi contract (book-api.ts), one suite run against every implementation: the naive
// ReferenceBook and the fast OrderBook. Expected events are written out by hand.
import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { Side, StpMode, TimeInForce } from "@perpx/shared/domain";
import { CancelResult, type OrderBookApi, PlaceOutcome, RemoveReason } from "../../src/matcher/book-api.js";
import { bookStateHash } from "../../src/matcher/book-hash.js";
import { OrderBook } from "../../src/matcher/order-book.js";
import { ReferenceBook } from "../../src/matcher/reference-book.js";
import { type BookEvent, Harness, level, ordersOf, outcome, removed, trade } from "./book-harness.js";

const { BUY, SELL } = Side;
const { GTC, IOC, FOK, GTX } = TimeInForce;
const { NONE, EXPIRE_TAKER, EXPIRE_MAKER, EXPIRE_BOTH } = StpMode;
const { RESTING, FILLED, EXPIRED, POST_ONLY_REJECTED, FOK_REJECTED, EXPIRED_IN_MATCH, DUPLICATE_ID } =
  PlaceOutcome;
const { CANCELED, AMENDED } = RemoveReason;

type Factory = (symbolId: number) => OrderBookApi;

export function contractSuite(name: string, factory: Factory): void {
  describe(`OrderBookApi contract: ${name}`, () => {
    const make = (): Harness => new Harness(factory(7));

    test("empty book: NaN best prices, empty depth, update id 0", () => {
      const h = make();
      assert.equal(h.book.symbolId, 7);
      assert.ok(Number.isNaN(h.book.bestBid()));
      assert.ok(Number.isNaN(h.book.bestAsk()));
      assert.deepEqual(h.book.depth(5), { bids: [], asks: [] });
      assert.equal(h.book.updateId, 0);
      assert.equal(h.book.remainingOf(1), 0);
    });

    test("a resting order reports outcome then its level with update id 1", () => {
      const h = make();
      assert.deepEqual(h.place(1, 10, BUY, 100, 5), [outcome(1, 10, RESTING, 0, 5), level(BUY, 100, 5, 1)]);
      assert.deepEqual(h.place(2, 11, SELL, 105, 3), [outcome(2, 11, RESTING, 0, 3), level(SELL, 105, 3, 2)]);
      assert.equal(h.book.bestBid(), 100);
      assert.equal(h.book.bestAsk(), 105);
      assert.equal(h.book.remainingOf(1), 5);
      assert.equal(h.book.updateId, 2);
    });

    test("price-time priority: better price first, then earlier order", () => {
      const h = make();
      h.place(1, 10, SELL, 100, 2);
      h.place(2, 11, SELL, 100, 2);
      h.place(3, 12, SELL, 99, 2);
      h.place(4, 13, SELL, 101, 2);
      assert.deepEqual(h.place(5, 20, BUY, 100, 5), [
        trade(3, 12, 5, 20, BUY, 99, 2, 0),
        trade(1, 10, 5, 20, BUY, 100, 2, 0),
        trade(2, 11, 5, 20, BUY, 100, 1, 1),
        outcome(5, 20, FILLED, 5, 0),
        level(SELL, 99, 0, 5),
        level(SELL, 100, 1, 5),
      ]);
      assert.equal(h.book.bestAsk(), 100);
      assert.equal(h.book.remainingOf(2), 1);
      assert.equal(h.book.remainingOf(1), 0);
    });

    test("sell taker walks bids from the highest price", () => {
      const h = make();
      h.place(1, 10, BUY, 98, 1);
      h.place(2, 11, BUY, 99, 1);
      assert.deepEqual(h.place(3, 12, SELL, 98, 2), [
        trade(2, 11, 3, 12, SELL, 99, 1, 0),
        trade(1, 10, 3, 12, SELL, 98, 1, 0),
        outcome(3, 12, FILLED, 2, 0),
        level(BUY, 99, 0, 3),
        level(BUY, 98, 0, 3),
      ]);
      assert.ok(Number.isNaN(h.book.bestBid()));
    });

    test("partial fill: a GTC taker rests its remainder; multi-level sweep stops at its limit", () => {
      const h = make();
      h.place(1, 10, SELL, 100, 1);
      h.place(2, 10, SELL, 101, 2);
      h.place(3, 10, SELL, 103, 4);
      assert.deepEqual(h.place(4, 20, BUY, 102, 10), [
        trade(1, 10, 4, 20, BUY, 100, 1, 0),
        trade(2, 10, 4, 20, BUY, 101, 2, 0),
        outcome(4, 20, RESTING, 3, 7),
        level(SELL, 100, 0, 4),
        level(SELL, 101, 0, 4),
        level(BUY, 102, 7, 4),
      ]);
      assert.equal(h.book.bestBid(), 102);
      assert.equal(h.book.bestAsk(), 103);
      assert.deepEqual(h.book.depth(10), { bids: [[102, 7]], asks: [[103, 4]] });
    });

    test("IOC: the remainder expires, nothing rests", () => {
      const h = make();
      h.place(1, 10, SELL, 100, 2);
      assert.deepEqual(h.place(2, 20, BUY, 100, 5, IOC), [
        trade(1, 10, 2, 20, BUY, 100, 2, 0),
        outcome(2, 20, EXPIRED, 2, 3),
        level(SELL, 100, 0, 2),
      ]);
      assert.ok(Number.isNaN(h.book.bestBid()));
      // an IOC that fills nothing changes nothing and consumes no update id
      assert.deepEqual(h.place(3, 20, BUY, 100, 5, IOC), [outcome(3, 20, EXPIRED, 0, 5)]);
      assert.equal(h.book.updateId, 2);
    });

    test("market order = IOC at the bound price: fills up to the bound, expires the rest", () => {
      const h = make();
      h.place(1, 10, SELL, 100, 1);
      h.place(2, 10, SELL, 104, 1);
      h.place(3, 10, SELL, 106, 1);
      assert.deepEqual(h.place(4, 20, BUY, 105, 3, IOC), [
        trade(1, 10, 4, 20, BUY, 100, 1, 0),
        trade(2, 10, 4, 20, BUY, 104, 1, 0),
        outcome(4, 20, EXPIRED, 2, 1),
        level(SELL, 100, 0, 4),
        level(SELL, 104, 0, 4),
      ]);
    });

    test("FOK: rejected with no effect when not fillable within its limit; filled when it is", () => {
      const h = make();
      h.place(1, 10, SELL, 100, 2);
      h.place(2, 10, SELL, 102, 5);
      const before = ordersOf(h.book);
      assert.deepEqual(h.place(3, 20, BUY, 101, 3, FOK), [outcome(3, 20, FOK_REJECTED, 0, 3)]);
      assert.deepEqual(ordersOf(h.book), before);
      assert.equal(h.book.updateId, 2);
      assert.deepEqual(h.place(4, 20, BUY, 102, 3, FOK), [
        trade(1, 10, 4, 20, BUY, 100, 2, 0),
        trade(2, 10, 4, 20, BUY, 102, 1, 4),
        outcome(4, 20, FILLED, 3, 0),
        level(SELL, 100, 0, 3),
        level(SELL, 102, 4, 3),
      ]);
      // exactly the available quantity is fillable
      assert.deepEqual(h.place(5, 20, BUY, 102, 4, FOK), [
        trade(2, 10, 5, 20, BUY, 102, 4, 0),
        outcome(5, 20, FILLED, 4, 0),
        level(SELL, 102, 0, 4),
      ]);
      // against an empty side
      assert.deepEqual(h.place(6, 20, BUY, 102, 1, FOK), [outcome(6, 20, FOK_REJECTED, 0, 1)]);
    });

    test("GTX: rejected with no effect if it would cross; rests otherwise", () => {
      const h = make();
      h.place(1, 10, SELL, 100, 2);
      assert.deepEqual(h.place(2, 20, BUY, 100, 1, GTX), [outcome(2, 20, POST_ONLY_REJECTED, 0, 1)]);
      assert.deepEqual(h.place(3, 20, BUY, 101, 1, GTX), [outcome(3, 20, POST_ONLY_REJECTED, 0, 1)]);
      assert.equal(h.book.updateId, 1);
      assert.deepEqual(h.place(4, 20, BUY, 99, 1, GTX), [
        outcome(4, 20, RESTING, 0, 1),
        level(BUY, 99, 1, 2),
      ]);
      // GTX looks at the price only: crossing the own user's order is also a reject
      assert.deepEqual(h.place(5, 10, BUY, 100, 1, GTX, EXPIRE_MAKER), [
        outcome(5, 10, POST_ONLY_REJECTED, 0, 1),
      ]);
      assert.equal(h.book.remainingOf(1), 2);
    });

    test("duplicate orderId of a resting order: DUPLICATE_ID, nothing happens", () => {
      const h = make();
      h.place(1, 10, SELL, 100, 2);
      assert.deepEqual(h.place(1, 11, BUY, 100, 2), [outcome(1, 11, DUPLICATE_ID, 0, 2)]);
      assert.equal(h.book.remainingOf(1), 2);
      assert.equal(h.book.updateId, 1);
      // once filled, the id is no longer in the book
      h.place(2, 11, BUY, 100, 2);
      assert.deepEqual(h.place(1, 12, BUY, 90, 1), [outcome(1, 12, RESTING, 0, 1), level(BUY, 90, 1, 3)]);
    });

    describe("self-trade prevention (taker's mode decides)", () => {
      // book: asks 100: [1 u10 q2, 2 u20 q2 (own), 3 u10 q2]
      const setup = (): Harness => {
        const h = make();
        h.place(1, 10, SELL, 100, 2);
        h.place(2, 20, SELL, 100, 2);
        h.place(3, 10, SELL, 100, 2);
        return h;
      };

      test("NONE: the same user trades with itself", () => {
        const h = setup();
        assert.deepEqual(h.place(9, 20, BUY, 100, 3, GTC, NONE), [
          trade(1, 10, 9, 20, BUY, 100, 2, 0),
          trade(2, 20, 9, 20, BUY, 100, 1, 1),
          outcome(9, 20, FILLED, 3, 0),
          level(SELL, 100, 3, 4),
        ]);
      });

      test("EXPIRE_TAKER: fills others until its own maker, then the taker expires", () => {
        const h = setup();
        assert.deepEqual(h.place(9, 20, BUY, 100, 5, GTC, EXPIRE_TAKER), [
          trade(1, 10, 9, 20, BUY, 100, 2, 0),
          outcome(9, 20, EXPIRED_IN_MATCH, 2, 3),
          level(SELL, 100, 4, 4),
        ]);
        assert.equal(h.book.remainingOf(2), 2);
        assert.ok(Number.isNaN(h.book.bestBid()));
      });

      test("EXPIRE_MAKER: the own maker is removed and matching continues", () => {
        const h = setup();
        assert.deepEqual(h.place(9, 20, BUY, 100, 3, GTC, EXPIRE_MAKER), [
          trade(1, 10, 9, 20, BUY, 100, 2, 0),
          removed(2, 20, 2, RemoveReason.EXPIRED_IN_MATCH),
          trade(3, 10, 9, 20, BUY, 100, 1, 1),
          outcome(9, 20, FILLED, 3, 0),
          level(SELL, 100, 1, 4),
        ]);
        assert.equal(h.book.remainingOf(2), 0);
      });

      test("EXPIRE_MAKER: an unfilled GTC remainder still rests", () => {
        const h = setup();
        assert.deepEqual(h.place(9, 20, BUY, 100, 7, GTC, EXPIRE_MAKER), [
          trade(1, 10, 9, 20, BUY, 100, 2, 0),
          removed(2, 20, 2, RemoveReason.EXPIRED_IN_MATCH),
          trade(3, 10, 9, 20, BUY, 100, 2, 0),
          outcome(9, 20, RESTING, 4, 3),
          level(SELL, 100, 0, 4),
          level(BUY, 100, 3, 4),
        ]);
      });

      test("EXPIRE_BOTH: the own maker is removed and the taker expires", () => {
        const h = setup();
        assert.deepEqual(h.place(9, 20, BUY, 100, 5, IOC, EXPIRE_BOTH), [
          trade(1, 10, 9, 20, BUY, 100, 2, 0),
          removed(2, 20, 2, RemoveReason.EXPIRED_IN_MATCH),
          outcome(9, 20, EXPIRED_IN_MATCH, 2, 3),
          level(SELL, 100, 2, 4),
        ]);
        assert.equal(h.book.remainingOf(3), 2);
      });

      test("STP only applies when the own maker would actually be reached", () => {
        const h = setup();
        assert.deepEqual(h.place(9, 20, BUY, 100, 2, GTC, EXPIRE_BOTH), [
          trade(1, 10, 9, 20, BUY, 100, 2, 0),
          outcome(9, 20, FILLED, 2, 0),
          level(SELL, 100, 4, 4),
        ]);
      });

      test("FOK + EXPIRE_MAKER counts only other users' qty; removes own makers when it executes", () => {
        const h = setup();
        assert.deepEqual(h.place(8, 20, BUY, 100, 5, FOK, EXPIRE_MAKER), [
          outcome(8, 20, FOK_REJECTED, 0, 5),
        ]);
        assert.equal(h.book.remainingOf(2), 2);
        assert.deepEqual(h.place(9, 20, BUY, 100, 4, FOK, EXPIRE_MAKER), [
          trade(1, 10, 9, 20, BUY, 100, 2, 0),
          removed(2, 20, 2, RemoveReason.EXPIRED_IN_MATCH),
          trade(3, 10, 9, 20, BUY, 100, 2, 0),
          outcome(9, 20, FILLED, 4, 0),
          level(SELL, 100, 0, 4),
        ]);
      });

      test("FOK + EXPIRE_TAKER / EXPIRE_BOTH counts up to the first own maker only", () => {
        for (const stp of [EXPIRE_TAKER, EXPIRE_BOTH]) {
          const h = setup();
          assert.deepEqual(h.place(8, 20, BUY, 100, 3, FOK, stp), [outcome(8, 20, FOK_REJECTED, 0, 3)]);
          assert.equal(h.book.remainingOf(2), 2, "a rejected FOK removes no own maker");
          assert.deepEqual(h.place(9, 20, BUY, 100, 2, FOK, stp), [
            trade(1, 10, 9, 20, BUY, 100, 2, 0),
            outcome(9, 20, FILLED, 2, 0),
            level(SELL, 100, 4, 4),
          ]);
        }
      });
    });

    describe("amend", () => {
      test("smaller qty at the same price keeps queue priority", () => {
        const h = make();
        h.place(1, 10, BUY, 100, 5);
        h.place(2, 11, BUY, 100, 5);
        assert.deepEqual(h.amend(1, 10, 100, 3), [
          CancelResult.OK,
          [outcome(1, 10, RESTING, 0, 3), level(BUY, 100, 8, 3)],
        ]);
        assert.deepEqual(h.place(3, 12, SELL, 100, 1), [
          trade(1, 10, 3, 12, SELL, 100, 1, 2),
          outcome(3, 12, FILLED, 1, 0),
          level(BUY, 100, 7, 4),
        ]);
      });

      test("larger qty at the same price loses priority", () => {
        const h = make();
        h.place(1, 10, BUY, 100, 5);
        h.place(2, 11, BUY, 100, 5);
        assert.deepEqual(h.amend(1, 10, 100, 6), [
          CancelResult.OK,
          [removed(1, 10, 5, AMENDED), outcome(1, 10, RESTING, 0, 6), level(BUY, 100, 11, 3)],
        ]);
        assert.deepEqual(h.place(3, 12, SELL, 100, 1)[0], trade(2, 11, 3, 12, SELL, 100, 1, 4));
      });

      test("same price and same qty re-queues the order but changes no level and no update id", () => {
        const h = make();
        h.place(1, 10, BUY, 100, 5);
        h.place(2, 11, BUY, 100, 5);
        assert.deepEqual(h.amend(1, 10, 100, 5), [
          CancelResult.OK,
          [removed(1, 10, 5, AMENDED), outcome(1, 10, RESTING, 0, 5)],
        ]);
        assert.equal(h.book.updateId, 2);
        assert.deepEqual(
          ordersOf(h.book).map((o) => o[0]),
          [2, 1],
        );
      });

      test("a price change loses priority and may match as GTC with the order's STP mode", () => {
        const h = make();
        h.place(1, 10, SELL, 101, 2);
        h.place(2, 20, SELL, 102, 1);
        h.place(3, 20, BUY, 99, 5, GTC, EXPIRE_TAKER);
        assert.deepEqual(h.amend(3, 20, 102, 4), [
          CancelResult.OK,
          [
            removed(3, 20, 5, AMENDED),
            trade(1, 10, 3, 20, BUY, 101, 2, 0),
            outcome(3, 20, EXPIRED_IN_MATCH, 2, 2),
            level(BUY, 99, 0, 4),
            level(SELL, 101, 0, 4),
          ],
        ]);
        assert.equal(h.book.remainingOf(3), 0);
        assert.equal(h.book.remainingOf(2), 1);
      });

      test("a price change that crosses fills and rests the remainder at the new price", () => {
        const h = make();
        h.place(1, 10, SELL, 101, 2);
        h.place(2, 20, BUY, 99, 5);
        assert.deepEqual(h.amend(2, 20, 101, 3), [
          CancelResult.OK,
          [
            removed(2, 20, 5, AMENDED),
            trade(1, 10, 2, 20, BUY, 101, 2, 0),
            outcome(2, 20, RESTING, 2, 1),
            level(BUY, 99, 0, 3),
            level(SELL, 101, 0, 3),
            level(BUY, 101, 1, 3),
          ],
        ]);
        assert.equal(h.book.remainingOf(2), 1);
      });

      test("unknown order or another user's order: UNKNOWN_ORDER and nothing happens", () => {
        const h = make();
        h.place(1, 10, BUY, 100, 5);
        assert.deepEqual(h.amend(1, 11, 100, 3), [CancelResult.UNKNOWN_ORDER, []]);
        assert.deepEqual(h.amend(2, 10, 100, 3), [CancelResult.UNKNOWN_ORDER, []]);
        assert.equal(h.book.remainingOf(1), 5);
        assert.equal(h.book.updateId, 1);
      });
    });

    describe("cancel and cancelAll", () => {
      test("cancel removes the order; another user's or an unknown order is UNKNOWN_ORDER", () => {
        const h = make();
        h.place(1, 10, BUY, 100, 5);
        h.place(2, 10, BUY, 100, 2);
        assert.deepEqual(h.cancel(1, 11), [CancelResult.UNKNOWN_ORDER, []]);
        assert.deepEqual(h.cancel(99, 10), [CancelResult.UNKNOWN_ORDER, []]);
        assert.equal(h.book.updateId, 2);
        assert.deepEqual(h.cancel(1, 10), [
          CancelResult.OK,
          [removed(1, 10, 5, CANCELED), level(BUY, 100, 2, 3)],
        ]);
        assert.deepEqual(h.cancel(1, 10), [CancelResult.UNKNOWN_ORDER, []]);
        assert.deepEqual(h.cancel(2, 10), [
          CancelResult.OK,
          [removed(2, 10, 2, CANCELED), level(BUY, 100, 0, 4)],
        ]);
        assert.ok(Number.isNaN(h.book.bestBid()));
      });

      test("cancelAll removes only that user's orders, in book order, under one update id", () => {
        const h = make();
        h.place(1, 10, BUY, 98, 1);
        h.place(2, 11, BUY, 99, 1);
        h.place(3, 10, SELL, 105, 1);
        h.place(4, 10, BUY, 99, 2);
        h.place(5, 10, SELL, 103, 3);
        assert.deepEqual(h.cancelAll(10), [
          4,
          [
            removed(4, 10, 2, CANCELED),
            removed(1, 10, 1, CANCELED),
            removed(5, 10, 3, CANCELED),
            removed(3, 10, 1, CANCELED),
            level(BUY, 99, 1, 6),
            level(BUY, 98, 0, 6),
            level(SELL, 103, 0, 6),
            level(SELL, 105, 0, 6),
          ],
        ]);
        assert.deepEqual(ordersOf(h.book), [[2, 11, BUY, 99, 1]]);
        assert.deepEqual(h.cancelAll(10), [0, []]);
        assert.equal(h.book.updateId, 6);
      });
    });

    test("depth: top N levels per side, best first, aggregated", () => {
      const h = make();
      h.place(1, 10, BUY, 100, 1);
      h.place(2, 11, BUY, 100, 2);
      h.place(3, 10, BUY, 98, 4);
      h.place(4, 10, BUY, 99, 8);
      h.place(5, 10, SELL, 101, 1);
      h.place(6, 10, SELL, 103, 2);
      h.place(7, 12, SELL, 101, 3);
      assert.deepEqual(h.book.depth(2), {
        bids: [
          [100, 3],
          [99, 8],
        ],
        asks: [
          [101, 4],
          [103, 2],
        ],
      });
      assert.deepEqual(h.book.depth(10).bids, [
        [100, 3],
        [99, 8],
        [98, 4],
      ]);
      assert.deepEqual(h.book.depth(0), { bids: [], asks: [] });
    });

    test("impact: walks the opposite side up to a quote budget without changing the book", () => {
      const h = make();
      h.place(1, 10, SELL, 100, 2);
      h.place(2, 10, SELL, 110, 5);
      h.place(3, 10, BUY, 90, 3);
      const before = ordersOf(h.book);
      assert.deepEqual(h.book.impact(BUY, 200), { qty: 2, quoteUnits: 200 });
      assert.deepEqual(h.book.impact(BUY, 529), { qty: 4, quoteUnits: 420 });
      assert.deepEqual(h.book.impact(BUY, 10_000), { qty: 7, quoteUnits: 750 });
      assert.deepEqual(h.book.impact(BUY, 50), { qty: 0, quoteUnits: 0 });
      assert.deepEqual(h.book.impact(SELL, 200), { qty: 2, quoteUnits: 180 });
      assert.deepEqual(ordersOf(h.book), before);
      assert.equal(h.book.updateId, 3);
    });

    test("forEachOrder: bids best first then asks best first, FIFO within a level", () => {
      const h = make();
      h.place(1, 10, SELL, 101, 1);
      h.place(2, 11, BUY, 99, 2);
      h.place(3, 12, BUY, 100, 3);
      h.place(4, 13, BUY, 99, 4);
      h.place(5, 14, SELL, 102, 5);
      h.place(6, 15, SELL, 101, 6);
      assert.deepEqual(ordersOf(h.book), [
        [3, 12, BUY, 100, 3],
        [2, 11, BUY, 99, 2],
        [4, 13, BUY, 99, 4],
        [1, 10, SELL, 101, 1],
        [6, 15, SELL, 101, 6],
        [5, 14, SELL, 102, 5],
      ]);
    });

    test("restore round-trip: same orders, same update id, same behaviour afterwards", () => {
      const a = make();
      a.place(1, 10, SELL, 101, 1, GTC, EXPIRE_MAKER);
      a.place(2, 11, BUY, 99, 2);
      a.place(3, 12, BUY, 100, 3, GTC, EXPIRE_BOTH);
      a.place(4, 10, BUY, 99, 4);
      a.place(5, 14, SELL, 102, 5);
      a.place(6, 10, SELL, 101, 6);
      a.amend(2, 11, 99, 1);
      const snapshot: {
        orderId: number;
        userId: number;
        side: Side;
        price: number;
        remaining: number;
        stp: StpMode;
      }[] = [];
      const stps = new Map([
        [1, EXPIRE_MAKER],
        [3, EXPIRE_BOTH],
      ]);
      a.book.forEachOrder((orderId, userId, side, price, remaining) => {
        snapshot.push({ orderId, userId, side, price, remaining, stp: stps.get(orderId) ?? NONE });
      });
      const b = make();
      b.place(77, 1, BUY, 50, 1); // restore replaces whatever was there
      b.book.restore(snapshot, a.book.updateId);
      assert.deepEqual(ordersOf(b.book), ordersOf(a.book));
      assert.equal(b.book.updateId, a.book.updateId);
      assert.equal(bookStateHash(b.book), bookStateHash(a.book));
      // the hash sees queue priority: the same orders restored in another order hash differently
      const c = make();
      c.book.restore([...snapshot].reverse(), a.book.updateId);
      assert.deepEqual(c.book.depth(10), b.book.depth(10));
      assert.notEqual(bookStateHash(c.book), bookStateHash(b.book));
      assert.equal(b.book.remainingOf(77), 0);
      assert.deepEqual(b.book.depth(10), a.book.depth(10));
      assert.equal(b.book.bestBid(), 100);
      assert.equal(b.book.bestAsk(), 101);
      // identical behaviour after the restore, including STP modes and cancelAll order
      const ops: ((h: Harness) => unknown)[] = [
        (h) => h.amend(1, 10, 99, 5), // EXPIRE_MAKER (restored) removes the own bid 4
        (h) => h.place(8, 12, BUY, 102, 9, IOC),
        (h) => h.cancelAll(10),
        (h) => h.place(9, 11, SELL, 99, 2),
      ];
      for (const op of ops) assert.deepEqual(op(b), op(a));
      assert.deepEqual(ordersOf(b.book), ordersOf(a.book));
      assert.equal(bookStateHash(b.book), bookStateHash(a.book));
    });

    test("update ids: one per command that changed the book, consecutive", () => {
      const h = make();
      const ids: number[] = [];
      const collect = (evs: BookEvent[]): void => {
        for (const e of evs) if (e[0] === "level") ids.push(e[4]);
      };
      collect(h.place(1, 10, SELL, 100, 5));
      collect(h.place(2, 11, BUY, 90, 5, GTX));
      collect(h.place(3, 11, BUY, 100, 5, GTX)); // rejected: no id
      collect(h.cancel(42, 10)[1]); // unknown: no id
      collect(h.place(4, 11, BUY, 101, 2)); // trades against 100, one level event
      collect(h.amend(2, 11, 95, 5)[1]); // two levels under one id
      assert.deepEqual(ids, [1, 2, 3, 4, 4]);
      assert.equal(h.book.updateId, 4);
    });

    test("caller errors throw and change nothing: qty ≤ 0, bad price, amend to ≤ 0", () => {
      const h = make();
      h.place(1, 10, BUY, 100, 5);
      for (const [price, qty] of [
        [100, 0],
        [100, -1],
        [0, 1],
        [-5, 1],
        [100.5, 1],
        [Number.NaN, 1],
      ] as const) {
        assert.throws(() => h.place(2, 10, SELL, price, qty), RangeError);
      }
      assert.throws(() => h.amend(1, 10, 100, 0), RangeError);
      assert.throws(() => h.amend(1, 10, 99.5, 1), RangeError);
      assert.deepEqual(ordersOf(h.book), [[1, 10, BUY, 100, 5]]);
      assert.equal(h.book.updateId, 1);
    });

    test("many levels and growth beyond the initial capacity", () => {
      const h = make();
      for (let i = 0; i < 300; i++) h.place(1000 + i, 10 + (i % 7), SELL, 1000 + i, 1 + (i % 3));
      for (let i = 0; i < 300; i++) h.place(2000 + i, 10 + (i % 5), BUY, 999 - i, 2);
      assert.equal(h.book.bestAsk(), 1000);
      assert.equal(h.book.bestBid(), 999);
      const evs = h.place(5000, 99, BUY, 1149, 10_000, IOC);
      const trades = evs.filter((e) => e[0] === "trade");
      assert.equal(trades.length, 150);
      assert.equal(h.book.bestAsk(), 1150);
      const mine = ordersOf(h.book).filter((o) => o[1] === 11).length;
      assert.equal(h.cancelAll(11)[0], mine);
      assert.equal(ordersOf(h.book).filter((o) => o[1] === 11).length, 0);
    });
  });
}

contractSuite("ReferenceBook", (symbolId) => new ReferenceBook(symbolId));
contractSuite("OrderBook (capacity 4, grows)", (symbolId) => new OrderBook(symbolId, { capacity: 4 }));
contractSuite("OrderBook (default capacity)", (symbolId) => new OrderBook(symbolId));

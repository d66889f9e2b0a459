// The matcher workers end to end: router → input rings → worker threads → books → output rings →
// router → sink. Determinism across shard counts, agreement with the book called directly, flow
// control with tiny rings, snapshot/restore, and supervision (a crashing or terminated worker).
import assert from "node:assert/strict";
import { type TestContext, test } from "node:test";
import { Side, StpMode, TimeInForce } from "@perpx/shared/domain";
import {
  applyCommand,
  localStream,
  type MatcherCommandStream,
  sendCommand,
} from "../../bench/local-stream.js";
import { CancelResult, PlaceOutcome } from "../../src/matcher/book-api.js";
import { OrderBook } from "../../src/matcher/order-book.js";
import {
  type MatcherFailure,
  MatcherUnavailableError,
  ShardRouter,
  type ShardRouterOptions,
} from "../../src/matcher/shard-router.js";
import { RecordingSink } from "./recording-sink.js";

const noError = (f: MatcherFailure) => assert.fail(`unexpected matcher failure: ${f.message}`);

/** Starts a router that is closed when the test ends, pass or fail (live workers would keep the test
 * process running). */
async function start(
  t: TestContext,
  o: Partial<ShardRouterOptions> & { workers: number },
): Promise<ShardRouter> {
  const router = await ShardRouter.start({ onError: noError, spins: 256, ...o });
  t.after(() => router.close());
  return router;
}

/** Sends the whole stream with back-pressure handling, then waits for every answer. */
async function pump(router: ShardRouter, s: MatcherCommandStream, sink: RecordingSink): Promise<void> {
  for (let i = 0; i < s.length; i++) {
    while (!sendCommand(router, s, i, i + 1)) {
      if (router.drain(sink) === 0) await router.waitForEvents(100);
    }
  }
  await router.settle(sink);
}

function reference(s: MatcherCommandStream): RecordingSink {
  const books = new Map<number, OrderBook>();
  const book = (id: number) => {
    let b = books.get(id);
    if (b === undefined) {
      b = new OrderBook(id);
      books.set(id, b);
    }
    return b;
  };
  const sink = new RecordingSink();
  for (let i = 0; i < s.length; i++) applyCommand(book, s, i, i + 1, sink);
  return sink;
}

test("1, 2 and 4 workers give the same per-command events as the book called directly", async (t) => {
  const s = localStream(2024, 20_000, { symbols: 7 });
  const expected = reference(s);
  assert.ok(expected.events > 40_000, `a busy stream (${expected.events} events)`);
  for (const workers of [1, 2, 4]) {
    const router = await start(t, { workers });
    const sink = new RecordingSink();
    await pump(router, s, sink);
    await router.close();
    assert.equal(sink.commands.length, s.length);
    assert.deepEqual(sink.commands, expected.commands, `${workers} workers`);
  }
});

test("tiny rings: back-pressure on sends and a long answer streamed through a full output ring", async (t) => {
  const router = await start(t, { workers: 2, inputCapacity: 8, outputCapacity: 16 });
  const sink = new RecordingSink();
  // 300 resting orders of one user, then one cancel-all: ~600 events through a 16-slot output ring
  let seq = 0;
  for (let i = 1; i <= 300; i++) {
    while (!router.place(++seq, 3, i, 7, Side.BUY, 1000 - (i % 40), 1, TimeInForce.GTC, StpMode.NONE)) {
      seq--;
      if (router.drain(sink) === 0) await router.waitForEvents(100);
      seq++;
    }
  }
  while (!router.cancelAll(++seq, 3, 7)) {
    seq--;
    if (router.drain(sink) === 0) await router.waitForEvents(100);
    seq++;
  }
  await router.settle(sink);
  await router.close();
  assert.equal(sink.commands.length, 301);
  const last = sink.commands.at(-1)!;
  assert.match(last, /CAR 7 300/);
  const events = last.slice(last.indexOf(": ") + 2).split("; ");
  assert.equal(events.filter((e) => e.startsWith("R ")).length, 300);
});

test("snapshot then restore into a fresh router gives back the same book", async (t) => {
  const s = localStream(77, 3000, { symbols: 2 });
  const a = await start(t, { workers: 2 });
  await pump(a, s, new RecordingSink());
  const snap = new RecordingSink();
  a.snapshot(s.length + 1, 1);
  await a.settle(snap);
  await a.close();
  const answer = snap.commands[0] ?? "";
  const rows = answer.slice(answer.indexOf(": ") + 2).split("; ");
  const header = /^SB 1 u(\d+) n(\d+)$/.exec(rows[0] ?? "");
  assert.ok(header !== null);
  const orders = rows
    .slice(1)
    .map((r) => (/^SO (\d+)\/(\d+) s(\d) (\d+)@(\d+)$/.exec(r) ?? []).slice(1).map(Number));
  assert.equal(orders.length, Number(header[2]));
  assert.ok(orders.length > 10, "the book has resting orders");

  const b = await start(t, { workers: 3 });
  for (const [orderId, userId, side, remaining, price] of orders) {
    assert.ok(b.restoreOrder(1, orderId!, userId!, side as Side, price!, remaining!, StpMode.NONE));
  }
  assert.ok(b.restoreEnd(1, 1, Number(header[1]), orders.length));
  const again = new RecordingSink();
  b.snapshot(2, 1);
  await b.settle(again);
  await b.close();
  const restored = again.commands[1] ?? "";
  assert.equal(restored.slice(restored.indexOf(": ")), answer.slice(answer.indexOf(": ")));
});

test("cancel, amend and cancel-all answers carry the book's return values", async (t) => {
  const router = await start(t, { workers: 1 });
  const sink = new RecordingSink();
  router.place(1, 5, 100, 9, Side.SELL, 2000, 4, TimeInForce.GTC, StpMode.NONE);
  router.amend(2, 5, 100, 9, 2000, 3);
  router.amend(3, 5, 999, 9, 2000, 3);
  router.cancel(4, 5, 100, 8);
  router.cancel(5, 5, 100, 9);
  router.cancelAll(6, 5, 9);
  await router.settle(sink);
  await router.close();
  const [place, amend, amendUnknown, cancelOther, cancel, cancelAll] = sink.commands;
  assert.match(place!, new RegExp(`^1: .*O 100/9 o${PlaceOutcome.RESTING} f0 r4`));
  assert.match(amend!, new RegExp(`AR 100 ${CancelResult.OK}$`));
  assert.equal(amendUnknown, `3: AR 999 ${CancelResult.UNKNOWN_ORDER}`);
  assert.equal(cancelOther, `4: CR 100 ${CancelResult.UNKNOWN_ORDER}`);
  assert.match(cancel!, /^5: (.*; )?R 100\/9 3 r0(; .*)?$/);
  assert.match(cancel!, new RegExp(`; CR 100 ${CancelResult.OK}$`));
  assert.equal(cancelAll, "6: CAR 9 0");
});

test("a worker that throws is reported once; later sends and drains fail fast; close() still works", async (t) => {
  const failures: MatcherFailure[] = [];
  const router = await start(t, { workers: 2, testHooks: true, onError: (f) => failures.push(f) });
  const sink = new RecordingSink();
  router.place(1, 2, 1, 1, Side.BUY, 100, 1, TimeInForce.GTC, StpMode.NONE);
  router.crash(2, 1);
  router.place(3, 2, 2, 1, Side.BUY, 100, 1, TimeInForce.GTC, StpMode.NONE);
  const t0 = Date.now();
  await assert.rejects(router.settle(sink), MatcherUnavailableError);
  assert.ok(Date.now() - t0 < 5000);
  assert.equal(failures.length, 1);
  assert.equal(failures[0]!.shard, 1);
  assert.equal(failures[0]!.code, "MATCHER_FAILED");
  assert.equal(failures[0]!.retriable, false);
  assert.match(failures[0]!.message, /CRASH test hook/);
  assert.ok(sink.commands.length <= 1, "nothing after the crash is delivered");
  assert.throws(
    () => router.place(4, 2, 3, 1, Side.BUY, 100, 1, TimeInForce.GTC, StpMode.NONE),
    (e: unknown) => e instanceof MatcherUnavailableError && e.code === "MATCHER_FAILED" && !e.retriable,
  );
  assert.throws(() => router.drain(sink), MatcherUnavailableError);
  assert.equal(await router.waitForEvents(5000), false);
  await router.close();
  assert.equal(failures.length, 1, "still reported once");
});

test("a terminated worker wakes a waiting sequencer and stops the router", async (t) => {
  const failures: MatcherFailure[] = [];
  const router = await start(t, { workers: 2, onError: (f) => failures.push(f) });
  await router.workerOf(0).terminate();
  await new Promise((r) => setImmediate(r));
  assert.equal(failures.length, 1);
  assert.equal(failures[0]!.shard, 0);
  assert.match(failures[0]!.message, /exited/);
  assert.throws(() => router.cancel(1, 4, 1, 1), MatcherUnavailableError);
  await router.close();
});

test("waitForEvents resolves when a worker dies while the sequencer waits", async (t) => {
  const failures: MatcherFailure[] = [];
  const router = await start(t, { workers: 1, testHooks: true, onError: (f) => failures.push(f) });
  // nothing answers for this slot: the worker throws on it, so the wait must end by the failure
  router.crash(1, 0);
  const t0 = Date.now();
  const got = await router.waitForEvents(10_000);
  assert.ok(Date.now() - t0 < 5000, "woken by the failure, not the timeout");
  if (got) assert.throws(() => router.drain(new RecordingSink()), MatcherUnavailableError);
  assert.equal(failures.length, 1);
  await router.close();
});

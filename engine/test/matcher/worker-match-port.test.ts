// WorkerMatchPort: the sequencer's synchronous MatchPort over matcher worker threads. Same reports as the
// in-thread port for 1 and 3 workers, book export/import through a ring smaller than the book, and the
// three ways a worker can fail while the main thread is blocked in execute(): it throws (CRASH hook), it
// is terminated, or it stops answering without a word (answerTimeoutMs).
import assert from "node:assert/strict";
import { type TestContext, test } from "node:test";
import { MatcherOp } from "@perpx/shared/codec/matcher/opcodes";
import { Side, StpMode, TimeInForce } from "@perpx/shared/domain";
import { localStream, type MatcherCommandStream } from "../../bench/local-stream.js";
import { OrderBook } from "../../src/matcher/order-book.js";
import {
  type MatcherFailure,
  MatcherUnavailableError,
  WorkerMatchPort,
  type WorkerMatchPortOptions,
} from "../../src/matcher/worker-match-port.js";
import { InThreadMatchPort, MatchOp, MatchReport, MatchRequest } from "../../src/sequencer/match-port.js";

async function start(
  t: TestContext,
  o: Partial<WorkerMatchPortOptions> & { workers: number },
): Promise<WorkerMatchPort> {
  const port = await WorkerMatchPort.start({ spins: 256, ...o });
  t.after(() => port.close());
  return port;
}

/** Command i of a matcher stream as the sequencer's request. */
function request(s: MatcherCommandStream, i: number, req: MatchRequest): MatchRequest {
  req.op =
    (
      {
        [MatcherOp.PLACE]: MatchOp.PLACE,
        [MatcherOp.CANCEL]: MatchOp.CANCEL,
        [MatcherOp.AMEND]: MatchOp.AMEND,
      } as Record<number, MatchOp>
    )[s.op[i]!] ?? MatchOp.CANCEL_ALL;
  req.symbolId = s.symbolId[i]!;
  req.orderId = s.orderId[i]!;
  req.userId = s.userId[i]!;
  req.side = s.side[i] as Side;
  req.price = s.price[i]!;
  req.qty = s.qty[i]!;
  req.tif = s.tif[i] as TimeInForce;
  req.stp = s.stp[i] as StpMode;
  return req;
}

const place = (symbolId: number, orderId: number, price: number): MatchRequest =>
  Object.assign(new MatchRequest(), {
    op: MatchOp.PLACE,
    symbolId,
    orderId,
    userId: 1,
    side: Side.BUY,
    price,
    qty: 1,
    tif: TimeInForce.GTC,
    stp: StpMode.NONE,
  });

/** every 25th command is followed by a SAMPLE of its symbol (best prices, impact fills) */
function sample(s: MatcherCommandStream, i: number, req: MatchRequest): MatchRequest | null {
  if (i % 25 !== 0) return null;
  req.op = MatchOp.SAMPLE;
  req.symbolId = s.symbolId[i]!;
  req.qty = 1 + ((i * 7919) % 3_000_000); // impact notional, price·qty units
  return req;
}

test("1 and 3 workers give the same reports as the in-thread port (SAMPLE included), and the same book images", async (t) => {
  const s = localStream(99, 5_000, { symbols: 5 });
  const symbols = [1, 2, 3, 4, 5];
  const inThread = new InThreadMatchPort((id) => new OrderBook(id));
  for (const id of symbols) inThread.addSymbol(id);
  const expected: string[] = [];
  const req = new MatchRequest();
  const report = new MatchReport();
  let samples = 0;
  for (let i = 0; i < s.length; i++) {
    inThread.execute(request(s, i, req), report);
    expected.push(`${report.result}|${report.records().join(",")}`);
    if (sample(s, i, req) === null) continue;
    inThread.execute(req, report);
    expected.push(`${report.result}|${report.records().join(",")}`);
    if (report.field(0, 1) > 0 && report.field(0, 2) > 0 && report.field(0, 3) > 0) samples++;
  }
  assert.ok(samples > 50, `samples of two-sided books with impact fills (${samples})`);
  for (const workers of [1, 3]) {
    const port = await start(t, { workers });
    let k = 0;
    const check = (i: number) => {
      const got = `${report.result}|${report.records().join(",")}`;
      if (got !== expected[k]) assert.equal(got, expected[k], `${workers} workers, command ${i}`);
      k++;
    };
    for (let i = 0; i < s.length; i++) {
      port.execute(request(s, i, req), report);
      check(i);
      if (sample(s, i, req) === null) continue;
      port.execute(req, report);
      check(i);
    }
    for (const id of symbols) assert.deepEqual(port.exportBook(id), inThread.exportBook(id), `symbol ${id}`);
    await port.close();
  }
});

test("export and import through a 16-slot input ring: the book comes back order for order", async (t) => {
  const a = await start(t, { workers: 2, inputCapacity: 16, outputCapacity: 16 });
  const report = new MatchReport();
  for (let i = 1; i <= 500; i++) a.execute(place(3, i, 1000 - (i % 37)), report);
  const image = a.exportBook(3);
  assert.equal(image.orders.length, 500);
  assert.equal(a.exportBook(8).orders.length, 0, "a symbol never used has an empty book");

  const b = await start(t, { workers: 3, inputCapacity: 16, outputCapacity: 16 });
  b.importBook(3, image, () => StpMode.NONE);
  assert.deepEqual(b.exportBook(3), image);
  // the restored book keeps matching: a crossing sell takes the best bid first
  const sell = Object.assign(place(3, 9999, 1), { side: Side.SELL, qty: 2 });
  b.execute(sell, report);
  assert.equal(report.count > 0, true);
  assert.equal(report.field(0, 1), image.orders.find((o) => o.price === 1000)?.orderId);
});

test("a worker that throws while execute() waits: MatcherUnavailableError at once, reported once", async (t) => {
  const failures: MatcherFailure[] = [];
  const port = await start(t, { workers: 2, testHooks: true, onError: (f) => failures.push(f) });
  const report = new MatchReport();
  port.execute(place(1, 1, 100), report);
  port.router.crash(1_000_000, 1); // the next answer owed by shard 1 never comes: its worker throws
  const t0 = performance.now();
  assert.throws(
    () => port.execute(place(1, 2, 100), report),
    (e: unknown) => e instanceof MatcherUnavailableError && e.code === "MATCHER_FAILED" && !e.retriable,
  );
  assert.ok(performance.now() - t0 < 2_000, "found by the closed output ring, not a timeout");
  assert.equal(failures.length, 1);
  assert.equal(failures[0]!.shard, 1);
  assert.match(failures[0]!.message, /worker 1 threw: .*CRASH test hook/, "the worker's own reason");
  assert.throws(() => port.execute(place(2, 3, 100), report), MatcherUnavailableError);
  assert.throws(() => port.exportBook(2), MatcherUnavailableError);
  await port.close();
  assert.equal(failures.length, 1, "still reported once");
});

test("a terminated worker: the next execute() throws", async (t) => {
  const failures: MatcherFailure[] = [];
  const port = await start(t, { workers: 2, onError: (f) => failures.push(f) });
  await port.router.workerOf(0).terminate();
  await new Promise((r) => setImmediate(r));
  assert.equal(failures.length, 1);
  assert.throws(() => port.execute(place(1, 1, 100), new MatchReport()), MatcherUnavailableError);
});

test("a worker that never answers is given up on after answerTimeoutMs", async (t) => {
  const failures: MatcherFailure[] = [];
  const port = await start(t, {
    workers: 1,
    answerTimeoutMs: 300,
    workerUrl: new URL("./silent-matcher.worker.js", import.meta.url),
    onError: (f) => failures.push(f),
  });
  const t0 = performance.now();
  assert.throws(() => port.execute(place(1, 1, 100), new MatchReport()), /gave no answer/);
  const ms = performance.now() - t0;
  assert.ok(ms >= 300 && ms < 3_000, `gave up after ${Math.round(ms)} ms`);
  assert.equal(failures.length, 1);
  assert.match(failures[0]!.message, /worker 0 gave no answer for \d+ ms/);
});

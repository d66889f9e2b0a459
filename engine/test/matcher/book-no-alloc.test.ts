// "Nothing allocated per order on the hot path", checked: once the book is warm, a long exchange-core-like
// stream of place/amend/cancel/IOC commands runs without a single young-generation collection (any
// per-command allocation fills the 16 MB nursery and triggers scavenges within ~100 000 commands).
// Major GCs are not counted: one can finish concurrent marking started by the set-up's allocations.
import assert from "node:assert/strict";
import { constants, PerformanceObserver } from "node:perf_hooks";
import { test } from "node:test";
import { setImmediate as tick } from "node:timers/promises";
import { type Side, StpMode, type TimeInForce } from "@perpx/shared/domain";
import { CountingSink } from "../../bench/counting-sink.js";
import { type BookStream, generateStream, StreamOp } from "../../bench/stream-gen.js";
import { OrderBook } from "../../src/matcher/order-book.js";

function run(book: OrderBook, s: BookStream, sink: CountingSink): void {
  book.restore([], 0);
  for (let i = 0; i < s.length; i++) {
    const op = s.op[i];
    if (op === StreamOp.PLACE) {
      book.place(
        s.orderId[i]!,
        s.userId[i]!,
        s.side[i] as Side,
        s.price[i]!,
        s.qty[i]!,
        s.tif[i] as TimeInForce,
        StpMode.NONE,
        sink,
      );
    } else if (op === StreamOp.CANCEL) {
      book.cancel(s.orderId[i]!, s.userId[i]!, sink);
    } else {
      book.amend(s.orderId[i]!, s.userId[i]!, s.price[i]!, s.qty[i]!, sink);
    }
  }
}

test("a warm OrderBook processes 200 000 commands without a scavenge", async () => {
  const s = generateStream(7, "mixed", 200_000);
  const book = new OrderBook(1, { capacity: 4096 });
  const sink = new CountingSink();
  for (let r = 0; r < 3; r++) run(book, s, sink); // warm up: JIT, and storage grown to its size
  await tick();
  let gcs = 0;
  const obs = new PerformanceObserver((list) => {
    for (const e of list.getEntries()) {
      const kind = (e as unknown as { detail?: { kind?: number } }).detail?.kind;
      if (kind === constants.NODE_PERFORMANCE_GC_MINOR) gcs++;
    }
  });
  obs.observe({ entryTypes: ["gc"] });
  await tick();
  gcs = 0;
  run(book, s, sink);
  await tick();
  await tick();
  obs.disconnect();
  assert.ok(sink.trades > 0);
  assert.equal(gcs, 0, `${gcs} scavenges while processing ${s.length} commands`);
});

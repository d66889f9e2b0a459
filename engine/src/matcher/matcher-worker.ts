// Thread entry of a matcher worker (started by ShardRouter; compiled to
// engine/dist/src/matcher/matcher-worker.js). It owns the order books of its shard, created lazily per
// symbolId, and talks to the main thread only through its two rings. It never returns to the event loop
// until SHUTDOWN; anything thrown closes the output ring and kills the thread, which the router reports
// as a failed shard.
import { workerData } from "node:worker_threads";
import { SpscRing } from "@perpx/shared/ring/spsc-ring";
import { MatcherShard, type MatcherWorkerData } from "./matcher-shard.js";
import { OrderBook } from "./order-book.js";

const d = workerData as MatcherWorkerData;
const output = SpscRing.attach(d.output, { spins: d.spins });
const shard = new MatcherShard(
  SpscRing.attach(d.input, { spins: d.spins }),
  output,
  (symbolId) => new OrderBook(symbolId),
  d.testHooks,
);
try {
  shard.run();
} catch (e) {
  // A main thread blocked in a synchronous wait (WorkerMatchPort) cannot receive the 'error' event: the
  // message on `errors` and the closed output ring are how it learns why and that this worker is gone.
  d.errors?.postMessage(e instanceof Error ? e.message : String(e));
  output.close();
  throw e;
}

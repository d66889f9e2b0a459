// Matcher worker entry with EchoBook instead of OrderBook (matcher-workers.bench.ts, transport only).
import { workerData } from "node:worker_threads";
import { SpscRing } from "@perpx/shared/ring/spsc-ring";
import { MatcherShard, type MatcherWorkerData } from "../src/matcher/matcher-shard.js";
import { EchoBook } from "./echo-book.js";

const d = workerData as MatcherWorkerData;
new MatcherShard(
  SpscRing.attach(d.input, { spins: d.spins }),
  SpscRing.attach(d.output, { spins: d.spins }),
  (symbolId) => new EchoBook(symbolId),
  d.testHooks,
).run();

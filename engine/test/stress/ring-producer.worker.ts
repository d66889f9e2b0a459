// Producer thread of the ring stress test: writes `count` checked messages in batches of varying size,
// sometimes leaving several batches claimed before one publish, and pausing on request so that the
// consumer parks. Reports its park/notify counts when done.
import { parentPort, workerData } from "node:worker_threads";
import { SpscRing } from "@perpx/shared/ring/spsc-ring";
import { rng, sleepSync, writeMessage } from "./ring-check.js";

export interface ProducerData {
  sab: SharedArrayBuffer;
  count: number;
  seed: number;
  /** batch sizes to choose from (clamped to the ring capacity) */
  batches: number[];
  /** pause `pauseMs` after every `pauseEvery` messages (0 = never) */
  pauseEvery: number;
  pauseMs: number;
  spins?: number;
}

export interface ProducerReport {
  parks: number;
  notifies: number;
  publishes: number;
}

const d = workerData as ProducerData;
const ring = SpscRing.attach(d.sab, d.spins === undefined ? {} : { spins: d.spins });
const next = rng(d.seed);
let seq = 0;
let publishes = 0;
let nextPause = d.pauseEvery || Number.POSITIVE_INFINITY;
while (seq < d.count) {
  const want = Math.min(d.batches[next() % d.batches.length]!, ring.capacity, d.count - seq);
  let off = ring.tryClaim(want);
  if (off < 0) {
    if (!ring.waitForRoom(want, 10_000)) throw new Error(`producer: no room for 10 s at seq ${seq}`);
    continue;
  }
  for (let i = 0; i < want; i++, off = ring.next(off)) writeMessage(ring.view, off, seq++);
  // one time in four keep the batch pending and publish it together with the next one
  if ((next() & 3) !== 0 || seq === d.count) {
    ring.publish();
    publishes++;
  }
  if (seq >= nextPause) {
    ring.publish();
    sleepSync(d.pauseMs);
    nextPause += d.pauseEvery;
  }
}
ring.close();
parentPort!.postMessage({ parks: ring.parks, notifies: ring.notifies, publishes } satisfies ProducerReport);

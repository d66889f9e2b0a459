// Two threads hammer an SPSC ring: a worker produces checked messages, this (main) thread consumes and
// checks that nothing is lost, duplicated, reordered or torn. Short by default (~1M messages);
// PERPX_STRESS=long (`node scripts/run-tests.mjs stress`) runs 20M with many wraparounds.
import assert from "node:assert/strict";
import { test } from "node:test";
import { Worker } from "node:worker_threads";
import { SpscRing } from "@perpx/shared/ring/spsc-ring";
import { checkMessage, rng, sleepSync } from "./ring-check.js";
import type { ProducerData, ProducerReport } from "./ring-producer.worker.js";

const LONG = process.env.PERPX_STRESS === "long";
const PRODUCER = new URL("./ring-producer.worker.js", import.meta.url);

interface RunOptions {
  capacity: number;
  count: number;
  seed: number;
  batches?: number[];
  initialSeq?: number;
  producerPauseEvery?: number;
  producerPauseMs?: number;
  consumerPauseEvery?: number;
  consumerPauseMs?: number;
  spins?: number;
  /** consumer poll sizes to choose from */
  polls?: number[];
}

interface RunResult {
  consumer: SpscRing;
  producer: ProducerReport;
  ms: number;
}

function startProducer(ring: SpscRing, o: RunOptions): { report: Promise<ProducerReport>; worker: Worker } {
  const data: ProducerData = {
    sab: ring.sab,
    count: o.count,
    seed: o.seed,
    batches: o.batches ?? [1, 2, 3, 7, 16, 64, 255, 256, 1000],
    pauseEvery: o.producerPauseEvery ?? 0,
    pauseMs: o.producerPauseMs ?? 0,
    ...(o.spins === undefined ? {} : { spins: o.spins }),
  };
  const worker = new Worker(PRODUCER, { workerData: data });
  const report = new Promise<ProducerReport>((resolve, reject) => {
    worker.once("message", resolve);
    worker.once("error", reject);
    worker.once("exit", (code) => reject(new Error(`producer exited with ${code} before reporting`)));
  });
  return { report, worker };
}

/** Consumes synchronously with blocking waits (allowed on Node's main thread), polling varied batches. */
async function runSync(o: RunOptions): Promise<RunResult> {
  const ring = SpscRing.create(o.capacity, {
    initialSeq: o.initialSeq ?? 0,
    ...(o.spins === undefined ? {} : { spins: o.spins }),
  });
  const t0 = performance.now();
  const { report, worker } = startProducer(ring, o);
  const next = rng(o.seed ^ 0x5bd1e995);
  const polls = o.polls ?? [1, 5, 64, 256, 4096];
  let expected = 0;
  let nextPause = o.consumerPauseEvery ?? Number.POSITIVE_INFINITY;
  for (;;) {
    const n = ring.poll(polls[next() % polls.length]!);
    if (n === 0) {
      if (ring.finished) break;
      if (!ring.waitForData(10_000) && !ring.closed) {
        await worker.terminate();
        assert.fail(`no message for 10 s after ${expected} (producer dead or stuck)`);
      }
      continue;
    }
    let off = ring.readOffset();
    for (let i = 0; i < n; i++, off = ring.next(off)) {
      const bad = checkMessage(ring.view, off, expected);
      if (bad !== null) {
        await worker.terminate();
        assert.fail(bad);
      }
      expected++;
    }
    ring.release(n);
    if (expected >= nextPause) {
      sleepSync(o.consumerPauseMs ?? 1);
      nextPause += o.consumerPauseEvery ?? 0;
    }
  }
  assert.equal(expected, o.count, "every message arrived exactly once");
  const producer = await report;
  return { consumer: ring, producer, ms: performance.now() - t0 };
}

function log(name: string, r: RunResult, count: number): void {
  const rate = ((count / r.ms) * 1000) / 1e6;
  console.log(
    `# ${name}: ${count} msgs in ${r.ms.toFixed(0)} ms (${rate.toFixed(1)} M/s); consumer parks ` +
      `${r.consumer.parks}, notifies ${r.consumer.notifies}; producer parks ${r.producer.parks}, ` +
      `notifies ${r.producer.notifies}, publishes ${r.producer.publishes}`,
  );
}

test("ordered, exactly once, untorn across many wraparounds with mixed batch sizes", async () => {
  const count = LONG ? 20_000_000 : 1_000_000;
  const r = await runSync({ capacity: 1024, count, seed: 42 });
  log("mixed batches", r, count);
  assert.ok(r.producer.publishes < count, "publishes are batched");
});

test("the int32 sequence counters wrap past 2^31 mid-stream", async () => {
  const count = LONG ? 2_000_000 : 200_000;
  const r = await runSync({ capacity: 256, count, seed: 7, initialSeq: 2 ** 31 - 50_000 });
  log("counter wrap", r, count);
});

test("a paused producer lets the consumer park; it is woken, not notified per message", async () => {
  const count = LONG ? 1_000_000 : 100_000;
  const r = await runSync({
    capacity: 4096,
    count,
    seed: 3,
    producerPauseEvery: 20_000,
    producerPauseMs: 5,
    spins: 64,
  });
  log("parked consumer", r, count);
  assert.ok(r.consumer.parks >= 4, `consumer parked ${r.consumer.parks} times`);
  assert.ok(r.producer.notifies >= 1, "the producer woke the parked consumer");
  assert.ok(r.producer.notifies < count / 100, `notifies ${r.producer.notifies} ≪ messages`);
});

test("a paused consumer lets the producer park on a full ring; it is woken on release", async () => {
  const count = LONG ? 1_000_000 : 100_000;
  const r = await runSync({
    capacity: 64,
    count,
    seed: 5,
    batches: [1, 8, 32],
    consumerPauseEvery: 20_000,
    consumerPauseMs: 5,
    spins: 64,
  });
  log("parked producer", r, count);
  assert.ok(r.producer.parks >= 4, `producer parked ${r.producer.parks} times`);
  assert.ok(r.consumer.notifies >= 1, "the consumer woke the parked producer");
  // a 64-slot ring fills after every few releases, so parks are frequent here by design
  assert.ok(r.consumer.notifies < count / 10, `notifies ${r.consumer.notifies} ≪ messages`);
});

test("parking races: both sides park at once (no spinning) on a tiny ring", async () => {
  // Every empty or full ring goes straight to the parked-flag protocol, so a lost wake-up (a notify
  // skipped while the peer sleeps) shows up as a 10 s stall instead of hiding behind the spin.
  const count = LONG ? 2_000_000 : 200_000;
  // The producer mostly waits for a nearly empty ring while the consumer frees 1–2 slots at a time, so
  // releases land inside the producer's raise-flag → re-check → wait window as often as possible.
  const r = await runSync({ capacity: 16, count, seed: 9, batches: [1, 15, 16], polls: [1, 2], spins: 0 });
  log("no-spin parking", r, count);
  assert.ok(r.consumer.parks > 0 && r.producer.parks > 0);
});

test("an event-loop consumer (waitForDataAsync) receives everything while timers keep running", async () => {
  const count = LONG ? 1_000_000 : 100_000;
  const ring = SpscRing.create(512, { spins: 64 });
  const { report } = startProducer(ring, {
    capacity: 512,
    count,
    seed: 11,
    producerPauseEvery: 25_000,
    producerPauseMs: 5,
  });
  let ticks = 0;
  const timer = setInterval(() => ticks++, 1);
  let expected = 0;
  const deadline = Date.now() + 20_000;
  while (!ring.finished) {
    const n = ring.poll(256);
    if (n === 0) {
      await ring.waitForDataAsync(100);
      assert.ok(Date.now() < deadline, "stuck");
      continue;
    }
    let off = ring.readOffset();
    for (let i = 0; i < n; i++, off = ring.next(off)) {
      const bad = checkMessage(ring.view, off, expected++);
      if (bad !== null) assert.fail(bad);
    }
    ring.release(n);
  }
  clearInterval(timer);
  assert.equal(expected, count);
  const p = await report;
  console.log(`# async consumer: parks ${ring.parks}, producer notifies ${p.notifies}, timer ticks ${ticks}`);
  assert.ok(ring.parks >= 1 && p.notifies >= 1);
  assert.ok(ticks >= 1, "the event loop kept running while waiting");
});

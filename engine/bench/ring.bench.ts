// Raw SPSC ring throughput between two threads (64-byte slots; batch = slots per tryClaim/publish),
// next to worker_threads postMessage with 64 messages in flight (the peer), and a ring echo with 64 in
// flight for the like-for-like round trip. Medians of RUNS runs. `node scripts/bench.mjs ring.bench`
import { Worker } from "node:worker_threads";
import { SpscRing } from "@perpx/shared/ring/spsc-ring";
import { gc, machine, type Row, table } from "./bench-util.js";
import type { PeerData } from "./ring-peer.worker.js";

const RUNS = 5;
const ONE_WAY = 2_000_000;
const ECHO = 200_000;
const IN_FLIGHT = 64;
const PEER = new URL("./ring-peer.worker.js", import.meta.url);

function startPeer(data: PeerData): Promise<Worker> {
  const w = new Worker(PEER, { workerData: data });
  return new Promise((resolve, reject) => {
    w.once("message", () => resolve(w));
    w.once("error", reject);
  });
}

/** messages/s received on this thread from a producer thread publishing `batch` slots at a time */
async function ringOneWay(batch: number): Promise<number> {
  const ring = SpscRing.create(4096);
  const start = new SharedArrayBuffer(4);
  const w = await startPeer({ mode: "ring-produce", ring: ring.sab, count: ONE_WAY, batch, start });
  const exited = new Promise((r) => w.once("exit", r));
  const t0 = performance.now();
  Atomics.store(new Int32Array(start), 0, 1);
  Atomics.notify(new Int32Array(start), 0);
  let got = 0;
  let sum = 0;
  const v = ring.view;
  for (;;) {
    const n = ring.poll(1024);
    if (n === 0) {
      if (ring.finished) break;
      ring.waitForData(10_000);
      continue;
    }
    let off = ring.readOffset();
    for (let i = 0; i < n; i++, off = ring.next(off)) sum += v.getUint32(off, true);
    got += n;
    ring.release(n);
  }
  const s = (performance.now() - t0) / 1000;
  await exited;
  if (got !== ONE_WAY || sum !== (ONE_WAY * (ONE_WAY - 1)) / 2) throw new Error("ring lost messages");
  return got / s;
}

/** round trips/s with IN_FLIGHT messages outstanding, main → ring → worker → ring → main */
async function ringEcho(): Promise<number> {
  const input = SpscRing.create(4096);
  const output = SpscRing.create(4096);
  const w = await startPeer({ mode: "ring-echo", input: input.sab, output: output.sab });
  const exited = new Promise((r) => w.once("exit", r));
  const t0 = performance.now();
  let sent = 0;
  let got = 0;
  while (got < ECHO) {
    while (sent - got < IN_FLIGHT && sent < ECHO) {
      input.view.setUint32(input.tryClaim(1), sent++, true);
    }
    input.publish();
    let n = output.poll(IN_FLIGHT);
    if (n === 0) {
      output.waitForData(10_000);
      n = output.poll(IN_FLIGHT);
    }
    got += n;
    output.release(n);
  }
  const s = (performance.now() - t0) / 1000;
  input.close();
  await exited;
  return got / s;
}

/** round trips/s with IN_FLIGHT postMessage messages outstanding (a small command-like object) */
async function postEcho(): Promise<number> {
  const w = await startPeer({ mode: "post-echo" });
  const t0 = performance.now();
  let sent = 0;
  let got = 0;
  await new Promise<void>((resolve) => {
    w.on("message", () => {
      got++;
      if (sent < ECHO) w.postMessage({ seq: sent++, orderId: 123456789, price: 500001, qty: 3 });
      else if (got === ECHO) resolve();
    });
    for (; sent < IN_FLIGHT; sent++) w.postMessage({ seq: sent, orderId: 123456789, price: 500001, qty: 3 });
  });
  const s = (performance.now() - t0) / 1000;
  await w.terminate();
  return got / s;
}

async function runs(f: () => Promise<number>): Promise<number[]> {
  const out: number[] = [];
  for (let i = 0; i < RUNS; i++) {
    gc();
    out.push(await f());
  }
  return out;
}

const rows: Row[] = [];
for (const batch of [1, 16, 256]) {
  rows.push({
    cells: ["SPSC ring, one way", String(batch), `${ONE_WAY / 1e6}M`],
    rates: await runs(() => ringOneWay(batch)),
  });
}
rows.push({
  cells: ["SPSC ring, echo", `${IN_FLIGHT} in flight`, `${ECHO / 1e3}k`],
  rates: await runs(ringEcho),
});
rows.push({
  cells: ["postMessage, echo (peer)", `${IN_FLIGHT} in flight`, `${ECHO / 1e3}k`],
  rates: await runs(postEcho),
});

console.log(`## Ring buffer vs postMessage between two threads

Messages are 64-byte ring slots (a sequence number and a check word; the consumer sums them to verify).
"One way": a worker produces, the main thread consumes; batch = slots per \`tryClaim\`/\`publish\`.
"Echo": the main thread keeps ${IN_FLIGHT} messages outstanding and the worker sends each back (rate = round
trips/s); the postMessage peer sends a 4-field object. ${machine()}; ${RUNS} runs each.

${table(["transport", "batch", "messages"], "msgs/s", rows)}

Reproduce: \`npx tsc -b && node scripts/bench.mjs ring.bench\` (source: \`engine/bench/ring.bench.ts\`).
`);

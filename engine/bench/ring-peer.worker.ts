// The other thread of ring.bench.ts: produces into a ring (one-way), echoes ring → ring, or echoes
// postMessage, depending on workerData.mode.
import { parentPort, workerData } from "node:worker_threads";
import { SpscRing } from "@perpx/shared/ring/spsc-ring";

export type PeerData =
  | { mode: "ring-produce"; ring: SharedArrayBuffer; count: number; batch: number; start: SharedArrayBuffer }
  | { mode: "ring-echo"; input: SharedArrayBuffer; output: SharedArrayBuffer }
  | { mode: "post-echo" };

const d = workerData as PeerData;
const port = parentPort!;

if (d.mode === "ring-produce") {
  const ring = SpscRing.attach(d.ring);
  const start = new Int32Array(d.start);
  port.postMessage("ready");
  Atomics.wait(start, 0, 0);
  const v = ring.view;
  for (let seq = 0; seq < d.count; ) {
    const n = Math.min(d.batch, d.count - seq);
    let off = ring.tryClaim(n);
    if (off < 0) {
      ring.waitForRoom(n, 10_000);
      continue;
    }
    for (let i = 0; i < n; i++, off = ring.next(off)) {
      v.setUint32(off, seq, true);
      v.setUint32(off + 8, seq ^ 0x5a5a5a5a, true);
      seq++;
    }
    ring.publish();
  }
  ring.close();
} else if (d.mode === "ring-echo") {
  const input = SpscRing.attach(d.input);
  const output = SpscRing.attach(d.output);
  port.postMessage("ready");
  for (;;) {
    const n = input.poll(256);
    if (n === 0) {
      if (input.finished) break;
      input.waitForData(1000);
      continue;
    }
    let off = input.readOffset();
    for (let i = 0; i < n; i++, off = input.next(off)) {
      let out = output.tryClaim(1);
      while (out < 0) {
        output.waitForRoom(1, 1000);
        out = output.tryClaim(1);
      }
      output.view.setUint32(out, input.view.getUint32(off, true), true);
    }
    input.release(n);
    output.publish();
  }
  output.close();
} else {
  port.on("message", (m: unknown) => {
    if (m === "stop") port.close();
    else port.postMessage(m);
  });
  port.postMessage("ready");
}

// The disk's durability latency as the journal sees it: one pwrite of `bytes` at the end of a file, then
// fdatasync, repeated; percentiles of the pair. A floor for any latency that waits for durability (the
// embedded engine acknowledges and publishes a command only after its group's fdatasync).
// Owner: the benchmark process.
import { open } from "node:fs/promises";
import { join } from "node:path";
import { tempDir } from "./engine-runs.js";

export interface FsyncLatency {
  bytes: number;
  count: number;
  /** ms: p50, p90, p99, p99.9, max */
  ms: [number, number, number, number, number];
}

export async function fsyncLatency(bytes: number, count: number): Promise<FsyncLatency> {
  const { dir, remove } = tempDir("fsync");
  const fh = await open(join(dir, "f.log"), "w");
  try {
    const buf = new Uint8Array(bytes).fill(7);
    const t = new Float64Array(count);
    let pos = 0;
    for (let i = 0; i < count; i++) {
      const t0 = performance.now();
      await fh.write(buf, 0, bytes, pos);
      await fh.datasync();
      t[i] = performance.now() - t0;
      pos += bytes;
    }
    t.sort();
    const q = (p: number) => t[Math.min(count - 1, Math.floor(p * count))]!;
    return { bytes, count, ms: [q(0.5), q(0.9), q(0.99), q(0.999), t[count - 1]!] };
  } finally {
    await fh.close();
    remove();
  }
}

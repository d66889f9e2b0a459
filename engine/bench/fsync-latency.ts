// The disk's durability latency as the journal sees it: one pwrite of `bytes` at the end of a file, then
// fdatasync, repeated; percentiles of the pair. A floor for any latency that waits for durability (the
// embedded engine acknowledges and publishes a command only after its group's fdatasync).
// Owner: the benchmark process.
import { constants } from "node:fs";
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

export interface DurabilityFloor {
  rate: number;
  commands: number;
  writes: number;
  /** group write ms: p50, max */
  write: [number, number];
  /** per command, from its arrival to the end of the write that carries it, ms: p50, p99, p99.9, max */
  ms: [number, number, number, number];
}

/** bytes per record in the floor's groups (a PLACE_ORDER frame is 16 + 72 + clientOrderId) */
const RECORD_BYTES = 100;

/**
 * The disk's own floor for the journal-on "published" latency at a paced rate: back-to-back group writes
 * into a preallocated O_DSYNC file, as the journal writes (each group holds what arrived while the
 * previous one was written), and no other work at all — no engine, no encoding, no event loop load.
 * Commands arrive every 1/rate s; a command's latency is the end of the first write that starts after
 * it arrived, minus its arrival. No engine can publish a command sooner on this disk.
 */
export async function durabilityFloor(rate: number, seconds: number): Promise<DurabilityFloor> {
  const { dir, remove } = tempDir("floor");
  const size = Math.ceil((rate * seconds * RECORD_BYTES * 1.5) / 2 ** 20) * 2 ** 20 + 2 ** 20;
  const fh = await open(join(dir, "f.log"), constants.O_RDWR | constants.O_CREAT | (constants.O_DSYNC ?? 0));
  try {
    const zeros = new Uint8Array(2 ** 20);
    for (let at = 0; at < size; at += zeros.length) await fh.write(zeros, 0, zeros.length, at);
    await fh.datasync();
    const buf = new Uint8Array(2 ** 20).fill(7);
    const starts: number[] = [];
    const ends: number[] = [];
    let pos = 0;
    const t0 = performance.now();
    let prevStart = t0;
    while (performance.now() - t0 < seconds * 1000) {
      const start = performance.now();
      const len = Math.min(
        buf.length,
        Math.max(1, Math.round(((start - prevStart) * rate) / 1000)) * RECORD_BYTES,
      );
      await fh.write(buf, 0, len, pos);
      pos = pos + len > size - buf.length ? 0 : pos + len;
      starts.push(start);
      ends.push(performance.now());
      prevStart = start;
    }
    const lat: number[] = [];
    let w = 0;
    for (let k = 0; ; k++) {
      const t = t0 + (k * 1000) / rate;
      while (w < starts.length && starts[w]! < t) w++;
      if (w >= starts.length) break;
      lat.push(ends[w]! - t);
    }
    lat.sort((a, b) => a - b);
    const writes = starts.map((s, i) => ends[i]! - s).sort((a, b) => a - b);
    const q = (p: number) => lat[Math.min(lat.length - 1, Math.floor(p * lat.length))]!;
    return {
      rate,
      commands: lat.length,
      writes: writes.length,
      write: [writes[writes.length >> 1]!, writes[writes.length - 1]!],
      ms: [q(0.5), q(0.99), q(0.999), lat[lat.length - 1]!],
    };
  } finally {
    await fh.close();
    remove();
  }
}

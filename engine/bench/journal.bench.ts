// Journal and snapshot store benchmark (Markdown on stdout). Bounded: ≈1 min on 2 cores, ≈250 MB of
// temp files removed at the end. Reproduce: `npx tsc -b && node scripts/bench.mjs journal`
// (records per replay run: PERPX_BENCH_RECORDS, default 1 000 000).

import { appendFileSync, closeSync, fsyncSync, mkdtempSync, openSync, rmSync } from "node:fs";
import { readdir, readFile } from "node:fs/promises";
import { cpus, tmpdir } from "node:os";
import { join } from "node:path";
import { SnapshotWriter } from "@perpx/shared/codec/snapshot-io";
import type { Command } from "@perpx/shared/commands";
import { CHECKSUM_IMPL, checksum, checksumNative, checksumPure } from "../src/log/journal/checksum.js";
import { JournalCommandLog, type JournalOptions } from "../src/log/journal/journal-command-log.js";
import { compress, decompress } from "../src/snapshot/snapshot-codec.js";
import { SnapshotCodec } from "../src/snapshot/snapshot-format.js";
import { SnapshotStore } from "../src/snapshot/snapshot-store.js";
import { benchOrder as order, type PathRun, runnerPath } from "./runner-path.js";

const RECORDS = Number(process.env.PERPX_BENCH_RECORDS ?? 1_000_000);
const APPEND_SECONDS = 2;
const root = mkdtempSync(join(tmpdir(), "perpx-bench-journal-"));
const quiet: JournalOptions = { onWarning: () => undefined };
const lines: string[] = [];
const out = (s = "") => lines.push(s);
const fmt = (n: number, d = 0) =>
  n.toLocaleString("en-US", { maximumFractionDigits: d, minimumFractionDigits: d });

/** Longest gap between 1 ms timer ticks while `f` runs: how long the main thread was blocked. */
async function withStallProbe<T>(f: () => Promise<T>): Promise<[T, number]> {
  let last = performance.now();
  let max = 0;
  const timer = setInterval(() => {
    const now = performance.now();
    max = Math.max(max, now - last);
    last = now;
  }, 1);
  try {
    const r = await f();
    max = Math.max(max, performance.now() - last);
    return [r, max];
  } finally {
    clearInterval(timer);
  }
}

function pct(sorted: Float64Array, p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor(p * sorted.length))]!;
}

async function appendRun(concurrency: number) {
  const dir = join(root, `append-${concurrency}`);
  const log = await JournalCommandLog.open(dir, quiet);
  const lat = new Float64Array(4_000_000);
  let n = 0;
  let i = 0;
  const end = performance.now() + APPEND_SECONDS * 1000;
  const producer = async () => {
    while (performance.now() < end) {
      const t = performance.now();
      await log.append([order(i++)]);
      if (n < lat.length) lat[n] = performance.now() - t;
      n++;
    }
  };
  const t0 = performance.now();
  await Promise.all(Array.from({ length: concurrency }, producer));
  const secs = (performance.now() - t0) / 1000;
  const s = log.stats();
  await log.close();
  rmSync(dir, { recursive: true, force: true });
  const sorted = lat.subarray(0, Math.min(n, lat.length)).sort();
  return {
    appends: n / secs,
    fsyncs: s.fsyncs / secs,
    perGroup: s.records / s.groups,
    p50: pct(sorted, 0.5),
    p99: pct(sorted, 0.99),
  };
}

function peerAppendFsync() {
  const path = join(root, "peer.log");
  const fd = openSync(path, "a");
  const rec = new Uint8Array(16 + 72 + 12).fill(7); // one framed PLACE_ORDER-sized record
  let n = 0;
  const t0 = performance.now();
  const end = t0 + APPEND_SECONDS * 1000;
  while (performance.now() < end) {
    appendFileSync(fd, rec);
    fsyncSync(fd);
    n++;
  }
  const secs = (performance.now() - t0) / 1000;
  closeSync(fd);
  rmSync(path);
  return n / secs;
}

async function buildLog(dir: string, records: number, segmentBytes: number): Promise<number> {
  const log = await JournalCommandLog.open(dir, { ...quiet, segmentBytes, maxGroupRecords: 8192 });
  const t0 = performance.now();
  const batch = 4096;
  for (let i = 0; i < records; i += batch) {
    const cmds: Command[] = [];
    for (let k = i; k < Math.min(records, i + batch); k++) cmds.push(order(k));
    await log.append(cmds);
  }
  const ms = performance.now() - t0;
  await log.close();
  return ms;
}

async function openTimed(dir: string, opts: JournalOptions) {
  const t0 = performance.now();
  const [log, stall] = await withStallProbe(() => JournalCommandLog.open(dir, { ...quiet, ...opts }));
  const ms = performance.now() - t0;
  return { log, ms, verifyMs: log.recovery.verify.ms, maxStallMs: stall };
}

async function main() {
  out("## Journal and snapshot store");
  out();
  out(
    `Node ${process.version}, ${cpus().length} × ${cpus()[0]?.model ?? "cpu"}, record checksum ${CHECKSUM_IMPL}, ` +
      `temp dir on ${tmpdir()}. Reproduce: \`npx tsc -b && node scripts/bench.mjs journal\`.`,
  );
  out();

  // --- appends ---------------------------------------------------------------------------------------
  out(`### Durable appends (one PLACE_ORDER per append, ${APPEND_SECONDS} s each)`);
  out();
  out("| appenders | appends/s | fsyncs/s | records per group | p50 ms | p99 ms |");
  out("|---:|---:|---:|---:|---:|---:|");
  for (const c of [1, 16, 256]) {
    const r = await appendRun(c);
    out(
      `| ${c} | ${fmt(r.appends)} | ${fmt(r.fsyncs)} | ${fmt(r.perGroup, 1)} | ${fmt(r.p50, 3)} | ${fmt(r.p99, 3)} |`,
    );
  }
  const peer = peerAppendFsync();
  out(`| peer: \`appendFileSync\` + \`fsyncSync\` loop | ${fmt(peer)} | ${fmt(peer)} | 1 | | |`);
  out();

  // --- the journal + runner path ----------------------------------------------------------------------
  out("### Journal + execute-ahead runner, trivial core (200 000 commands per run, median of 3)");
  out();
  out(
    "`engine/bench/runner-path.ts`: append → group commit → the `EngineRunner` applies ahead → publish once " +
      "durable, with a core that emits one event per command (and, last row, busy-waits 3 µs per command: " +
      "a runner slower than the appends, no window — an overload). CPU: the whole process, per command.",
  );
  out();
  out("| commands per append | core µs/cmd | CPU µs/cmd | records per group | read back + decoded |");
  out("|---:|---:|---:|---:|---:|");
  for (const [per, core] of [
    [16, 0],
    [256, 0],
    [1024, 3],
  ] as const) {
    const runs: PathRun[] = [];
    for (let k = 0; k < 3; k++) runs.push(await runnerPath(200_000, per, core));
    const mid = (f: (r: PathRun) => number) => runs.map(f).sort((a, b) => a - b)[1]!;
    out(
      `| ${per} | ${core} | ${fmt(
        mid((r) => r.cpuMicros),
        2,
      )} | ${fmt(200_000 / mid((r) => r.groups))} | ${fmt(mid((r) => r.decoded))} |`,
    );
  }
  out();

  // --- replay and verify -----------------------------------------------------------------------------
  const dir = join(root, "replay");
  const segmentBytes = 16 * 1024 * 1024;
  const buildMs = await buildLog(dir, RECORDS, segmentBytes);
  const files = (await readdir(dir)).filter((f) => f.endsWith(".log"));
  let bytes = 0;
  const contents: Uint8Array[] = [];
  for (const f of files) {
    const b = await readFile(join(dir, f));
    bytes += b.length;
    contents.push(b);
  }
  const per1M = (ms: number) => (ms * 1_000_000) / RECORDS;
  out(
    `### Replay and recovery (${fmt(RECORDS)} PLACE_ORDER records, ${fmt(bytes / 2 ** 20, 1)} MiB in ` +
      `${files.length} segments of 16 MiB, files in the page cache)`,
  );
  out();
  out(
    `Written in ${fmt(buildMs)} ms with appends of 4096 commands (${fmt(RECORDS / (buildMs / 1000))} records/s).`,
  );
  out();

  // raw checksum speed over the same bytes, no framing
  let t = performance.now();
  for (const b of contents) checksumNative(b, 0, b.length);
  const crcNative = performance.now() - t;
  t = performance.now();
  for (const b of contents) checksumPure(b, 0, b.length);
  const crcPure = performance.now() - t;
  // per record, as verification does it: one call per 94-byte frame
  const perRecord = (f: typeof checksum) => {
    const t1 = performance.now();
    for (const b of contents) for (let off = 24; off + 94 <= b.length; off += 94) f(b, off + 8, off + 94);
    return performance.now() - t1;
  };
  const recNative = perRecord(checksumNative);
  const recPure = perRecord(checksumPure);
  const recUsed = perRecord(checksum);

  out("| step | ms | ms per 1M records | max event-loop stall ms |");
  out("|---|---:|---:|---:|");
  out(
    `| CRC-32 of all bytes, ${CHECKSUM_IMPL} (one call per file) | ${fmt(crcNative, 1)} | ${fmt(per1M(crcNative), 1)} | |`,
  );
  out(`| CRC-32 of all bytes, pure TS slicing-by-8 | ${fmt(crcPure, 1)} | ${fmt(per1M(crcPure), 1)} | |`);
  out(
    `| CRC-32 per 94-byte record, ${CHECKSUM_IMPL} | ${fmt(recNative, 1)} | ${fmt(per1M(recNative), 1)} | |`,
  );
  out(`| CRC-32 per 94-byte record, pure TS | ${fmt(recPure, 1)} | ${fmt(per1M(recPure), 1)} | |`);
  out(
    `| CRC-32 per 94-byte record, as used (pure below 256 B) | ${fmt(recUsed, 1)} | ${fmt(per1M(recUsed), 1)} | |`,
  );
  const runs: [string, JournalOptions][] = [
    ["open + verify in-thread", { verify: "inline" }],
    ["open + verify in piscina (2 threads)", { verify: "pool", verifyThreads: 2 }],
    ["open + verify in-thread (again)", { verify: "inline" }],
    ["open + verify in piscina (2 threads, again)", { verify: "pool", verifyThreads: 2 }],
  ];
  let opened: JournalCommandLog | null = null;
  for (const [name, opts] of runs) {
    if (opened) await opened.close();
    const r = await openTimed(dir, opts);
    out(
      `| ${name}: verify / whole open | ${fmt(r.verifyMs)} / ${fmt(r.ms)} | ${fmt(per1M(r.ms))} | ${fmt(r.maxStallMs, 1)} |`,
    );
    opened = r.log;
  }
  const log = opened!;
  // replay: read everything from the files (decode included), as the engine does after a restart
  t = performance.now();
  let n = 0;
  for (let from = 1; ; ) {
    const recs = await log.read(from, 65_536);
    if (recs.length === 0) break;
    n += recs.length;
    from = recs[recs.length - 1]!.seq + 1;
  }
  const replayMs = performance.now() - t;
  out(`| replay: read + decode all from files | ${fmt(replayMs)} | ${fmt(per1M(replayMs))} | |`);
  // tail cache: the engine following the log live
  const cacheN = 60_000;
  await log.append(Array.from({ length: cacheN }, (_, k) => order(RECORDS + k)));
  t = performance.now();
  for (let from = RECORDS + 1; from <= RECORDS + cacheN; from += 1024) await log.read(from, 1024);
  const cacheMs = performance.now() - t;
  out(
    `| read + decode ${fmt(cacheN)} from the tail cache | ${fmt(cacheMs, 1)} | ${fmt((cacheMs * 1e6) / cacheN)} | |`,
  );
  await log.close();
  out();
  out(
    `Replay: ${fmt(n / (replayMs / 1000))} records/s from files; ` +
      `${fmt(cacheN / (cacheMs / 1000))} records/s from the tail cache.`,
  );
  rmSync(dir, { recursive: true, force: true });
  out();

  // --- snapshots -------------------------------------------------------------------------------------
  const w = new SnapshotWriter(1 << 20);
  w.begin(1);
  for (let i = 0; w.length < 16 * 1024 * 1024; i++)
    w.u64(i)
      .safeInt(1_000_000 * (i % 5000) - 7 * i)
      .u64(500_000 + (i % 3000))
      .string(`user-${i % 20_000}`)
      .bool((i & 3) === 0);
  const st = w.end().finish().slice();
  out(
    `### Snapshot compression (${fmt(st.length / 2 ** 20, 1)} MiB synthetic state, one run each, on one thread)`,
  );
  out();
  out("| codec | compress ms | MiB/s | ratio | decompress ms |");
  out("|---|---:|---:|---:|---:|");
  for (const [name, codec, level] of [
    ["none", SnapshotCodec.NONE, 0],
    ["gzip level 1", SnapshotCodec.GZIP, 1],
    ["gzip level 6", SnapshotCodec.GZIP, 6],
    ["brotli quality 1", SnapshotCodec.BROTLI, 1],
    ["brotli quality 4", SnapshotCodec.BROTLI, 4],
  ] as const) {
    const r = compress({ kind: "compress", codec, level, data: st });
    const d = decompress({ kind: "decompress", codec, body: r.body, rawBytes: st.length });
    const mibs = fmt(st.length / 2 ** 20 / (r.ms / 1000));
    out(`| ${name} | ${fmt(r.ms, 1)} | ${mibs} | ${fmt(st.length / r.body.length, 2)} | ${fmt(d.ms, 1)} |`);
  }
  out();
  const sdir = join(root, "snap");
  out("| store.write (default gzip 1, worker) | total ms | compress ms (worker) | max event-loop stall ms |");
  out("|---|---:|---:|---:|");
  for (const worker of [true, false]) {
    const store = await SnapshotStore.open(sdir, { worker });
    await store.write(0, new Uint8Array(16)); // warm the pool
    const t1 = performance.now();
    const [info, stall] = await withStallProbe(() => store.write(1, st));
    const total = performance.now() - t1;
    const mode = worker ? "piscina worker" : "inline (worker: false)";
    out(`| ${mode} | ${fmt(total, 1)} | ${fmt(info.compressMs, 1)} | ${fmt(stall, 1)} |`);
    await store.close();
  }
  out();
}

try {
  await main();
} finally {
  rmSync(root, { recursive: true, force: true });
  process.stdout.write(`${lines.join("\n")}\n`);
}

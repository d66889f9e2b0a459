// Opening a journal directory: verify every segment, then decide. The rules (SPEC §12):
//  - a bad record at the end of the last segment, with no valid record after it, is a torn tail (a write
//    that never completed, so never acknowledged): it is truncated and reported; in a version-2 segment
//    records of the same group may follow it (a torn write's blocks land in any order), only the first
//    record of a later group may not;
//  - a bad record with valid records after it, in any segment, or in a segment that is not the last, is
//    corruption of acknowledged commands: open is refused (JournalError LOG_CORRUPT), nothing is changed;
//  - zero bytes after the last record of a version-2 segment are preallocated space, not damage: kept;
//  - a last segment whose header never became durable (crash during rotation) holds no record: removed;
//  - segments must chain: each starts right after the previous one's last seq.
import { mkdir, open, readdir, unlink } from "node:fs/promises";
import { join } from "node:path";
import { corrupt } from "./journal-error.js";
import { syncDir } from "./journal-io.js";
import { parseSegmentFileName } from "./record-frame.js";
import type { SegmentInfo } from "./segment-reader.js";
import { type ScanTask, type SegmentScan, scanSegment } from "./segment-scan.js";

export type VerifyMode = "inline" | "pool";

export interface RecoveryReport {
  segments: number;
  records: number;
  /** seq of the first record on disk (1 for a fresh log) */
  firstSeq: number;
  lastSeq: number;
  /** the torn tail cut off, or null */
  truncated: { segment: string; atSeq: number; offset: number; bytes: number; reason: string } | null;
  /** trailing segment files removed because their header never became durable */
  removedSegments: string[];
  verify: { mode: VerifyMode; threads: number; ms: number; bytes: number };
}

export interface RecoveryOptions {
  verify: VerifyMode;
  verifyThreads: number;
  indexEvery: number;
  chunkBytes: number;
}

export interface Recovered {
  segments: SegmentInfo[];
  report: RecoveryReport;
  /** bytes in the last segment's file after recovery (its records, then zeros in version 2) */
  lastFileBytes: number;
}

export async function recoverDirectory(dir: string, opts: RecoveryOptions): Promise<Recovered> {
  await mkdir(dir, { recursive: true });
  const names = (await readdir(dir))
    .map((name) => ({ name, firstSeq: parseSegmentFileName(name) }))
    .filter((x): x is { name: string; firstSeq: number } => x.firstSeq !== undefined)
    .sort((a, b) => a.firstSeq - b.firstSeq);
  const tasks: ScanTask[] = names.map((n) => ({
    path: join(dir, n.name),
    firstSeq: n.firstSeq,
    indexEvery: opts.indexEvery,
    chunkBytes: opts.chunkBytes,
  }));
  const t0 = performance.now();
  const scans = await verifyAll(tasks, opts);
  const verifyMs = performance.now() - t0;

  const report: RecoveryReport = {
    segments: 0,
    records: 0,
    firstSeq: scans[0]?.firstSeq ?? 1,
    lastSeq: (scans[0]?.firstSeq ?? 1) - 1,
    truncated: null,
    removedSegments: [],
    verify: {
      mode: opts.verify,
      threads: opts.verify === "pool" ? opts.verifyThreads : 0,
      ms: verifyMs,
      bytes: scans.reduce((s, x) => s + x.fileBytes, 0),
    },
  };
  const segments: SegmentInfo[] = [];
  // decide first, change files after: a refused open leaves the directory exactly as it was
  let truncate: { path: string; size: number } | null = null;
  let remove: string | null = null;
  for (let i = 0; i < scans.length; i++) {
    const s = scans[i]!;
    const isLast = i === scans.length - 1;
    const prev = segments[segments.length - 1];
    if (prev && s.firstSeq !== prev.lastSeq + 1)
      throw corrupt(
        `${s.path}: starts at seq ${s.firstSeq} but the previous segment ends at ${prev.lastSeq}`,
      );
    if (s.problem) {
      const where = `${s.path}: seq ${s.problem.seq} at offset ${s.problem.offset} is ${s.problem.check}`;
      if (s.validAfter)
        throw corrupt(
          `${where}, but a valid record (seq ${s.validAfter.seq}) ${s.version === 2 ? "starting a later group " : ""}` +
            `follows at offset ${s.validAfter.offset}: corruption inside acknowledged records, refusing to open`,
        );
      if (!isLast) throw corrupt(`${where}, and later segments exist: refusing to open`);
      if (s.headerError) {
        remove = s.path;
        report.removedSegments.push(s.path);
        if (segments.length === 0) report.lastSeq = s.firstSeq - 1;
        continue;
      }
      truncate = { path: s.path, size: s.validBytes };
      report.truncated = {
        segment: s.path,
        atSeq: s.problem.seq,
        offset: s.problem.offset,
        bytes: s.fileBytes - s.validBytes,
        reason: s.problem.check,
      };
    }
    segments.push({
      firstSeq: s.firstSeq,
      lastSeq: s.lastSeq,
      path: s.path,
      version: s.version,
      size: s.validBytes,
      indexSeqs: s.indexSeqs,
      indexOffsets: s.indexOffsets,
    });
    report.records += s.records;
    report.lastSeq = s.lastSeq;
  }
  report.segments = segments.length;
  if (truncate) {
    const fh = await open(truncate.path, "r+");
    try {
      await fh.truncate(truncate.size);
      await fh.datasync();
    } finally {
      await fh.close();
    }
  }
  if (remove) {
    await unlink(remove);
    await syncDir(dir);
  }
  const lastPath = segments[segments.length - 1]?.path;
  const last = scans.find((s) => s.path === lastPath);
  const lastFileBytes = !last ? 0 : truncate?.path === last.path ? truncate.size : last.fileBytes;
  return { segments, report, lastFileBytes };
}

async function verifyAll(tasks: ScanTask[], opts: RecoveryOptions): Promise<SegmentScan[]> {
  if (opts.verify === "inline" || tasks.length === 0) {
    // one file at a time on the main thread; the async reads yield to the event loop between chunks
    const out: SegmentScan[] = [];
    for (const t of tasks) out.push(await scanSegment(t));
    return out;
  }
  const { Piscina } = await import("piscina");
  const pool = new Piscina<ScanTask, SegmentScan>({
    filename: new URL("./verify-worker.js", import.meta.url).href,
    minThreads: 1,
    maxThreads: Math.max(1, opts.verifyThreads),
  });
  try {
    return await Promise.all(tasks.map((t) => pool.run(t)));
  } finally {
    await pool.destroy();
  }
}

// Opening a journal directory (journal-command-log.ts `JournalCommandLog.open`): create it durably, lock
// it, recover its segments (recovery.ts: verify every record, cut a torn tail) and open the writer on
// the last segment, or a new one (a version-1 last segment, written before preallocation, is left as it
// is: the log goes on in a new version-2 segment). Owner: the opening call; the lock then belongs to
// the journal.
import { mkdir } from "node:fs/promises";
import { dirname, resolve } from "node:path";
import { lockDir } from "./dir-lock.js";
import { type JournalIo, nodeIo, syncDir } from "./journal-io.js";
import { type JournalOptions, preallocation } from "./journal-options.js";
import { type RecoveryReport, recoverDirectory } from "./recovery.js";
import type { SegmentInfo } from "./segment-reader.js";
import { SegmentWriter, type WriterCounters } from "./segment-writer.js";

const MiB = 1024 * 1024;

export interface OpenedDirectory {
  io: JournalIo;
  segments: SegmentInfo[];
  writer: SegmentWriter;
  /** shared with every SegmentWriter of the journal */
  counters: WriterCounters;
  report: RecoveryReport;
  unlock: () => Promise<void>;
}

export async function openDirectory(dir: string, options: JournalOptions): Promise<OpenedDirectory> {
  const io = options.io ?? nodeIo;
  const warn = options.onWarning ?? ((m: string) => console.warn(`[journal] ${m}`));
  // a directory created here must itself be durable in its parent before any acknowledged record
  const created = await mkdir(dir, { recursive: true });
  if (created !== undefined) await syncDir(dirname(resolve(created)));
  const unlock = await lockDir(dir);
  try {
    const { segments, report, lastFileBytes } = await recoverDirectory(dir, {
      verify: options.verify ?? "inline",
      verifyThreads: options.verifyThreads ?? 2,
      indexEvery: options.indexEvery ?? 1024,
      chunkBytes: 4 * MiB,
    });
    const t = report.truncated;
    if (t)
      warn(
        `torn tail truncated: ${t.bytes} bytes at offset ${t.offset} of ${t.segment} (seq ${t.atSeq}, ${t.reason})`,
      );
    for (const p of report.removedSegments) warn(`removed segment without a durable header: ${p}`);
    const counters: WriterCounters = { writes: 0, fsyncs: 0, bytes: 0, preallocated: 0 };
    const prealloc = preallocation(options);
    const last = segments[segments.length - 1];
    let writer: SegmentWriter;
    if (last?.version === 2)
      writer = await SegmentWriter.reopen(last.path, io, last.size, lastFileBytes, counters, prealloc);
    else {
      // an empty version-1 segment is replaced by a version-2 one of the same name (create truncates it)
      if (last && last.lastSeq < last.firstSeq) segments.pop();
      writer = await SegmentWriter.create(dir, io, report.lastSeq + 1, counters, prealloc);
      segments.push(emptySegment(writer, report.lastSeq + 1));
    }
    return { io, segments, writer, counters, report, unlock };
  } catch (e) {
    await unlock();
    throw e;
  }
}

/** The SegmentInfo of a segment just created by `w`, starting at `firstSeq`, with no record yet. */
export function emptySegment(w: SegmentWriter, firstSeq: number): SegmentInfo {
  return {
    firstSeq,
    lastSeq: firstSeq - 1,
    path: w.path,
    version: 2,
    size: w.size,
    indexSeqs: [],
    indexOffsets: [],
  };
}

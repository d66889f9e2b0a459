// Verifies one segment file at recovery: header, then every record's length, seq and checksum, in order;
// in a version-2 segment, a run of zero bytes to the end of the file after the last record is the space
// preallocated ahead of the data, not damage.
// Pure function of the file's bytes (no journal state), so it runs on the main thread or in a piscina
// worker (verify-worker.ts) unchanged. It only reports; recovery.ts decides what a problem means.
import { open } from "node:fs/promises";
import { readU32 } from "@perpx/shared/codec/bytes";
import {
  checkFrame,
  F_LENGTH,
  F_SEQ,
  FRAME_CHECK_NAMES,
  FRAME_HEADER_BYTES,
  FrameCheck,
  frameLength,
  GROUP_START,
  MAX_PAYLOAD_BYTES,
  parseSegmentHeader,
  SEGMENT_HEADER_BYTES,
  type SegmentVersion,
} from "./record-frame.js";

export interface ScanTask {
  path: string;
  /** firstSeq from the file name */
  firstSeq: number;
  /** keep a (seq, offset) index entry every this many records */
  indexEvery: number;
  /** read size in bytes */
  chunkBytes: number;
}

export interface SegmentScan {
  path: string;
  firstSeq: number;
  fileBytes: number;
  /** the header's format version (1 when the header is unusable) */
  version: SegmentVersion;
  /** version 2: zero bytes after the last valid record, to the end of the file (preallocated space) */
  zeroTail: number;
  /** why the header is unusable, or null */
  headerError: string | null;
  records: number;
  /** seq of the last valid record (firstSeq − 1 when none) */
  lastSeq: number;
  /** file offset just past the last valid record (the header's end when none; 0 with a bad header) */
  validBytes: number;
  /** sparse index: record i·indexEvery starts at indexOffsets[i] with seq indexSeqs[i] */
  indexSeqs: number[];
  indexOffsets: number[];
  /** first invalid record, or null when the file ends exactly after a valid record */
  problem: { offset: number; seq: number; check: string } | null;
  /**
   * A checksum-valid record found after the problem (then it is not a torn tail), or null. Version 2:
   * only a record that starts a group counts — records of the same group may follow a damaged one when
   * the group's write was torn (its blocks reached the disk in any order); a later group's first record
   * means the damaged group had completed, so it was acknowledged.
   */
  validAfter: { offset: number; seq: number } | null;
  ms: number;
}

/** Offset window kept between resync chunks so a frame starting near a chunk's end is seen whole. */
const MAX_FRAME = FRAME_HEADER_BYTES + MAX_PAYLOAD_BYTES;

export async function scanSegment(task: ScanTask): Promise<SegmentScan> {
  const t0 = performance.now();
  const fh = await open(task.path, "r");
  try {
    const fileBytes = (await fh.stat()).size;
    const read = async (buf: Uint8Array, off: number, len: number, pos: number): Promise<number> =>
      (await fh.read(buf, off, len, pos)).bytesRead;
    const out: SegmentScan = {
      path: task.path,
      firstSeq: task.firstSeq,
      fileBytes,
      version: 1,
      zeroTail: 0,
      headerError: null,
      records: 0,
      lastSeq: task.firstSeq - 1,
      validBytes: 0,
      indexSeqs: [],
      indexOffsets: [],
      problem: null,
      validAfter: null,
      ms: 0,
    };
    const head = new Uint8Array(SEGMENT_HEADER_BYTES);
    const got = await read(head, 0, SEGMENT_HEADER_BYTES, 0);
    const first = parseSegmentHeader(head.subarray(0, got));
    if (typeof first === "string" || first.firstSeq !== task.firstSeq) {
      out.headerError = typeof first === "string" ? first : `header says first seq ${first.firstSeq}`;
      out.problem = { offset: 0, seq: task.firstSeq, check: "BAD_HEADER" };
    } else {
      out.version = first.version;
      out.validBytes = SEGMENT_HEADER_BYTES;
      await scanRecords(task, fileBytes, read, out);
    }
    const p = out.problem;
    if (p && out.version === 2 && (await zeroFrom(read, fileBytes, p.offset, task.chunkBytes))) {
      out.zeroTail = fileBytes - p.offset;
      out.problem = null;
    }
    if (out.problem)
      out.validAfter = await findValidFrame(
        read,
        fileBytes,
        out.problem.offset,
        task.chunkBytes,
        out.version,
      );
    out.ms = performance.now() - t0;
    return out;
  } finally {
    await fh.close();
  }
}

type Read = (buf: Uint8Array, off: number, len: number, pos: number) => Promise<number>;

async function scanRecords(task: ScanTask, fileBytes: number, read: Read, out: SegmentScan): Promise<void> {
  let buf = new Uint8Array(Math.max(task.chunkBytes, 64 * 1024));
  let bufStart = SEGMENT_HEADER_BYTES; // file offset of buf[0]
  let filled = 0;
  let pos = SEGMENT_HEADER_BYTES;
  let expected = task.firstSeq;
  for (;;) {
    const rel = pos - bufStart;
    const atEof = bufStart + filled >= fileBytes;
    const have = filled - rel;
    if (have === 0 && atEof) return; // clean end: the file ends after a whole record
    // need the whole frame in the buffer, unless the file ends first or the length is already absurd
    let need = FRAME_HEADER_BYTES;
    if (have >= FRAME_HEADER_BYTES) {
      const len = frameLength(buf, rel + F_LENGTH);
      need = len === 0 || len > MAX_PAYLOAD_BYTES ? 0 : FRAME_HEADER_BYTES + len;
    }
    if (have < need && !atEof) {
      // move the partial frame to the front, grow for a big one, and read more
      if (need > buf.length) {
        const bigger = new Uint8Array(need * 2);
        bigger.set(buf.subarray(rel, filled));
        buf = bigger;
      } else buf.copyWithin(0, rel, filled);
      bufStart = pos;
      filled = have;
      const n = await read(buf, filled, buf.length - filled, bufStart + filled);
      if (n === 0) throw new Error(`${task.path}: file shrank while scanning`);
      filled += n;
      continue;
    }
    const check = checkFrame(buf, rel, filled, expected, out.version);
    if (check !== FrameCheck.OK) {
      out.problem = { offset: pos, seq: expected, check: FRAME_CHECK_NAMES[check] };
      return;
    }
    if (out.records % task.indexEvery === 0) {
      out.indexSeqs.push(expected);
      out.indexOffsets.push(pos);
    }
    out.records++;
    out.lastSeq = expected;
    pos += FRAME_HEADER_BYTES + frameLength(buf, rel + F_LENGTH);
    out.validBytes = pos;
    expected++;
  }
}

/** Whether every byte of the file from `from` to its end is zero. */
async function zeroFrom(read: Read, fileBytes: number, from: number, chunkBytes: number): Promise<boolean> {
  const buf = new Uint8Array(Math.min(Math.max(chunkBytes, 4096), Math.max(1, fileBytes - from)));
  for (let pos = from; pos < fileBytes; ) {
    const n = await read(buf, 0, Math.min(buf.length, fileBytes - pos), pos);
    if (n <= 0) return true; // the file shrank under us: nothing after
    for (let i = 0; i < n; i++) if (buf[i] !== 0) return false;
    pos += n;
  }
  return true;
}

/**
 * Looks for a checksum-valid record at or after `from` (at every byte offset) — in a version-2 segment
 * one that starts a group: a torn tail has none; corruption in the middle of acknowledged records has
 * some. The seq filter keeps it cheap (a u32 compare per byte); the crc decides.
 */
async function findValidFrame(
  read: Read,
  fileBytes: number,
  from: number,
  chunkBytes: number,
  version: SegmentVersion,
): Promise<{ offset: number; seq: number } | null> {
  const size = Math.max(chunkBytes, 2 * MAX_FRAME);
  const buf = new Uint8Array(size);
  for (let start = from; start < fileBytes; ) {
    // fill the buffer completely (a short read must not shrink the window below one frame)
    const want = Math.min(size, fileBytes - start);
    let filled = 0;
    while (filled < want) {
      const n = await read(buf, filled, want - filled, start + filled);
      if (n <= 0) break;
      filled += n;
    }
    if (filled < want) return null; // the file shrank under us: nothing more to find
    const last = start + filled >= fileBytes;
    // offsets whose longest possible frame fits in this chunk; the rest are seen again in the next one
    const limit = last ? filled : filled - MAX_FRAME;
    for (let rel = 0; rel < limit; rel++) {
      if (filled - rel < FRAME_HEADER_BYTES) break;
      const word = readU32(buf, rel + F_LENGTH);
      if (version === 2 && (word & GROUP_START) === 0) continue;
      const len = version === 2 ? frameLength(buf, rel + F_LENGTH) : word;
      if (len === 0 || len > MAX_PAYLOAD_BYTES || rel + FRAME_HEADER_BYTES + len > filled) continue;
      if (readU32(buf, rel + F_SEQ + 4) > 0x1f_ffff) continue;
      const seq = readU32(buf, rel + F_SEQ) + readU32(buf, rel + F_SEQ + 4) * 0x1_0000_0000;
      if (seq < 1) continue;
      if (checkFrame(buf, rel, filled, seq, version) === FrameCheck.OK) return { offset: start + rel, seq };
    }
    if (last) return null;
    start += limit;
  }
  return null;
}

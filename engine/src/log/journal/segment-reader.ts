// Reads durable records back from segment files (records older than the tail cache; replay after a
// restart). Every record is checked again (length, seq, checksum) before it is decoded: bit rot after
// recovery is an error, never a wrong command.

import { open } from "node:fs/promises";
import { decodeCommand } from "@perpx/shared/codec/command-record";
import type { LoggedCommand } from "@perpx/shared/commands";
import { corrupt } from "./journal-error.js";
import {
  checkFrame,
  F_LENGTH,
  FRAME_CHECK_NAMES,
  FRAME_HEADER_BYTES,
  FrameCheck,
  frameLength,
  MAX_PAYLOAD_BYTES,
  SEGMENT_HEADER_BYTES,
  type SegmentVersion,
} from "./record-frame.js";

/** What the journal knows of one segment. Owner: the journal (main thread). */
export interface SegmentInfo {
  firstSeq: number;
  /** firstSeq − 1 while empty */
  lastSeq: number;
  path: string;
  /** the file's format version (record-frame.ts) */
  version: SegmentVersion;
  /** durable bytes: the end of the last record (a version-2 file may hold zeros after it) */
  size: number;
  /** sparse index: the record with seq indexSeqs[i] starts at indexOffsets[i] */
  indexSeqs: number[];
  indexOffsets: number[];
}

/** Index entry at or before `seq`: [seq, offset] to start scanning from. */
function seekPoint(seg: SegmentInfo, seq: number): [number, number] {
  let lo = 0;
  let hi = seg.indexSeqs.length - 1;
  if (hi < 0 || seg.indexSeqs[0]! > seq) return [seg.firstSeq, SEGMENT_HEADER_BYTES];
  while (lo < hi) {
    const mid = (lo + hi + 1) >>> 1;
    if (seg.indexSeqs[mid]! <= seq) lo = mid;
    else hi = mid - 1;
  }
  return [seg.indexSeqs[lo]!, seg.indexOffsets[lo]!];
}

/**
 * Appends to `out` the records of `seg` with from ≤ seq ≤ upTo, until out.length reaches `max`.
 * `seg.size` and `upTo` bound the read to durable data even while the writer appends.
 */
export async function readSegment(
  seg: SegmentInfo,
  from: number,
  upTo: number,
  max: number,
  out: LoggedCommand[],
  chunkBytes = 1024 * 1024,
): Promise<void> {
  const end = seg.size;
  let [seq, pos] = seekPoint(seg, from);
  const fh = await open(seg.path, "r");
  try {
    let buf = new Uint8Array(chunkBytes);
    let bufStart = pos;
    let filled = 0;
    while (seq <= upTo && out.length < max && pos < end) {
      let rel = pos - bufStart;
      const have = filled - rel;
      const len = have >= FRAME_HEADER_BYTES ? frameLength(buf, rel + F_LENGTH) : 0;
      const need = have < FRAME_HEADER_BYTES ? FRAME_HEADER_BYTES : FRAME_HEADER_BYTES + len;
      if (have < need && len <= MAX_PAYLOAD_BYTES) {
        if (need > buf.length) {
          const bigger = new Uint8Array(need * 2);
          bigger.set(buf.subarray(rel, filled));
          buf = bigger;
        } else buf.copyWithin(0, rel, filled);
        bufStart = pos;
        filled = have;
        rel = 0;
        const want = Math.min(buf.length - filled, end - (bufStart + filled));
        const n = want > 0 ? (await fh.read(buf, filled, want, bufStart + filled)).bytesRead : 0;
        if (n === 0) throw corrupt(`${seg.path}: record at ${pos} runs past the durable end ${end}`);
        filled += n;
        continue;
      }
      const check = checkFrame(buf, rel, filled, seq, seg.version);
      if (check !== FrameCheck.OK)
        throw corrupt(
          `${seg.path}: record seq ${seq} at offset ${pos} is ${FRAME_CHECK_NAMES[check]} on read`,
        );
      if (seq >= from) {
        try {
          out.push({ seq, cmd: decodeCommand(buf, rel + FRAME_HEADER_BYTES, len) });
        } catch (e) {
          throw corrupt(`${seg.path}: record seq ${seq} does not decode: ${(e as Error).message}`);
        }
      }
      pos += FRAME_HEADER_BYTES + len;
      seq++;
    }
  } finally {
    await fh.close();
  }
}

/** The segment holding `seq` (binary search over segments in seq order), or undefined. */
export function findSegment(segments: readonly SegmentInfo[], seq: number): SegmentInfo | undefined {
  let lo = 0;
  let hi = segments.length - 1;
  while (lo <= hi) {
    const mid = (lo + hi) >>> 1;
    const s = segments[mid]!;
    if (seq < s.firstSeq) hi = mid - 1;
    else if (seq > s.lastSeq) lo = mid + 1;
    else return s;
  }
  return undefined;
}

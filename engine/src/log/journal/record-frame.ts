// The journal's on-disk format. Little-endian throughout; u64 = safe integer as two u32 halves.
//
// Segment file `journal-<firstSeq, 20 digits>.log` = header, then records back to back, then (version 2,
// the active segment) zero bytes: space written ahead of the data so a group commit overwrites blocks
// the filesystem has already allocated instead of growing the file (no metadata to commit per write).
//
//   header (24 bytes)
//    0  magic       u32  0x4c4a5850 ("PXJL")
//    4  version     u16  2 (1: segments written before preallocation, still read)
//    6  headerBytes u16  24
//    8  firstSeq    u64  seq of the segment's first record (also in the file name)
//   16  headerCrc   u32  CRC-32 of bytes [0, 16)
//   20  reserved    u32  0
//
//   record (16 + length bytes)
//    0  length      u32  payload bytes, 1..MAX_PAYLOAD_BYTES; version 2: bit 31 (GROUP_START) marks the
//                        first record of a group commit (one write)
//    4  crc         u32  CRC-32 (IEEE) of bytes [8, 16 + length) — seq AND payload, so a record that
//                        lands at the wrong position (or a flipped seq bit) is caught — and, version 2,
//                        then of bytes [0, 4): the length word with its flag
//    8  seq         u64  1-based, gap-free across segments
//   16  payload     the command record (@perpx/shared/codec/command-record)
//
// A record is valid when its length is in range, it lies inside the file, its seq is the next expected
// one and its crc matches. In version 2 the data ends at the first all-zero frame header when every byte
// after it is zero too (the preallocated tail). Writers never overwrite durable records: a failed write
// is truncated away, and a group is only ever written into zeros or past the end of the file.
import { readU16, readU32, readU64, writeU16, writeU32, writeU64 } from "@perpx/shared/codec/bytes";
import { crc32 } from "@perpx/shared/codec/crc32";
import { checksum } from "./checksum.js";

export const SEGMENT_MAGIC = 0x4c4a5850;
/** the version new segments are written in */
export const SEGMENT_VERSION = 2;
export type SegmentVersion = 1 | 2;
export const SEGMENT_HEADER_BYTES = 24;
const H_MAGIC = 0; //        u32
const H_VERSION = 4; //      u16
const H_HEADER_BYTES = 6; // u16
const H_FIRST_SEQ = 8; //    u64
const H_CRC = 16; //         u32 over [0, 16)
const H_RESERVED = 20; //    u32

export const FRAME_HEADER_BYTES = 16;
export const F_LENGTH = 0; // u32
export const F_CRC = 4; //    u32 over [F_SEQ, FRAME_HEADER_BYTES + length)
export const F_SEQ = 8; //    u64
/** Largest payload a record may hold (1 MiB): a length above it is corruption, not a big record. */
export const MAX_PAYLOAD_BYTES = 1024 * 1024;
/** version 2: bit 31 of the length word, set on the first record of a group commit */
export const GROUP_START = 0x8000_0000;
const LENGTH_BITS = 0x7fff_ffff;

/** A version-2 segment header (the only version written). */
export function segmentHeader(firstSeq: number): Uint8Array {
  const h = new Uint8Array(SEGMENT_HEADER_BYTES);
  writeU32(h, H_MAGIC, SEGMENT_MAGIC);
  writeU16(h, H_VERSION, SEGMENT_VERSION);
  writeU16(h, H_HEADER_BYTES, SEGMENT_HEADER_BYTES);
  writeU64(h, H_FIRST_SEQ, firstSeq);
  writeU32(h, H_CRC, checksum(h, 0, H_CRC));
  writeU32(h, H_RESERVED, 0);
  return h;
}

/** firstSeq and version of a valid header, or a reason it is not one. */
export function parseSegmentHeader(h: Uint8Array): { firstSeq: number; version: SegmentVersion } | string {
  if (h.length < SEGMENT_HEADER_BYTES) return "short header";
  if (readU32(h, H_MAGIC) !== SEGMENT_MAGIC) return "bad magic";
  if (readU32(h, H_CRC) !== checksum(h, 0, H_CRC)) return "bad header checksum";
  const version = readU16(h, H_VERSION);
  if (version !== 1 && version !== 2) return `unsupported version ${version}`;
  if (readU16(h, H_HEADER_BYTES) !== SEGMENT_HEADER_BYTES) return "bad header size";
  if (readU32(h, H_FIRST_SEQ + 4) > 0x1f_ffff) return "bad first seq";
  const seq = readU64(h, H_FIRST_SEQ);
  return seq >= 1 ? { firstSeq: seq, version } : "bad first seq";
}

/** The crc a frame of `version` must carry (its length word already written). */
function frameCrc(buf: Uint8Array, off: number, length: number, version: SegmentVersion): number {
  const body = checksum(buf, off + F_SEQ, off + FRAME_HEADER_BYTES + length);
  return version === 1 ? body : crc32(buf, body, off + F_LENGTH, off + F_LENGTH + 4);
}

/**
 * Fills the (version 2) frame header of a record whose payload is already at buf[off + 16, off + 16 +
 * length); `groupStart` for the first record of a group commit.
 */
export function sealFrame(
  buf: Uint8Array,
  off: number,
  seq: number,
  length: number,
  groupStart: boolean,
): void {
  writeU32(buf, off + F_LENGTH, groupStart ? (length | GROUP_START) >>> 0 : length);
  writeU64(buf, off + F_SEQ, seq);
  writeU32(buf, off + F_CRC, frameCrc(buf, off, length, 2));
}

export const FrameCheck = {
  OK: 0,
  /** fewer than 16 bytes, or the payload runs past the end of the data */
  TRUNCATED: 1,
  /** length 0 or above MAX_PAYLOAD_BYTES */
  BAD_LENGTH: 2,
  /** the seq is not the expected one */
  BAD_SEQ: 3,
  /** checksum mismatch */
  BAD_CRC: 4,
} as const;
export type FrameCheck = (typeof FrameCheck)[keyof typeof FrameCheck];
export const FRAME_CHECK_NAMES = ["OK", "TRUNCATED", "BAD_LENGTH", "BAD_SEQ", "BAD_CRC"] as const;

/**
 * Checks the frame at buf[off, end) that should carry `expectedSeq`. Order matters: a frame whose
 * declared length runs past the end is TRUNCATED before its (unreadable) crc is looked at.
 */
export function checkFrame(
  buf: Uint8Array,
  off: number,
  end: number,
  expectedSeq: number,
  version: SegmentVersion,
): FrameCheck {
  if (end - off < FRAME_HEADER_BYTES) return FrameCheck.TRUNCATED;
  const length = version === 1 ? readU32(buf, off + F_LENGTH) : frameLength(buf, off + F_LENGTH);
  if (length === 0 || length > MAX_PAYLOAD_BYTES) return FrameCheck.BAD_LENGTH;
  if (end - off < FRAME_HEADER_BYTES + length) return FrameCheck.TRUNCATED;
  // a seq above 2^53 is as wrong as any other unexpected seq
  if (readU32(buf, off + F_SEQ + 4) > 0x1f_ffff || readU64(buf, off + F_SEQ) !== expectedSeq)
    return FrameCheck.BAD_SEQ;
  if (readU32(buf, off + F_CRC) !== frameCrc(buf, off, length, version)) return FrameCheck.BAD_CRC;
  return FrameCheck.OK;
}

/** The payload length of the frame at `off` (without the GROUP_START flag). */
export function frameLength(buf: Uint8Array, off: number): number {
  return readU32(buf, off + F_LENGTH) & LENGTH_BITS;
}

/** Version 2: the frame at `off` is the first record of a group commit. */
export function isGroupStart(buf: Uint8Array, off: number): boolean {
  return (readU32(buf, off + F_LENGTH) & GROUP_START) !== 0;
}

export function frameSeq(buf: Uint8Array, off: number): number {
  return readU64(buf, off + F_SEQ);
}

export function segmentFileName(firstSeq: number): string {
  return `journal-${String(firstSeq).padStart(20, "0")}.log`;
}

const NAME_RE = /^journal-(\d{20})\.log$/;

/** firstSeq from a segment file name, or undefined when the name is not a segment's. */
export function parseSegmentFileName(name: string): number | undefined {
  const m = NAME_RE.exec(name);
  if (!m) return undefined;
  const seq = Number(m[1]);
  return Number.isSafeInteger(seq) && seq >= 1 ? seq : undefined;
}

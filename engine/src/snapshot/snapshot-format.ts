// Snapshot file format: `snapshot-<seq, 20 digits>.snap` = 48-byte header + body. Little-endian; u64 =
// safe integer as two u32 halves. The body is the engine state bytes, compressed with `codec`.
//    0  magic      u32  0x4e535850 ("PXSN")
//    4  version    u16  1
//    6  codec      u8   0 none, 1 gzip, 2 brotli
//    7  reserved   u8   0
//    8  seq        u64  the last log seq the state covers (replay resumes at seq + 1)
//   16  rawBytes   u64  state bytes before compression
//   24  bodyBytes  u64  bytes after the header (the file is exactly 48 + bodyBytes long)
//   32  bodyCrc    u32  CRC-32 of the body as stored
//   36  rawCrc     u32  CRC-32 of the state bytes (checked again after decompression)
//   40  headerCrc  u32  CRC-32 of bytes [0, 40)
//   44  reserved   u32  0
import { readU16, readU32, readU64, writeU16, writeU32, writeU64 } from "@perpx/shared/codec/bytes";
import { checksum } from "../log/journal/checksum.js";

export const SNAPSHOT_MAGIC = 0x4e535850;
export const SNAPSHOT_VERSION = 1;
export const SNAPSHOT_HEADER_BYTES = 48;
const S_MAGIC = 0;
const S_VERSION = 4;
const S_CODEC = 6;
const S_SEQ = 8;
const S_RAW_BYTES = 16;
const S_BODY_BYTES = 24;
const S_BODY_CRC = 32;
const S_RAW_CRC = 36;
const S_HEADER_CRC = 40;

export const SnapshotCodec = { NONE: 0, GZIP: 1, BROTLI: 2 } as const;
export type SnapshotCodec = (typeof SnapshotCodec)[keyof typeof SnapshotCodec];
export type SnapshotCodecName = "none" | "gzip" | "brotli";
export const CODEC_BY_NAME: Readonly<Record<SnapshotCodecName, SnapshotCodec>> = {
  none: SnapshotCodec.NONE,
  gzip: SnapshotCodec.GZIP,
  brotli: SnapshotCodec.BROTLI,
};

export interface SnapshotHeader {
  codec: SnapshotCodec;
  seq: number;
  rawBytes: number;
  bodyBytes: number;
  bodyCrc: number;
  rawCrc: number;
}

export function encodeSnapshotHeader(h: SnapshotHeader): Uint8Array {
  const b = new Uint8Array(SNAPSHOT_HEADER_BYTES);
  writeU32(b, S_MAGIC, SNAPSHOT_MAGIC);
  writeU16(b, S_VERSION, SNAPSHOT_VERSION);
  b[S_CODEC] = h.codec;
  writeU64(b, S_SEQ, h.seq);
  writeU64(b, S_RAW_BYTES, h.rawBytes);
  writeU64(b, S_BODY_BYTES, h.bodyBytes);
  writeU32(b, S_BODY_CRC, h.bodyCrc);
  writeU32(b, S_RAW_CRC, h.rawCrc);
  writeU32(b, S_HEADER_CRC, checksum(b, 0, S_HEADER_CRC));
  return b;
}

/** The header, or why these bytes are not a valid one. */
export function decodeSnapshotHeader(b: Uint8Array): SnapshotHeader | string {
  if (b.length < SNAPSHOT_HEADER_BYTES) return "short header";
  if (readU32(b, S_MAGIC) !== SNAPSHOT_MAGIC) return "bad magic";
  if (readU32(b, S_HEADER_CRC) !== checksum(b, 0, S_HEADER_CRC)) return "bad header checksum";
  if (readU16(b, S_VERSION) !== SNAPSHOT_VERSION) return `unsupported version ${readU16(b, S_VERSION)}`;
  const codec = b[S_CODEC]!;
  if (codec > SnapshotCodec.BROTLI) return `unknown codec ${codec}`;
  for (const off of [S_SEQ, S_RAW_BYTES, S_BODY_BYTES])
    if (readU32(b, off + 4) > 0x1f_ffff) return "header field out of range";
  return {
    codec: codec as SnapshotCodec,
    seq: readU64(b, S_SEQ),
    rawBytes: readU64(b, S_RAW_BYTES),
    bodyBytes: readU64(b, S_BODY_BYTES),
    bodyCrc: readU32(b, S_BODY_CRC),
    rawCrc: readU32(b, S_RAW_CRC),
  };
}

export function snapshotFileName(seq: number): string {
  return `snapshot-${String(seq).padStart(20, "0")}.snap`;
}

const NAME_RE = /^snapshot-(\d{20})\.snap$/;
export function parseSnapshotFileName(name: string): number | undefined {
  const m = NAME_RE.exec(name);
  if (!m) return undefined;
  const seq = Number(m[1]);
  return Number.isSafeInteger(seq) ? seq : undefined;
}

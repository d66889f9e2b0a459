// Compression of snapshot bodies: pure functions of bytes, run in a piscina worker (compress-worker.ts)
// or inline. CRCs are computed here too, so the main thread never touches the whole state.
import zlib from "node:zlib";
import { checksum } from "../log/journal/checksum.js";
import { SnapshotCodec } from "./snapshot-format.js";

export interface CompressTask {
  kind: "compress";
  codec: SnapshotCodec;
  /** zlib level 0–9 (gzip) or brotli quality 0–11 */
  level: number;
  data: Uint8Array;
}
export interface CompressResult {
  body: Uint8Array;
  /** length of the input (the caller's copy may have been moved to the worker) */
  rawBytes: number;
  rawCrc: number;
  bodyCrc: number;
  ms: number;
}
export interface DecompressTask {
  kind: "decompress";
  codec: SnapshotCodec;
  body: Uint8Array;
  rawBytes: number;
}
export interface DecompressResult {
  data: Uint8Array;
  rawCrc: number;
  ms: number;
}

export function compress(t: CompressTask): CompressResult {
  const t0 = performance.now();
  let body: Uint8Array;
  switch (t.codec) {
    case SnapshotCodec.NONE:
      body = t.data;
      break;
    case SnapshotCodec.GZIP:
      body = zlib.gzipSync(t.data, { level: t.level });
      break;
    case SnapshotCodec.BROTLI:
      body = zlib.brotliCompressSync(t.data, {
        params: {
          [zlib.constants.BROTLI_PARAM_QUALITY]: t.level,
          [zlib.constants.BROTLI_PARAM_SIZE_HINT]: t.data.length,
        },
      });
      break;
  }
  return {
    body,
    rawBytes: t.data.length,
    rawCrc: checksum(t.data, 0, t.data.length),
    bodyCrc: checksum(body, 0, body.length),
    ms: performance.now() - t0,
  };
}

/** Throws on a body that does not decompress (the caller treats the snapshot as corrupt). */
export function decompress(t: DecompressTask): DecompressResult {
  const t0 = performance.now();
  let data: Uint8Array;
  switch (t.codec) {
    case SnapshotCodec.NONE:
      data = t.body;
      break;
    case SnapshotCodec.GZIP:
      data = zlib.gunzipSync(t.body, { maxOutputLength: Math.max(1, t.rawBytes) });
      break;
    case SnapshotCodec.BROTLI:
      data = zlib.brotliDecompressSync(t.body, { maxOutputLength: Math.max(1, t.rawBytes) });
      break;
  }
  return { data, rawCrc: checksum(data, 0, data.length), ms: performance.now() - t0 };
}

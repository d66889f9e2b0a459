// The record checksum: CRC-32 (IEEE, zlib's). Node's native `zlib.crc32` (added in Node 20.15 / 22.2) when
// the runtime has it — several GB/s — otherwise the pure slicing-by-8 table of @perpx/shared (same values).

import zlib from "node:zlib";
import { crc32 as pureCrc32 } from "@perpx/shared/codec/crc32";

type NativeCrc = (data: Uint8Array, value?: number) => number;
const native: NativeCrc | undefined =
  typeof (zlib as { crc32?: unknown }).crc32 === "function" ? (zlib.crc32 as NativeCrc) : undefined;

/** Which implementation `checksum` uses on this runtime (reported by the benchmark). */
export const CHECKSUM_IMPL: "zlib.crc32" | "pure-ts" = native ? "zlib.crc32" : "pure-ts";

/** CRC-32 of bytes[start, end). */
export function checksum(bytes: Uint8Array, start: number, end: number): number {
  return native ? native(bytes.subarray(start, end)) : pureCrc32(bytes, 0, start, end);
}

/** The pure implementation, always (benchmark and tests). */
export function checksumPure(bytes: Uint8Array, start: number, end: number): number {
  return pureCrc32(bytes, 0, start, end);
}

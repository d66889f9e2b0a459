// The record checksum: CRC-32 (IEEE, zlib's). Two implementations with identical values: Node's native
// `zlib.crc32` (Node ≥ 20.15 / 22.2; ≈4 GB/s on long inputs but ≈150–250 ns per call) and the pure
// slicing-by-8 table of @perpx/shared (≈1 GB/s, no call overhead). Measured on this VM: ≈100 ns vs ≈200 ns
// for a 94-byte PLACE_ORDER frame, equal near 256 bytes, native 3.7× faster at 4 KiB. So short inputs
// (nearly every record) go to the pure one, long ones (segment files, snapshots) to the native one.

import zlib from "node:zlib";
import { crc32 as pureCrc32 } from "@perpx/shared/codec/crc32";

type NativeCrc = (data: Uint8Array, value?: number) => number;
const native: NativeCrc | undefined =
  typeof (zlib as { crc32?: unknown }).crc32 === "function" ? (zlib.crc32 as NativeCrc) : undefined;

/** Below this many bytes the pure implementation is faster than a native call. */
const NATIVE_MIN_BYTES = 256;

/** Which implementation long inputs use on this runtime (reported by the benchmark). */
export const CHECKSUM_IMPL: "zlib.crc32" | "pure-ts" = native ? "zlib.crc32" : "pure-ts";

/** CRC-32 of bytes[start, end). */
export function checksum(bytes: Uint8Array, start: number, end: number): number {
  return native && end - start >= NATIVE_MIN_BYTES
    ? native(bytes.subarray(start, end))
    : pureCrc32(bytes, 0, start, end);
}

/** The pure implementation, always (benchmark and tests). */
export function checksumPure(bytes: Uint8Array, start: number, end: number): number {
  return pureCrc32(bytes, 0, start, end);
}

/** The native implementation when present, always (benchmark). */
export function checksumNative(bytes: Uint8Array, start: number, end: number): number {
  return native ? native(bytes.subarray(start, end)) : pureCrc32(bytes, 0, start, end);
}

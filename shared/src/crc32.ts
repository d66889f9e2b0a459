// CRC-32 (IEEE 802.3, reflected polynomial 0xEDB88320) exactly as zlib's crc32() computes it, in pure
// TypeScript (no Node API: `zlib.crc32` only exists from Node 20.15/22.2, and `shared` does no I/O).
// Used for the depth-stream checksum `cs` (SPEC §9). Strings are hashed as their UTF-8 bytes.

import { crc32 as crc32Bytes } from "./codec/crc32.js";

// Strings are fed to the one table-driven CRC (codec/crc32.ts) in chunks of UTF-8 bytes through a
// reused buffer: no allocation per call for the ASCII strings the depth checksum hashes.
const CHUNK = 1024;
const buf = new Uint8Array(CHUNK + 4);

/**
 * CRC-32 of `data` (a string is taken as UTF-8), continuing from `previous` like zlib:
 * crc32(b, crc32(a)) === crc32(a + b). Returns an unsigned 32-bit integer.
 */
export function crc32(data: string | Uint8Array, previous = 0): number {
  if (typeof data !== "string") return crc32Bytes(data, previous);
  let c = previous;
  let n = 0;
  for (let i = 0; i < data.length; i++) {
    let code = data.charCodeAt(i);
    if (code < 0x80) buf[n++] = code;
    else if (code < 0x800) {
      buf[n++] = 0xc0 | (code >> 6);
      buf[n++] = 0x80 | (code & 0x3f);
    } else {
      // a valid surrogate pair is one 4-byte code point; a lone surrogate becomes U+FFFD like UTF-8 encoders
      if (code >= 0xd800 && code <= 0xdfff) {
        const next = i + 1 < data.length ? data.charCodeAt(i + 1) : 0;
        if (code <= 0xdbff && next >= 0xdc00 && next <= 0xdfff) {
          const cp = 0x10000 + ((code - 0xd800) << 10) + (next - 0xdc00);
          i++;
          buf[n++] = 0xf0 | (cp >> 18);
          buf[n++] = 0x80 | ((cp >> 12) & 0x3f);
          buf[n++] = 0x80 | ((cp >> 6) & 0x3f);
          buf[n++] = 0x80 | (cp & 0x3f);
          if (n >= CHUNK) {
            c = flush(c, n);
            n = 0;
          }
          continue;
        }
        code = 0xfffd;
      }
      buf[n++] = 0xe0 | (code >> 12);
      buf[n++] = 0x80 | ((code >> 6) & 0x3f);
      buf[n++] = 0x80 | (code & 0x3f);
    }
    if (n >= CHUNK) {
      c = flush(c, n);
      n = 0;
    }
  }
  return flush(c, n);
}

function flush(c: number, n: number): number {
  return n === 0 ? c : crc32Bytes(buf, c, 0, n);
}

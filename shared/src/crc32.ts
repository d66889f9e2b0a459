// CRC-32 (IEEE 802.3, reflected polynomial 0xEDB88320) exactly as zlib's crc32() computes it, in pure
// TypeScript (no Node API: `zlib.crc32` only exists from Node 20.15/22.2, and `shared` does no I/O).
// Used for the depth-stream checksum `cs` (SPEC §9). Strings are hashed as their UTF-8 bytes.

const TABLE: Uint32Array = (() => {
  const t = new Uint32Array(256);
  for (let n = 0; n < 256; n++) {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
    t[n] = c >>> 0;
  }
  return t;
})();

/** Feeds one byte into a running (pre-inverted) register. */
function step(c: number, byte: number): number {
  return TABLE[(c ^ byte) & 0xff]! ^ (c >>> 8);
}

/**
 * CRC-32 of `data` (a string is taken as UTF-8), continuing from `previous` like zlib:
 * crc32(b, crc32(a)) === crc32(a + b). Returns an unsigned 32-bit integer.
 */
export function crc32(data: string | Uint8Array, previous = 0): number {
  let c = ~previous;
  if (typeof data !== "string") {
    for (let i = 0; i < data.length; i++) c = step(c, data[i]!);
    return ~c >>> 0;
  }
  for (let i = 0; i < data.length; i++) {
    let code = data.charCodeAt(i);
    if (code < 0x80) {
      c = step(c, code);
      continue;
    }
    if (code < 0x800) {
      c = step(c, 0xc0 | (code >> 6));
      c = step(c, 0x80 | (code & 0x3f));
      continue;
    }
    // a valid surrogate pair is one code point of 4 bytes; a lone surrogate becomes U+FFFD like UTF-8 encoders
    if (code >= 0xd800 && code <= 0xdfff) {
      const next = i + 1 < data.length ? data.charCodeAt(i + 1) : 0;
      if (code <= 0xdbff && next >= 0xdc00 && next <= 0xdfff) {
        const cp = 0x10000 + ((code - 0xd800) << 10) + (next - 0xdc00);
        i++;
        c = step(c, 0xf0 | (cp >> 18));
        c = step(c, 0x80 | ((cp >> 12) & 0x3f));
        c = step(c, 0x80 | ((cp >> 6) & 0x3f));
        c = step(c, 0x80 | (cp & 0x3f));
        continue;
      }
      code = 0xfffd;
    }
    c = step(c, 0xe0 | (code >> 12));
    c = step(c, 0x80 | ((code >> 6) & 0x3f));
    c = step(c, 0x80 | (code & 0x3f));
  }
  return ~c >>> 0;
}

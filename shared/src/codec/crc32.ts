// CRC-32 (IEEE 802.3, reflected polynomial 0xEDB88320, init and final xor 0xFFFFFFFF): the same value as
// zlib's crc32 and Node's `zlib.crc32`. Pure table-driven slicing-by-8 (8 KiB of tables built once):
// used where no native CRC is available (shared code, Node < 20.15); the engine prefers zlib.crc32.

const TABLES: Uint32Array = (() => {
  const t = new Uint32Array(8 * 256);
  for (let n = 0; n < 256; n++) {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
    t[n] = c;
  }
  for (let n = 0; n < 256; n++) {
    let c = t[n]!;
    for (let k = 1; k < 8; k++) {
      c = t[c & 0xff]! ^ (c >>> 8);
      t[k * 256 + n] = c;
    }
  }
  return t;
})();

/**
 * CRC-32 of bytes[start, end), continuing from `prev` (the CRC of what came before; 0 to start), like
 * `zlib.crc32(data, prev)`. Returns an unsigned 32-bit integer.
 */
export function crc32(bytes: Uint8Array, prev = 0, start = 0, end = bytes.length): number {
  const t = TABLES;
  let c = ~prev;
  let i = start;
  // 8 bytes per step: two table lookups chains merged (Intel slicing-by-8)
  for (; i + 8 <= end; i += 8) {
    const a = c ^ (bytes[i]! | (bytes[i + 1]! << 8) | (bytes[i + 2]! << 16) | (bytes[i + 3]! << 24));
    const b = bytes[i + 4]! | (bytes[i + 5]! << 8) | (bytes[i + 6]! << 16) | (bytes[i + 7]! << 24);
    c =
      t[1792 + (a & 0xff)]! ^
      t[1536 + ((a >>> 8) & 0xff)]! ^
      t[1280 + ((a >>> 16) & 0xff)]! ^
      t[1024 + (a >>> 24)]! ^
      t[768 + (b & 0xff)]! ^
      t[512 + ((b >>> 8) & 0xff)]! ^
      t[256 + ((b >>> 16) & 0xff)]! ^
      t[b >>> 24]!;
  }
  for (; i < end; i++) {
    const x = bytes[i]!;
    c = t[(c ^ x) & 0xff]! ^ (c >>> 8);
  }
  return ~c >>> 0;
}

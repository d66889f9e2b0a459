// Little-endian integer and string primitives over plain Uint8Array (pure: no Buffer, no DataView on the
// hot path, no BigInt). u64 values are safe integers (< 2^53) written as two u32 halves, low half first.
import { CodecError } from "./codec-error.js";

const TWO_32 = 0x1_0000_0000;
/** Largest high half of a safe u64: 2^53 − 1 = (2^21 − 1) × 2^32 + (2^32 − 1). */
const MAX_SAFE_HI = 0x1f_ffff;

export function writeU8(buf: Uint8Array, off: number, v: number): void {
  buf[off] = v;
}

export function writeU16(buf: Uint8Array, off: number, v: number): void {
  buf[off] = v & 0xff;
  buf[off + 1] = (v >>> 8) & 0xff;
}

export function writeU32(buf: Uint8Array, off: number, v: number): void {
  buf[off] = v & 0xff;
  buf[off + 1] = (v >>> 8) & 0xff;
  buf[off + 2] = (v >>> 16) & 0xff;
  buf[off + 3] = (v >>> 24) & 0xff;
}

/** v must be a safe non-negative integer (checked by the caller's validation). */
export function writeU64(buf: Uint8Array, off: number, v: number): void {
  const hi = Math.floor(v / TWO_32);
  writeU32(buf, off, v - hi * TWO_32);
  writeU32(buf, off + 4, hi);
}

export function readU16(buf: Uint8Array, off: number): number {
  return buf[off]! | (buf[off + 1]! << 8);
}

export function readU32(buf: Uint8Array, off: number): number {
  return (buf[off]! | (buf[off + 1]! << 8) | (buf[off + 2]! << 16)) + buf[off + 3]! * 0x100_0000;
}

/** Reads a u64 that must be a safe integer; a larger value is corrupt data (BAD_VALUE). */
export function readU64(buf: Uint8Array, off: number): number {
  const hi = readU32(buf, off + 4);
  if (hi > MAX_SAFE_HI) throw new CodecError("BAD_VALUE", `u64 at ${off} is not a safe integer`);
  return hi * TWO_32 + readU32(buf, off);
}

export function isSafeU64(v: number): boolean {
  return Number.isSafeInteger(v) && v >= 0;
}

export function isU32(v: number): boolean {
  return Number.isInteger(v) && v >= 0 && v <= 0xffff_ffff;
}

/** Writes an ASCII string's bytes (no length); the caller checked `isAscii` and the room. */
export function writeAscii(buf: Uint8Array, off: number, s: string): void {
  for (let i = 0; i < s.length; i++) buf[off + i] = s.charCodeAt(i);
}

export function isAscii(s: string): boolean {
  for (let i = 0; i < s.length; i++) if (s.charCodeAt(i) > 0x7f) return false;
  return true;
}

/** Reads `len` ASCII bytes; a byte ≥ 0x80 is BAD_STRING. */
export function readAscii(buf: Uint8Array, off: number, len: number): string {
  let s = "";
  for (let i = 0; i < len; i++) {
    const c = buf[off + i]!;
    if (c > 0x7f) throw new CodecError("BAD_STRING", `non-ASCII byte at ${off + i}`);
    s += String.fromCharCode(c);
  }
  return s;
}

/** UTF-8 byte length of a string; lone surrogates count as U+FFFD (3 bytes), as TextEncoder does. */
export function utf8Length(s: string): number {
  let n = 0;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c < 0x80) n += 1;
    else if (c < 0x800) n += 2;
    else if (c >= 0xd800 && c <= 0xdbff && i + 1 < s.length && isLowSurrogate(s.charCodeAt(i + 1))) {
      n += 4;
      i++;
    } else n += 3;
  }
  return n;
}

function isLowSurrogate(c: number): boolean {
  return c >= 0xdc00 && c <= 0xdfff;
}

/** Writes s as UTF-8 at off (room of utf8Length(s) checked by the caller); returns bytes written. */
export function writeUtf8(buf: Uint8Array, off: number, s: string): number {
  let p = off;
  for (let i = 0; i < s.length; i++) {
    let c = s.charCodeAt(i);
    if (c < 0x80) {
      buf[p++] = c;
      continue;
    }
    if (c < 0x800) {
      buf[p++] = 0xc0 | (c >> 6);
      buf[p++] = 0x80 | (c & 0x3f);
      continue;
    }
    if (c >= 0xd800 && c <= 0xdfff) {
      const d = i + 1 < s.length ? s.charCodeAt(i + 1) : 0;
      if (c <= 0xdbff && isLowSurrogate(d)) {
        const cp = 0x10000 + ((c - 0xd800) << 10) + (d - 0xdc00);
        buf[p++] = 0xf0 | (cp >> 18);
        buf[p++] = 0x80 | ((cp >> 12) & 0x3f);
        buf[p++] = 0x80 | ((cp >> 6) & 0x3f);
        buf[p++] = 0x80 | (cp & 0x3f);
        i++;
        continue;
      }
      c = 0xfffd;
    }
    buf[p++] = 0xe0 | (c >> 12);
    buf[p++] = 0x80 | ((c >> 6) & 0x3f);
    buf[p++] = 0x80 | (c & 0x3f);
  }
  return p - off;
}

/** Strict UTF-8 decoder: overlong forms, surrogates, code points > U+10FFFF and truncation are BAD_STRING. */
export function readUtf8(buf: Uint8Array, off: number, len: number): string {
  const end = off + len;
  const units: number[] = [];
  let s = "";
  let p = off;
  while (p < end) {
    const b0 = buf[p]!;
    let cp: number;
    if (b0 < 0x80) {
      cp = b0;
      p += 1;
    } else if (b0 >= 0xc2 && b0 <= 0xdf) {
      cp = ((b0 & 0x1f) << 6) | cont(buf, p + 1, end);
      p += 2;
    } else if (b0 >= 0xe0 && b0 <= 0xef) {
      cp = ((b0 & 0x0f) << 12) | (cont(buf, p + 1, end) << 6) | cont(buf, p + 2, end);
      if (cp < 0x800 || (cp >= 0xd800 && cp <= 0xdfff)) throw badUtf8(p);
      p += 3;
    } else if (b0 >= 0xf0 && b0 <= 0xf4) {
      cp =
        ((b0 & 0x07) << 18) |
        (cont(buf, p + 1, end) << 12) |
        (cont(buf, p + 2, end) << 6) |
        cont(buf, p + 3, end);
      if (cp < 0x10000 || cp > 0x10ffff) throw badUtf8(p);
      p += 4;
    } else throw badUtf8(p);
    if (cp >= 0x10000) {
      cp -= 0x10000;
      units.push(0xd800 + (cp >> 10), 0xdc00 + (cp & 0x3ff));
    } else units.push(cp);
    // flush in chunks: fromCharCode.apply has an argument-count limit
    if (units.length >= 4096) {
      s += String.fromCharCode.apply(null, units);
      units.length = 0;
    }
  }
  return s + String.fromCharCode.apply(null, units);
}

function cont(buf: Uint8Array, p: number, end: number): number {
  if (p >= end) throw new CodecError("BAD_STRING", "truncated UTF-8 sequence");
  const b = buf[p]!;
  if ((b & 0xc0) !== 0x80) throw badUtf8(p);
  return b & 0x3f;
}

function badUtf8(p: number): CodecError {
  return new CodecError("BAD_STRING", `invalid UTF-8 at ${p}`);
}

/** Lower-case hex of bytes (tests, diagnostics). */
export function toHex(bytes: Uint8Array): string {
  let s = "";
  for (let i = 0; i < bytes.length; i++) s += bytes[i]!.toString(16).padStart(2, "0");
  return s;
}

export function fromHex(hex: string): Uint8Array {
  const clean = hex.replace(/\s+/g, "");
  if (clean.length % 2 !== 0 || /[^0-9a-f]/i.test(clean)) throw new CodecError("BAD_VALUE", "bad hex");
  const out = new Uint8Array(clean.length / 2);
  for (let i = 0; i < out.length; i++) out[i] = Number.parseInt(clean.slice(2 * i, 2 * i + 2), 16);
  return out;
}

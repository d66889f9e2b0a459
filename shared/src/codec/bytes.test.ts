import assert from "node:assert/strict";
import { test } from "node:test";
import { readU32, readU64, readUtf8, utf8Length, writeU32, writeU64, writeUtf8 } from "./bytes.js";
import { CodecError } from "./codec-error.js";

test("u32/u64 little-endian round-trip at the edges", () => {
  const b = new Uint8Array(8);
  for (const v of [0, 1, 0xff, 0x1_0000, 0x7fff_ffff, 0x8000_0000, 0xffff_ffff]) {
    writeU32(b, 0, v);
    assert.equal(readU32(b, 0), v);
  }
  for (const v of [0, 1, 2 ** 32 - 1, 2 ** 32, 2 ** 32 + 1, 2 ** 52 + 3, 2 ** 53 - 1]) {
    writeU64(b, 0, v);
    assert.equal(readU64(b, 0), v);
    assert.equal(Buffer.from(b).readBigUInt64LE(0), BigInt(v));
  }
  b.fill(0);
  b[6] = 0x20; // 2^53
  assert.throws(() => readU64(b, 0), CodecError);
});

test("UTF-8 matches TextEncoder/TextDecoder, and invalid sequences are refused", () => {
  for (const s of ["", "abc", "é", "€", "𝄞", "a\u0000b", "\ud800", "x\udc00y", "日本語テキスト"]) {
    const expected = new TextEncoder().encode(s);
    assert.equal(utf8Length(s), expected.length, s);
    const out = new Uint8Array(expected.length);
    assert.equal(writeUtf8(out, 0, s), expected.length);
    assert.deepEqual(out, expected);
    assert.equal(readUtf8(out, 0, out.length), new TextDecoder().decode(expected));
  }
  const long = "ab€".repeat(5000);
  const lb = new TextEncoder().encode(long);
  assert.equal(readUtf8(lb, 0, lb.length), long);
  for (const bad of [
    [0x80],
    [0xc0, 0x80],
    [0xe0, 0x80, 0x80],
    [0xed, 0xa0, 0x80],
    [0xf4, 0x90, 0x80, 0x80],
    [0xe2, 0x82],
  ]) {
    assert.throws(() => readUtf8(Uint8Array.from(bad), 0, bad.length), CodecError, JSON.stringify(bad));
  }
});

import assert from "node:assert/strict";
import { test } from "node:test";
import * as zlib from "node:zlib";
import { crc32 } from "./crc32.js";

test("crc32 known answers (IEEE / zlib)", () => {
  assert.equal(crc32(""), 0);
  assert.equal(crc32("a"), 0xe8b7be43);
  assert.equal(crc32("123456789"), 0xcbf43926);
  assert.equal(crc32("The quick brown fox jumps over the lazy dog"), 0x414fa339);
  assert.equal(crc32(new Uint8Array([0, 0, 0, 0])), 0x2144df1c);
  assert.equal(crc32(new Uint8Array([0xff, 0xff, 0xff, 0xff])), 0xffffffff);
  // a depth checksum input as the stream builds it (b1p:b1q:a1p:a1q)
  assert.equal(crc32("50000.0:1.000:50000.1:2.500"), 0x369eebea);
});

test("crc32 is chainable like zlib: crc32(b, crc32(a)) = crc32(a + b)", () => {
  const a = "50000.0:1.000:";
  const b = "50000.1:2.500";
  assert.equal(crc32(b, crc32(a)), crc32(a + b));
});

test("crc32 of strings hashes their UTF-8 bytes", () => {
  for (const s of ["é", "€", "𝄞", "a€b𝄞c", "\ud800x"]) {
    assert.equal(crc32(s), crc32(new Uint8Array(Buffer.from(s, "utf8"))), s);
  }
});

test("crc32 agrees with zlib on random inputs", (t) => {
  const z = (zlib as { crc32?: (d: string | Uint8Array, v?: number) => number }).crc32;
  if (!z) {
    t.skip("zlib.crc32 is not in this Node version");
    return;
  }
  let seed = 12345;
  const rnd = () => {
    seed = (seed * 1103515245 + 12345) >>> 0;
    return seed;
  };
  for (let i = 0; i < 500; i++) {
    const bytes = new Uint8Array(rnd() % 300);
    for (let j = 0; j < bytes.length; j++) bytes[j] = rnd() & 0xff;
    assert.equal(crc32(bytes), z(bytes));
    const text = Array.from({ length: rnd() % 80 }, () => String.fromCharCode(32 + (rnd() % 95))).join("");
    assert.equal(crc32(text), z(text));
    assert.equal(crc32(text, 7), z(text, 7));
  }
});

import assert from "node:assert/strict";
import { test } from "node:test";
import zlib from "node:zlib";
import { crc32 } from "./crc32.js";

test("crc32 check value and agreement with zlib on random data, lengths and chaining", () => {
  assert.equal(crc32(new TextEncoder().encode("123456789")), 0xcbf43926);
  assert.equal(crc32(new Uint8Array(0)), 0);
  const data = new Uint8Array(4099);
  for (let i = 0; i < data.length; i++) data[i] = (i * 2654435761) >>> 24;
  for (const n of [1, 7, 8, 9, 63, 64, 1000, 4099]) {
    const part = data.subarray(0, n);
    assert.equal(crc32(part), zlib.crc32(part), `length ${n}`);
  }
  // continuing from a previous value, and over a sub-range
  const whole = crc32(data);
  assert.equal(crc32(data, crc32(data, 0, 0, 1000), 1000), whole);
  assert.equal(crc32(data, 0, 17, 300), zlib.crc32(data.subarray(17, 300)));
});

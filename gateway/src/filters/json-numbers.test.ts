import assert from "node:assert/strict";
import { test } from "node:test";
import { numberText, scanJsonNumbers } from "./json-numbers.js";

test("numberText is the shortest decimal, never exponent notation", () => {
  assert.equal(numberText(50000.05), "50000.05");
  assert.equal(numberText(50000.1), "50000.1");
  assert.equal(numberText(1e-7), "0.0000001");
  assert.equal(numberText(1.5e-10), "0.00000000015");
  assert.equal(numberText(-0), "0");
  assert.equal(numberText(1e21), "1000000000000000000000");
  assert.equal(numberText(-2.5e-7), "-0.00000025");
});

test("scanJsonNumbers flags literals that cannot be read exactly and skips strings", () => {
  const bad = (t: string) => scanJsonNumbers(t)?.why;
  assert.equal(bad(`{"a":50000.05,"b":[1,2,-3.5],"c":"1e5 \\" 9e9"}`), undefined);
  assert.equal(bad(`{"a":1e5}`), "exponent notation");
  assert.equal(bad(`{"a":1.5E-3}`), "exponent notation");
  assert.equal(bad(`{"a":0.1234567890123456789}`), "more than 18 decimals");
  assert.equal(bad(`{"a":9007199254740992}`), "beyond 2^53");
  assert.equal(bad(`{"a":9007199254740991}`), undefined);
  assert.equal(bad(`{"a":12345678901234567890}`), "beyond 2^53");
  assert.equal(bad(`{"a":1.00000000000000001}`), "not exactly representable");
  assert.equal(bad(`{"a":0.30000000000000004}`), undefined); // 17 digits, but it is the double's shortest text
  assert.equal(bad(`{"a":50000.100000000000}`), undefined); // trailing zeros
  assert.equal(bad(`[true,false,null,"-1e9"]`), undefined);
});

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

test("scanJsonNumbers: escaped quotes, backslash runs, numbers next to strings, top-level numbers", () => {
  const bad = (t: string) => scanJsonNumbers(t)?.literal;
  assert.equal(bad(`{"a\\"":1e5}`), "1e5"); // an escaped quote inside a key
  assert.equal(bad(`{"a\\\\":1e5}`), "1e5"); // an escaped backslash, then the closing quote
  assert.equal(bad(`{"a\\\\\\"1e5":2}`), undefined); // \\ then \" : still inside the string
  assert.equal(bad(`["\\\\\\\\",1E2]`), "1E2");
  assert.equal(bad(`"1e5"`), undefined);
  assert.equal(bad("1e5"), "1e5");
  assert.equal(bad("-0.5"), undefined);
  assert.equal(bad(`[1,"x",2,"y",3e1]`), "3e1");
  assert.equal(bad(`{"a":[{"b":"c"},{"d":-9007199254740993}]}`), "-9007199254740993");
  assert.equal(bad(`{"é€😀":"1e9","n":1.5}`), undefined);
  assert.equal(bad(""), undefined);
  // whitespace between the structure and the number
  assert.equal(bad(`{"a" : \n\t 1e5}`), "1e5");
  assert.equal(bad(`[ \r\n -1e5]`), "-1e5");
  assert.equal(bad(` 1e5 `), "1e5");
  assert.equal(bad(`{"x:1e5":"[1e5",\n"y":[true, 2E1]}`), "2E1");
  assert.equal(bad(`{"x:1e5":"[1e5"}`), undefined);
});

/** A character-by-character scan of every literal, as the reference for the pre-filtered one. */
function referenceScan(text: string): string | undefined {
  let i = 0;
  while (i < text.length) {
    const c = text.charCodeAt(i);
    if (c === 34) {
      i++;
      while (i < text.length) {
        const d = text.charCodeAt(i);
        if (d === 92) i += 2;
        else if (d === 34) break;
        else i++;
      }
      i++;
    } else if (c === 45 || (c >= 48 && c <= 57)) {
      const start = i;
      while (i < text.length && /[0-9.eE+-]/.test(text[i] as string)) i++;
      const why = scanJsonNumbers(text.slice(start, i))?.why;
      if (why) return text.slice(start, i);
    } else i++;
  }
  return undefined;
}

test("scanJsonNumbers (pre-filtered) agrees with a full character-by-character scan on random JSON", () => {
  let seed = 7;
  const rnd = (n: number) => {
    seed = (seed * 1103515245 + 12345) >>> 0;
    return seed % n;
  };
  const numbers = [
    "0",
    "-0",
    "1",
    "50000.05",
    "1e5",
    "-2.5E-3",
    "9007199254740993",
    "0.1234567890123456789",
    "12.50",
  ];
  const strChars = ['\\"', "\\\\", "a", "1", "e", "-", "é", "\\u0022", " "];
  const str = () => `"${Array.from({ length: rnd(6) }, () => strChars[rnd(strChars.length)]).join("")}"`;
  const value = (depth: number): string => {
    const k = rnd(depth > 2 ? 3 : 5);
    if (k === 0) return numbers[rnd(numbers.length)] as string;
    if (k === 1) return str();
    if (k === 2) return ["true", "false", "null"][rnd(3)] as string;
    const ws = () => [" ", "", "\n", "\t ", "\r\n"][rnd(5)] as string;
    if (k === 3) return `[${Array.from({ length: rnd(4) }, () => ws() + value(depth + 1)).join(",")}]`;
    return `{${Array.from({ length: rnd(4) }, () => `${str()}${ws()}:${ws()}${value(depth + 1)}`).join(",")}}`;
  };
  for (let i = 0; i < 5000; i++) {
    const text = value(0);
    JSON.parse(text); // only valid JSON is scanned
    assert.equal(scanJsonNumbers(text)?.literal, referenceScan(text), text);
  }
});

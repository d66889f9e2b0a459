import assert from "node:assert/strict";
import { test } from "node:test";
import { parseDecimal } from "@perpx/shared/fixed";
import { shortUnits } from "./decimals.js";

/** shortUnits must answer exactly as parseDecimal where it answers at all. */
function agrees(t: string, decimals: number): boolean {
  const fast = shortUnits(t, decimals);
  if (fast === undefined) return false;
  const slow = parseDecimal(t, decimals);
  assert.ok(slow.ok, `${t} @${decimals}: fast ${fast}, slow refuses`);
  assert.ok(Object.is(fast, slow.units), `${t} @${decimals}: fast ${fast}, slow ${slow.units}`);
  return true;
}

test("shortUnits: the common forms, leading zeros, -0, trailing zeros beyond the decimals", () => {
  assert.equal(shortUnits("50000.0", 1), 500_000);
  assert.equal(shortUnits("0.010", 3), 10);
  assert.equal(shortUnits("0.01", 3), 10);
  assert.equal(shortUnits("7", 2), 700);
  assert.equal(shortUnits("007.50", 1), 75);
  assert.ok(Object.is(shortUnits("-0", 2), 0));
  assert.ok(Object.is(shortUnits("-0.000", 2), 0));
  assert.equal(shortUnits("-12.5", 1), -125);
  assert.equal(shortUnits("1.2300000000", 2), 123);
  assert.equal(shortUnits("9007199254740991", 0), Number.MAX_SAFE_INTEGER);
  for (const t of ["50000.0", "0.010", "7", "007.50", "-0", "-12.5", "1.2300000000"]) {
    for (let d = 0; d <= 8; d++) agrees(t, d);
  }
});

test("shortUnits leaves every other form to parseDecimal (which keeps its catalog errors)", () => {
  const cases: [string, number][] = [
    ["", 2],
    ["-", 2],
    [".5", 2],
    ["5.", 2],
    ["+5", 2],
    ["1e5", 0],
    ["1E-2", 2],
    [" 1", 2],
    ["1 ", 2],
    ["1..2", 2],
    ["--1", 2],
    ["0x10", 0],
    ["١", 0],
    ["1.25", 1], // too many decimals
    ["9007199254740992", 0], // beyond 2^53
    ["90071992547409.91", 3], // beyond 2^53 in units
    ["12345678901234567", 0], // longer than the short form
    ["0.0000000000000000001", 2], // more than 18 decimals
  ];
  for (const [t, d] of cases) assert.equal(shortUnits(t, d), undefined, t);
});

test("shortUnits agrees with parseDecimal on 200 000 random texts", () => {
  let seed = 99;
  const rnd = (n: number) => {
    seed = (seed * 1103515245 + 12345) >>> 0;
    return seed % n;
  };
  const alphabet = "0000123456789..-eE+ ";
  let answered = 0;
  for (let i = 0; i < 200_000; i++) {
    let t: string;
    if (i % 2 === 0) {
      // mostly well-formed: [-]int[.frac]
      const int = Array.from({ length: 1 + rnd(i % 10 === 0 ? 17 : 8) }, () => rnd(10)).join("");
      const frac = Array.from({ length: rnd(12) }, () => rnd(10)).join("");
      t = `${rnd(5) === 0 ? "-" : ""}${int}${frac ? `.${frac}` : ""}`;
    } else t = Array.from({ length: rnd(18) }, () => alphabet[rnd(alphabet.length)]).join("");
    if (agrees(t, rnd(10))) answered++;
  }
  assert.ok(answered > 20_000, `the fast path answered ${answered}`);
});

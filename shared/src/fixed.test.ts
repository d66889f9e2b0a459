import assert from "node:assert/strict";
import { test } from "node:test";
import {
  decimalsOf,
  FixedOverflowError,
  formatDecimal,
  formatMoney,
  formatRate,
  mul,
  mulDiv,
  parseDecimal,
} from "./fixed.js";

test("parseDecimal reads exact units and pads", () => {
  assert.deepEqual(parseDecimal("50000.10", 1), { ok: true, units: 500001 });
  assert.deepEqual(parseDecimal("50000", 1), { ok: true, units: 500000 });
  assert.deepEqual(parseDecimal("0.001", 3), { ok: true, units: 1 });
  assert.deepEqual(parseDecimal("-1.5", 2), { ok: true, units: -150 });
  assert.deepEqual(parseDecimal("-0.0", 2), { ok: true, units: 0 });
});

test("parseDecimal rejects what cannot be read exactly", () => {
  assert.deepEqual(parseDecimal("50000.05", 1), { ok: false, reason: "TOO_MANY_DECIMALS" });
  assert.deepEqual(parseDecimal("1e5", 1), { ok: false, reason: "INVALID_PRECISION" });
  assert.deepEqual(parseDecimal("1.0000000000000000001", 1), { ok: false, reason: "INVALID_PRECISION" });
  assert.deepEqual(parseDecimal("9007199254740992", 0), { ok: false, reason: "INVALID_PRECISION" });
  assert.deepEqual(parseDecimal("900719925474099.2", 1), { ok: false, reason: "INVALID_PRECISION" });
  assert.deepEqual(parseDecimal("abc", 1), { ok: false, reason: "INVALID_PARAMETER" });
  assert.deepEqual(parseDecimal(".5", 1), { ok: false, reason: "INVALID_PARAMETER" });
  assert.deepEqual(parseDecimal("", 1), { ok: false, reason: "INVALID_PARAMETER" });
});

test("formatDecimal writes exactly the decimals", () => {
  assert.equal(formatDecimal(500000, 1), "50000.0");
  assert.equal(formatDecimal(5, 3), "0.005");
  assert.equal(formatDecimal(-5, 3), "-0.005");
  assert.equal(formatDecimal(0, 3), "0.000");
  assert.equal(formatDecimal(42, 0), "42");
  assert.equal(formatMoney(25_000_000), "25.000000");
  assert.equal(formatRate(10_000), "0.00010000");
  assert.equal(decimalsOf("0.10"), 1);
  assert.equal(decimalsOf("0.001"), 3);
  assert.equal(decimalsOf("1"), 0);
});

test("mulDiv rounds as asked, for both signs", () => {
  assert.equal(mulDiv(7, 1, 2, "floor"), 3);
  assert.equal(mulDiv(7, 1, 2, "ceil"), 4);
  assert.equal(mulDiv(-7, 1, 2, "floor"), -4);
  assert.equal(mulDiv(-7, 1, 2, "ceil"), -3);
  assert.equal(mulDiv(-7, 1, 2, "trunc"), -3);
  assert.equal(mulDiv(5, 1, 2, "halfUp"), 3);
  assert.equal(mulDiv(-5, 1, 2, "halfUp"), -2);
  assert.equal(mulDiv(-13, 1, 5, "halfUp"), -3);
  assert.equal(mulDiv(6, 1, 3, "ceil"), 2);
});

test("mulDiv is exact past 2^53 intermediates (BigInt path) and agrees with BigInt everywhere", () => {
  // fee = notional × rate / 1e8 with notional 5e13 micro and rate 5e4: product 2.5e18
  assert.equal(mulDiv(50_000_000_000_001, 50_000, 100_000_000, "ceil"), 25_000_000_001);
  assert.equal(mulDiv(50_000_000_000_001, 50_000, 100_000_000, "floor"), 25_000_000_000);
  let x = 12345;
  const rnd = () => {
    x = (x * 1103515245 + 12345) % 2147483648;
    return x;
  };
  for (let i = 0; i < 20000; i++) {
    const a = ((rnd() * rnd()) % 2 ** 40) * (rnd() % 2 ? 1 : -1);
    const b = rnd() % 100_000_000;
    const d = (rnd() % 1_000_000) + 1;
    for (const mode of ["floor", "ceil", "trunc", "halfUp"] as const) {
      const n = BigInt(a) * BigInt(b);
      const D = BigInt(d);
      let want: bigint;
      const q = n / D;
      const r = n % D;
      if (mode === "trunc" || r === 0n) want = q;
      else if (mode === "floor") want = n < 0n ? q - 1n : q;
      else if (mode === "ceil") want = n > 0n ? q + 1n : q;
      else want = (n * 2n + D) / (2n * D) - ((n * 2n + D) % (2n * D) < 0n ? 1n : 0n);
      if (want <= 9007199254740991n && want >= -9007199254740991n) {
        assert.equal(mulDiv(a, b, d, mode), Number(want), `${a}*${b}/${d} ${mode}`);
      }
    }
  }
});

test("overflow is an error, never a wrap", () => {
  assert.throws(() => mul(2 ** 40, 2 ** 20), FixedOverflowError);
  assert.throws(
    () => mulDiv(2 ** 52, 2 ** 20, 1, "floor"),
    (e: unknown) => FixedOverflowError.is(e),
  );
});

import assert from "node:assert/strict";
import { test } from "node:test";
import { HTTP_ERRORS, REJECT_REASON_DESCRIPTIONS, RejectReason, rejectReasonName } from "./errors.js";

test("catalog codes are unique and every entry is described", () => {
  const codes = Object.values(HTTP_ERRORS).map((e) => e.code);
  assert.equal(new Set(codes).size, codes.length);
  for (const [name, e] of Object.entries(HTTP_ERRORS)) {
    assert.ok(e.description.length > 10, `${name} has a description`);
    assert.ok(e.http >= 400 && e.http < 600, `${name} has an HTTP error status`);
  }
});

test("SPEC §8.4 names exist with their statuses", () => {
  const want: Record<string, number> = {
    INVALID_PARAMETER: 400,
    INVALID_PRECISION: 400,
    UNKNOWN_SYMBOL: 400,
    INVALID_TICK_SIZE: 400,
    INVALID_LOT_SIZE: 400,
    MIN_NOTIONAL: 400,
    PRICE_OUT_OF_BAND: 400,
    UNAUTHORIZED: 401,
    INVALID_SIGNATURE: 401,
    TIMESTAMP_OUTSIDE_WINDOW: 401,
    REPLAYED_REQUEST: 401,
    FORBIDDEN: 403,
    ORDER_NOT_FOUND: 404,
    RATE_LIMITED: 429,
    ENGINE_UNAVAILABLE: 503,
    LOG_UNAVAILABLE: 503,
  };
  for (const [name, http] of Object.entries(want)) {
    assert.equal(HTTP_ERRORS[name as keyof typeof HTTP_ERRORS]?.http, http, name);
  }
});

test("reject reasons are unique, named and described (SPEC §8.5)", () => {
  const values = Object.values(RejectReason);
  assert.equal(new Set(values).size, values.length);
  for (const [name, code] of Object.entries(RejectReason)) {
    assert.equal(rejectReasonName(code), name);
    assert.ok(REJECT_REASON_DESCRIPTIONS[name as keyof typeof RejectReason]);
  }
  assert.throws(() => rejectReasonName(250));
});

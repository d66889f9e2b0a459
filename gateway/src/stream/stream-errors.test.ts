import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { test } from "node:test";
import { HTTP_ERRORS } from "@perpx/shared/errors";
import { CLOSE_CODES, CLOSE_REASONS, errorReply, STREAM_ERRORS } from "./stream-errors.js";

const doc = readFileSync(new URL("../../../../docs/stream.md", import.meta.url), "utf8");

test("stream error codes are unique, shared names keep the REST code, and all are documented", () => {
  const codes = Object.values(STREAM_ERRORS).map((e) => e.code);
  assert.equal(new Set(codes).size, codes.length);
  assert.equal(Object.keys(STREAM_ERRORS).length, 14, "a new code needs a docs/stream.md row");
  const restCodes = new Map<number, string>(Object.entries(HTTP_ERRORS).map(([n, e]) => [e.code, n]));
  for (const [name, e] of Object.entries(STREAM_ERRORS)) {
    const rest = restCodes.get(e.code);
    assert.ok(rest === undefined || rest === name, `${name} reuses REST code ${e.code} of ${rest}`);
    if (rest === undefined) assert.ok(e.code >= 6000 && e.code < 7000, `${name}: stream-only codes are 6xxx`);
    assert.match(doc, new RegExp(`\\| ${name} \\| ${e.code} \\|`), `${name} documented`);
  }
});

test("close codes are private-use (or 1001) and documented", () => {
  for (const [name, code] of Object.entries(CLOSE_CODES)) {
    assert.ok(code === 1001 || (code >= 4000 && code < 5000));
    assert.ok(CLOSE_REASONS[name as keyof typeof CLOSE_CODES].length <= 123, "fits a close frame");
    assert.match(doc, new RegExp(`\\| ${code} \\| ${name} \\|`), `${name} documented`);
  }
});

test("error replies echo op and id", () => {
  assert.equal(errorReply("UNKNOWN_OP", "x"), '{"error":{"code":6000,"name":"UNKNOWN_OP","msg":"x"}}');
  assert.equal(
    errorReply("AUTH_REQUIRED", "y", "subscribe", 4),
    '{"op":"subscribe","id":4,"error":{"code":6003,"name":"AUTH_REQUIRED","msg":"y"}}',
  );
});

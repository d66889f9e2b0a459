// MatchReport's record store. It was a number[] that changed its elements kind (small integers →
// doubles) the first time a record carried a double (a level's price or total read from the book's
// Float64Array columns); at a timing-dependent point relative to V8's concurrent compiler that let
// optimized code drop TRADE records, so the sequencer kept makers the book had filled ("book does not
// hold order … the sequencer holds", execute-ahead-slices.test.ts, about 1 process in 10 under
// `--interrupt-budget=3000`; `node --interrupt-budget=3000 scripts/stream-determinism.mjs` shows it).
// These tests pin the store to one representation for good, and its growth and reuse.
import assert from "node:assert/strict";
import { test } from "node:test";
import { Side } from "@perpx/shared/domain";
import { PlaceOutcome, RemoveReason } from "../matcher/book-api.js";
import { MatchReport, REPORT_STRIDE, ReportKind } from "./match-port.js";

test("MatchReport: records live in a Float64Array that a double does not change", () => {
  const report = new MatchReport();
  const store = report.data;
  assert.ok(store instanceof Float64Array, "one representation whatever the values (no elements kinds)");
  report.level(Side.BUY, 500_000, 12, 1); // small integers
  const column = new Float64Array([284_857.0, 1_006.0]); // as the book's price and total columns give them
  report.level(Side.SELL, column[0]!, column[1]!, 2);
  report.trade(7, 3, 8, 4, Side.BUY, 500_000, 0.5, 2 ** 40); // a fraction and a large integer
  assert.equal(report.data, store, "the store is the same object: nothing was converted");
  assert.equal(report.count, 3);
  assert.equal(report.kind(2), ReportKind.TRADE);
  assert.equal(report.field(2, 7), 0.5);
  assert.equal(report.field(2, 8), 2 ** 40);
  assert.deepEqual(report.records().slice(REPORT_STRIDE, 2 * REPORT_STRIDE), [
    ReportKind.LEVEL,
    Side.SELL,
    284_857,
    1_006,
    2,
    0,
    0,
    0,
    0,
  ]);
});

test("MatchReport: grows by whole records, keeps them, and is overwritten in place after clear()", () => {
  const report = new MatchReport();
  const n = 1_000; // well past the initial store
  for (let i = 0; i < n; i++) report.removed(i, i % 7, i * 10, RemoveReason.CANCELED);
  assert.ok(report.data instanceof Float64Array);
  assert.equal(report.count, n);
  assert.equal(report.data.length % REPORT_STRIDE, 0);
  for (let i = 0; i < n; i++) {
    assert.equal(report.kind(i), ReportKind.REMOVED);
    assert.equal(report.field(i, 1), i);
    assert.equal(report.field(i, 3), i * 10);
  }
  const store = report.data;
  report.clear();
  report.outcome(42, 1, PlaceOutcome.FILLED, 5, 0);
  assert.equal(report.data, store, "a warm report allocates nothing");
  assert.deepEqual(report.records(), [ReportKind.OUTCOME, 42, 1, PlaceOutcome.FILLED, 5, 0, 0, 0, 0]);
});

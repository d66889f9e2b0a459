import assert from "node:assert/strict";
import { test } from "node:test";
import { RecordedSequence, SequenceCorruptError } from "./recorded-sequence.js";

test("decisions become runs; lookups by seq; start offsets for a snapshot seq", () => {
  const r = new RecordedSequence();
  r.learn({ v: 1, type: "seq", first: 1, runs: [["save_order_from_client_v2", 0, 10, 3]] });
  r.learn({
    v: 1,
    type: "seq",
    first: 4,
    runs: [
      ["matching_engine_input", 0, 0, 1],
      ["save_order_from_client_v2", 0, 13, 2],
    ],
  });
  assert.equal(r.last, 6);
  assert.equal(r.runs.length, 3);
  assert.deepEqual(r.pickAt(2), { topic: "save_order_from_client_v2", offset: 11 });
  assert.deepEqual(r.pickAt(6), { topic: "save_order_from_client_v2", offset: 14 });
  const from5 = r.startOffsets(5);
  assert.equal(from5.get("save_order_from_client_v2"), 13);
  assert.equal(from5.get("matching_engine_input"), 1, "after its last recorded offset");
  assert.equal(from5.get("cancel_order_from_client"), 0, "never recorded");
  assert.equal(r.startOffsets(7).get("save_order_from_client_v2"), 15);
});

test("a repeated identical decision is accepted, a conflicting or gapped one is corrupt", () => {
  const r = new RecordedSequence();
  r.learn({ v: 1, type: "seq", first: 1, runs: [["matching_engine_input", 0, 0, 2]] });
  r.learn({ v: 1, type: "seq", first: 1, runs: [["matching_engine_input", 0, 0, 3]] }); // overlap + 1 new
  assert.equal(r.last, 3);
  assert.throws(
    () => r.learn({ v: 1, type: "seq", first: 2, runs: [["cancel_order_from_client", 0, 0, 1]] }),
    SequenceCorruptError,
  );
  assert.throws(
    () => r.learn({ v: 1, type: "seq", first: 5, runs: [["matching_engine_input", 0, 9, 1]] }),
    SequenceCorruptError,
  );
});

import assert from "node:assert/strict";
import { test } from "node:test";
import {
  decodeSequenceRecord,
  encodeSequenceRecord,
  pushPick,
  type Run,
  runsLength,
  SequenceDecodeError,
} from "./sequence-message.js";

test("picks collapse into runs of consecutive offsets of one topic", () => {
  const runs: Run[] = [];
  pushPick(runs, "save_order_from_client_v2", 0, 57);
  pushPick(runs, "save_order_from_client_v2", 0, 58);
  pushPick(runs, "save_order_from_client_v2", 0, 59);
  pushPick(runs, "matching_engine_input", 0, 12);
  pushPick(runs, "save_order_from_client_v2", 0, 61); // 60 was skipped: a new run
  assert.deepEqual(runs, [
    ["save_order_from_client_v2", 0, 57, 3],
    ["matching_engine_input", 0, 12, 1],
    ["save_order_from_client_v2", 0, 61, 1],
  ]);
  assert.equal(runsLength(runs), 5);
});

test("sequence records round-trip and the text is pinned", () => {
  const rec = {
    v: 1 as const,
    type: "seq" as const,
    first: 101,
    runs: [["matching_engine_input", 0, 12, 2]] as Run[],
  };
  const text = encodeSequenceRecord(rec).toString();
  assert.equal(text, '{"v":1,"type":"seq","first":101,"runs":[["matching_engine_input",0,12,2]]}');
  assert.deepEqual(decodeSequenceRecord(text), rec);
  const start = { v: 1 as const, type: "start" as const, instance: "abc", at: 5 };
  assert.deepEqual(decodeSequenceRecord(encodeSequenceRecord(start)), start);
});

test("malformed sequence records are refused", () => {
  for (const bad of [
    '{"v":1,"type":"seq","first":0,"runs":[["matching_engine_input",0,1,1]]}',
    '{"v":1,"type":"seq","first":1,"runs":[]}',
    '{"v":1,"type":"seq","first":1,"runs":[["orderbook_output",0,1,1]]}',
    '{"v":1,"type":"seq","first":1,"runs":[["matching_engine_input",0,1,0]]}',
    '{"v":2,"type":"seq","first":1,"runs":[["matching_engine_input",0,1,1]]}',
    '{"v":1,"type":"start"}',
  ])
    assert.throws(() => decodeSequenceRecord(bad), SequenceDecodeError, bad);
});

import assert from "node:assert/strict";
import { test } from "node:test";
import { freshEvents } from "./event-message.js";

test("freshEvents drops what the cursor covers and copies inside the chunk", () => {
  const ev = (seq: number, idx: number) => ({ seq, idx });
  const chunk = [ev(5, 0), ev(5, 1), ev(6, 0), ev(5, 1), ev(6, 0), ev(6, 1), ev(7, 0)];
  assert.deepEqual(freshEvents(chunk, { seq: 5, idx: 0 }), [ev(5, 1), ev(6, 0), ev(6, 1), ev(7, 0)]);
  assert.deepEqual(freshEvents(chunk, { seq: 7, idx: 0 }), []);
});

import assert from "node:assert/strict";
import { test } from "node:test";
import { journalFromEnv } from "./journal-env.js";

test("JOURNAL_PREALLOCATE_BYTES: unset = the journal's default, a whole number is taken, anything else refused", () => {
  assert.deepEqual(journalFromEnv({}), {});
  assert.deepEqual(journalFromEnv({ JOURNAL_PREALLOCATE_BYTES: "" }), {});
  assert.deepEqual(journalFromEnv({ JOURNAL_PREALLOCATE_BYTES: "0" }), { preallocateBytes: 0 });
  assert.deepEqual(journalFromEnv({ JOURNAL_PREALLOCATE_BYTES: "4096" }), { preallocateBytes: 4096 });
  for (const bad of ["-1", "1.5", "1e6", "abc", " 10", "99999999999999999999"])
    assert.throws(() => journalFromEnv({ JOURNAL_PREALLOCATE_BYTES: bad }), /whole number of bytes/, bad);
});

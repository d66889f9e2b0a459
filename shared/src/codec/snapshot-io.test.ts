import assert from "node:assert/strict";
import { test } from "node:test";
import { CodecError } from "./codec-error.js";
import { SnapshotReader, SnapshotWriter } from "./snapshot-io.js";

test("snapshot writer/reader round-trip every field type and nested sections", () => {
  const w = new SnapshotWriter(16); // tiny: forces growth
  w.begin(1)
    .u8(255)
    .u16(65535)
    .u32(0xffff_ffff)
    .u64(2 ** 53 - 1)
    .safeInt(-(2 ** 53 - 1))
    .bool(true);
  w.begin(2)
    .string("BTC€USDT 𝄞")
    .bytes(Uint8Array.of(1, 2, 3))
    .end();
  w.safeInt(0).end();
  w.begin(3).string("").end();
  const bytes = w.finish();

  const r = new SnapshotReader(bytes);
  const s1 = r.section(1);
  assert.equal(s1.u8(), 255);
  assert.equal(s1.u16(), 65535);
  assert.equal(s1.u32(), 0xffff_ffff);
  assert.equal(s1.u64(), 2 ** 53 - 1);
  assert.equal(s1.safeInt(), -(2 ** 53 - 1));
  assert.equal(s1.bool(), true);
  const s2 = s1.section(2);
  assert.equal(s2.string(), "BTC€USDT 𝄞");
  assert.deepEqual(s2.bytes(), Uint8Array.of(1, 2, 3));
  s2.expectEnd();
  assert.equal(s1.safeInt(), 0);
  s1.expectEnd();
  assert.equal(r.peekTag(), 3);
  r.skipSection();
  assert.equal(r.peekTag(), undefined);
  r.expectEnd();
});

test("snapshot reader errors are CodecErrors: truncation, wrong tag, bad values, unread bytes", () => {
  const bytes = new SnapshotWriter().begin(7).u32(1).string("abc").end().finish();
  const code = (f: () => unknown) => {
    try {
      f();
    } catch (e) {
      assert.ok(CodecError.is(e));
      return e.code;
    }
    return "none";
  };
  assert.equal(
    code(() => new SnapshotReader(bytes).section(8)),
    "BAD_VALUE",
  );
  assert.equal(
    code(() => new SnapshotReader(bytes.subarray(0, bytes.length - 1)).section(7)),
    "TRUNCATED",
  );
  assert.equal(
    code(() => new SnapshotReader(bytes).section(7).expectEnd()),
    "TRAILING_BYTES",
  );
  assert.equal(
    code(() => new SnapshotReader(Uint8Array.of(2)).bool()),
    "BAD_VALUE",
  );
  assert.equal(
    code(() => new SnapshotReader(new Uint8Array(8).fill(0xff)).safeInt()),
    "BAD_VALUE",
  );
  assert.equal(
    code(() => new SnapshotWriter().u64(-1)),
    "BAD_VALUE",
  );
  assert.equal(
    code(() => new SnapshotWriter().safeInt(0.5)),
    "BAD_VALUE",
  );
  assert.equal(
    code(() => new SnapshotWriter().begin(1).finish()),
    "BAD_VALUE",
  );
});

import assert from "node:assert/strict";
import { readdirSync, readFileSync, truncateSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { test } from "node:test";
import { SnapshotWriter } from "@perpx/shared/codec/snapshot-io";
import { SnapshotStore } from "../../src/snapshot/snapshot-store.js";
import { tempDir } from "../journal/helpers.js";

/** A state-like blob: repetitive (compressible) but not constant. */
function state(n: number, salt: number): Uint8Array {
  const w = new SnapshotWriter();
  w.begin(1);
  for (let i = 0; i < n; i++)
    w.u64(1_000_000 + i)
      .safeInt((i * salt) % 977)
      .string(`user-${i % 100}`);
  return w.end().finish().slice();
}

for (const codec of ["none", "gzip", "brotli"] as const) {
  test(`snapshot store (${codec}): write then latestValid returns the newest, byte for byte`, async () => {
    const { dir, cleanup } = tempDir(`s-${codec}`);
    const store = await SnapshotStore.open(dir, { codec });
    try {
      assert.equal(await store.latestValid(), null);
      const a = state(2000, 3);
      const b = state(2500, 7);
      const wa = await store.write(10, a);
      assert.equal(wa.seq, 10);
      assert.equal(wa.rawBytes, a.length);
      if (codec !== "none") assert.ok(wa.fileBytes < a.length / 2, `${codec} compresses`);
      await store.write(25, b);
      const got = await store.latestValid();
      assert.equal(got?.seq, 25);
      assert.deepEqual(got?.state, b);
      assert.deepEqual(got?.skipped, []);
    } finally {
      await store.close();
      cleanup();
    }
  });
}

test("snapshot store: a corrupt newest snapshot is skipped with a warning; the previous one loads", async () => {
  const { dir, cleanup } = tempDir("s-corrupt");
  const warnings: string[] = [];
  const store = await SnapshotStore.open(dir, { onWarning: (m) => warnings.push(m), keep: 5 });
  try {
    const s1 = state(1000, 1);
    await store.write(100, s1);
    const i2 = await store.write(200, state(1000, 2));
    const i3 = await store.write(300, state(1000, 3));
    // newest: a flipped body byte; the one before: cut short
    const b3 = readFileSync(i3.path);
    b3[b3.length - 10] = b3[b3.length - 10]! ^ 0xff;
    writeFileSync(i3.path, b3);
    truncateSync(i2.path, i2.fileBytes - 1);
    const got = await store.latestValid();
    assert.equal(got?.seq, 100);
    assert.deepEqual(got?.state, s1);
    assert.deepEqual(
      got?.skipped.map((s) => s.path),
      [i3.path, i2.path],
    );
    assert.equal(warnings.length, 2);
    assert.match(warnings[0]!, /snapshot-00000000000000000300\.snap/);
    // a bad header (magic) is skipped too
    const b1 = readFileSync(got!.path);
    b1[0] = 0;
    writeFileSync(got!.path, b1);
    assert.equal(await store.latestValid(), null);
  } finally {
    await store.close();
    cleanup();
  }
});

test("snapshot store: keeps the last K snapshots; temp files of a crashed write are ignored and removed", async () => {
  const { dir, cleanup } = tempDir("s-keep");
  let store = await SnapshotStore.open(dir, { keep: 2, worker: false });
  try {
    for (const seq of [5, 6, 7, 8]) await store.write(seq, state(100, seq));
    assert.deepEqual(
      (await store.list()).map((s) => s.seq),
      [7, 8],
    );
    await store.close();
    writeFileSync(join(dir, "snapshot-00000000000000000009.snap.tmp"), "half a snapshot");
    store = await SnapshotStore.open(dir, { keep: 2 });
    assert.deepEqual(readdirSync(dir).sort(), [
      "snapshot-00000000000000000007.snap",
      "snapshot-00000000000000000008.snap",
    ]);
    assert.equal((await store.latestValid())?.seq, 8);
  } finally {
    await store.close();
    cleanup();
  }
});

test("snapshot store: transfer moves the caller's buffer to the worker; empty states work", async () => {
  const { dir, cleanup } = tempDir("s-move");
  const store = await SnapshotStore.open(dir, { transfer: true, codec: "brotli" });
  try {
    const s = state(3000, 9);
    const copy = s.slice();
    const info = await store.write(1, s);
    assert.equal(s.byteLength, 0, "detached: the state was moved, not copied");
    assert.equal(info.rawBytes, copy.length);
    assert.deepEqual((await store.latestValid())?.state, copy);
    await store.write(2, new Uint8Array(0));
    const empty = await store.latestValid();
    assert.equal(empty?.seq, 2);
    assert.equal(empty?.state.length, 0);
  } finally {
    await store.close();
    cleanup();
  }
});

test("snapshot store: concurrent writes are serialized in call order", async () => {
  const { dir, cleanup } = tempDir("s-order");
  const store = await SnapshotStore.open(dir, { keep: 10 });
  try {
    const infos = await Promise.all([1, 2, 3, 4].map((seq) => store.write(seq, state(200, seq))));
    assert.deepEqual(
      infos.map((i) => i.seq),
      [1, 2, 3, 4],
    );
    assert.equal((await store.latestValid())?.seq, 4);
    await assert.rejects(store.write(-1, new Uint8Array(1)), RangeError);
  } finally {
    await store.close();
    cleanup();
  }
});

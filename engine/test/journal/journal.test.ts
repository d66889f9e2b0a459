import assert from "node:assert/strict";
import { readdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { test } from "node:test";
import { Op } from "@perpx/shared/commands";
import { JournalCommandLog } from "../../src/log/journal/journal-command-log.js";
import { JournalError } from "../../src/log/journal/journal-error.js";
import { cmd, cmds, tempDir } from "./helpers.js";

const quiet = { onWarning: () => undefined };

test("journal: append resolves with gap-free 1-based seqs; read returns the same commands", async () => {
  const { dir, cleanup } = tempDir("j-rt");
  try {
    const log = await JournalCommandLog.open(dir, quiet);
    assert.equal(log.lastSeq(), 0);
    assert.deepEqual(await log.read(1, 10), []);
    assert.deepEqual(await log.append(cmds(0, 3)), [1, 2, 3]);
    assert.deepEqual(await log.append([cmd(3)]), [4]);
    assert.deepEqual(await log.append([]), []);
    assert.equal(log.lastSeq(), 4);
    const got = await log.read(1, 100);
    assert.deepEqual(
      got,
      cmds(0, 4).map((c, i) => ({ seq: i + 1, cmd: c })),
    );
    assert.deepEqual(
      (await log.read(3, 1)).map((r) => r.seq),
      [3],
    );
    assert.deepEqual(await log.read(5, 10), []);
    await log.close();
    await assert.rejects(log.append([cmd(9)]), (e) => JournalError.is(e) && e.code === "LOG_UNAVAILABLE");
  } finally {
    cleanup();
  }
});

test("journal: concurrent appends are group-committed (few fsyncs), in call order", async () => {
  const { dir, cleanup } = tempDir("j-gc");
  try {
    const log = await JournalCommandLog.open(dir, quiet);
    const base = log.stats();
    const n = 500;
    const results = await Promise.all(Array.from({ length: n }, (_, i) => log.append([cmd(i)])));
    assert.deepEqual(
      results.map((r) => r[0]),
      Array.from({ length: n }, (_, i) => i + 1),
    );
    const s = log.stats();
    assert.equal(s.records, n);
    assert.equal(s.appends, n);
    // all 500 calls were made in one tick: one group (maxGroupRecords 4096), one fsync
    assert.equal(s.groups, 1);
    assert.equal(s.fsyncs - base.fsyncs, 1);
    // each record is the call's own command
    const back = await log.read(1, n);
    for (let i = 0; i < n; i++) assert.deepEqual(back[i]!.cmd, cmd(i));
    await log.close();
  } finally {
    cleanup();
  }
});

test("journal: appends arriving during an fsync form the next group; group size caps apply", async () => {
  const { dir, cleanup } = tempDir("j-gc2");
  try {
    const log = await JournalCommandLog.open(dir, { ...quiet, maxGroupRecords: 64 });
    // 32 producers each appending 20 times in a row: while one group is fsynced the next fills up
    let next = 0;
    const producer = async () => {
      for (let k = 0; k < 20; k++) await log.append([cmd(next++)]);
    };
    await Promise.all(Array.from({ length: 32 }, producer));
    const s = log.stats();
    assert.equal(s.records, 640);
    assert.ok(s.groups < 640 / 4, `groups ${s.groups} should be far fewer than appends`);
    assert.ok(s.maxGroupRecords <= 64);
    assert.equal(log.lastSeq(), 640);
    // one big call is one group even above the cap (a call is never split)
    await log.append(cmds(1000, 200));
    assert.equal(log.stats().maxGroupRecords, 200);
    await log.close();
  } finally {
    cleanup();
  }
});

test("journal: a command that cannot be encoded rejects its own call only", async () => {
  const { dir, cleanup } = tempDir("j-bad");
  try {
    const log = await JournalCommandLog.open(dir, quiet);
    const bad = { op: Op.DEPOSIT, ts: 1, userId: 1, amount: -5, txId: "x" } as const;
    const [a, b, c] = await Promise.allSettled([
      log.append([cmd(0)]),
      log.append([cmd(1), bad]),
      log.append([cmd(2)]),
    ]);
    assert.deepEqual(a, { status: "fulfilled", value: [1] });
    assert.equal(b.status, "rejected");
    assert.deepEqual(c, { status: "fulfilled", value: [2] });
    assert.deepEqual(
      (await log.read(1, 10)).map((r) => r.cmd),
      [cmd(0), cmd(2)],
    );
    await log.close();
  } finally {
    cleanup();
  }
});

test("journal: segments rotate at the size limit; reads cross segments, from files and cache", async () => {
  const { dir, cleanup } = tempDir("j-rot");
  try {
    const opts = { ...quiet, segmentBytes: 4096, tailCacheRecords: 16, indexEvery: 8 };
    const log = await JournalCommandLog.open(dir, opts);
    for (let i = 0; i < 300; i += 3) await log.append(cmds(i, 3));
    const segs = log.segmentList();
    assert.ok(segs.length >= 5, `${segs.length} segments`);
    for (let i = 1; i < segs.length; i++) assert.equal(segs[i]!.firstSeq, segs[i - 1]!.lastSeq + 1);
    assert.equal(readdirSync(dir).filter((f) => f.endsWith(".log")).length, segs.length);
    const all = await log.read(1, 1000);
    assert.equal(all.length, 300);
    for (let i = 0; i < 300; i++) assert.deepEqual(all[i], { seq: i + 1, cmd: cmd(i) });
    // windows starting anywhere (sparse index, segment boundaries, cache boundary)
    for (const from of [1, 2, 9, 17, segs[1]!.firstSeq, segs[2]!.firstSeq - 1, 284, 285, 299, 300]) {
      const w = await log.read(from, 7);
      assert.deepEqual(
        w.map((r) => r.seq),
        Array.from({ length: Math.min(7, 301 - from) }, (_, k) => from + k),
        `from ${from}`,
      );
      for (const r of w) assert.deepEqual(r.cmd, cmd(r.seq - 1));
    }
    await log.close();
  } finally {
    cleanup();
  }
});

test("journal: reopen continues the seqs and serves the old records", async () => {
  const { dir, cleanup } = tempDir("j-reopen");
  try {
    const opts = { ...quiet, segmentBytes: 2048 };
    let log = await JournalCommandLog.open(dir, opts);
    await log.append(cmds(0, 50));
    await log.close();
    log = await JournalCommandLog.open(dir, opts);
    assert.equal(log.lastSeq(), 50);
    assert.equal(log.recovery.records, 50);
    assert.equal(log.recovery.truncated, null);
    assert.deepEqual(await log.append(cmds(50, 2)), [51, 52]);
    const all = await log.read(1, 100);
    assert.deepEqual(
      all.map((r) => r.cmd),
      cmds(0, 52),
    );
    await log.close();
    log = await JournalCommandLog.open(dir, { ...opts, verify: "pool", verifyThreads: 2 });
    assert.equal(log.lastSeq(), 52);
    assert.equal(log.recovery.verify.mode, "pool");
    assert.equal(log.recovery.segments, log.segmentList().length);
    await log.close();
  } finally {
    cleanup();
  }
});

test("journal: waitFor resolves on durability or times out", async () => {
  const { dir, cleanup } = tempDir("j-wait");
  try {
    const log = await JournalCommandLog.open(dir, quiet);
    assert.equal(await log.waitFor(0, 5), false);
    const w = log.waitFor(0, 5000);
    await log.append([cmd(0)]);
    assert.equal(await w, true);
    assert.equal(await log.waitFor(0, 1), true);
    assert.equal(await log.waitFor(1, 20), false);
    const pending = log.waitFor(1, 5000);
    await log.close();
    assert.equal(await pending, false);
  } finally {
    cleanup();
  }
});

test("journal: close flushes appends that were not yet written", async () => {
  const { dir, cleanup } = tempDir("j-close");
  try {
    const log = await JournalCommandLog.open(dir, { ...quiet, maxGroupDelayMs: 50 });
    const p = log.append(cmds(0, 5));
    await log.close();
    assert.deepEqual(await p, [1, 2, 3, 4, 5]);
    const again = await JournalCommandLog.open(dir, quiet);
    assert.equal(again.lastSeq(), 5);
    await again.close();
  } finally {
    cleanup();
  }
});

test("journal: one writer per directory (in-process registry, pid lock file, stale lock taken over)", async () => {
  const { dir, cleanup } = tempDir("j-lock");
  try {
    const log = await JournalCommandLog.open(dir, quiet);
    await assert.rejects(
      JournalCommandLog.open(dir, quiet),
      (e) => JournalError.is(e) && /already open/.test(e.message),
    );
    await log.close();
    // a live process (our parent) holds the lock
    writeFileSync(join(dir, "journal.lock"), `${process.ppid}\n`);
    await assert.rejects(
      JournalCommandLog.open(dir, quiet),
      (e) => JournalError.is(e) && /locked by running/.test(e.message),
    );
    // a dead one (pid far above pid_max) does not
    writeFileSync(join(dir, "journal.lock"), "2147483646\n");
    const again = await JournalCommandLog.open(dir, quiet);
    await again.close();
    assert.ok(!readdirSync(dir).includes("journal.lock"), "close releases the lock");
  } finally {
    cleanup();
  }
});

test("journal: a record damaged after open is an error on read, never a wrong command", async () => {
  const { dir, cleanup } = tempDir("j-rot-read");
  try {
    const log = await JournalCommandLog.open(dir, { ...quiet, tailCacheRecords: 0 });
    await log.append(cmds(0, 10));
    const { path, size } = log.segmentList()[0]!; // the file goes on with preallocated zeros after `size`
    const b = readFileSync(path);
    b[size - 3] = b[size - 3]! ^ 1; // payload of record 10
    writeFileSync(path, b);
    assert.equal((await log.read(1, 9)).length, 9);
    await assert.rejects(log.read(1, 10), (e) => JournalError.is(e) && e.code === "LOG_CORRUPT");
    await log.close();
  } finally {
    cleanup();
  }
});

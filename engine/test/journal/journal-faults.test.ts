// Write errors (disk full, EIO): the appends of the failed group and those queued behind it reject with a
// retriable LOG_UNAVAILABLE, the partial write is truncated away, and the log goes on (or, when even the
// truncate fails, refuses appends until reopened, and recovery cuts the torn bytes).
import assert from "node:assert/strict";
import { statSync } from "node:fs";
import { test } from "node:test";
import { JournalCommandLog } from "../../src/log/journal/journal-command-log.js";
import { JournalError } from "../../src/log/journal/journal-error.js";
import { type JournalFile, type JournalIo, nodeIo } from "../../src/log/journal/journal-io.js";
import { assertReopensClean, cmd, cmds, tempDir } from "./helpers.js";

interface Faults {
  /** next record write: write this many bytes for real, then fail with ENOSPC */
  partialWrite?: number;
  datasync?: boolean;
  truncate?: boolean;
  create?: boolean;
  /** a write in progress (to hold a group in flight) */
  stall?: Promise<void>;
  /** pass the real file's O_DSYNC through (syncsOnWrite): the writer then does not datasync a group */
  dsync?: boolean;
  /** datasync calls so far */
  datasyncs?: number;
}

function errno(code: string): NodeJS.ErrnoException {
  const e: NodeJS.ErrnoException = new Error(`${code}: injected`);
  e.code = code;
  return e;
}

function faultyIo(f: Faults): JournalIo {
  return {
    ...nodeIo,
    async open(path, mode) {
      if (mode === "create" && f.create) {
        f.create = false;
        throw errno("ENOSPC");
      }
      const real = await nodeIo.open(path, mode);
      const file: JournalFile = {
        syncsOnWrite: f.dsync === true && real.syncsOnWrite === true,
        async write(buf, off, len, pos) {
          if (f.stall && pos > 0) await f.stall;
          if (f.partialWrite !== undefined && pos > 0) {
            const n = Math.min(f.partialWrite, len);
            f.partialWrite = undefined;
            await real.write(buf, off, n, pos);
            throw errno("ENOSPC");
          }
          return real.write(buf, off, len, pos);
        },
        async datasync() {
          f.datasyncs = (f.datasyncs ?? 0) + 1;
          if (f.datasync) {
            f.datasync = false;
            throw errno("EIO");
          }
          return real.datasync();
        },
        async truncate(len) {
          if (f.truncate) throw errno("EIO");
          return real.truncate(len);
        },
        close: () => real.close(),
      };
      return file;
    },
  };
}

const isUnavailable = (e: unknown) => JournalError.is(e) && e.code === "LOG_UNAVAILABLE" && e.retriable;

test("faults: disk full mid-write rejects the group, truncates it away, and the next append reuses the seqs", async () => {
  const { dir, cleanup } = tempDir("f-enospc");
  try {
    const faults: Faults = {};
    const log = await JournalCommandLog.open(dir, { io: faultyIo(faults), preallocateBytes: 0 });
    await log.append(cmds(0, 3));
    const path = log.segmentList()[0]!.path;
    const size = statSync(path).size;
    faults.partialWrite = 30;
    const failed = await Promise.allSettled([log.append([cmd(3)]), log.append([cmd(4)])]);
    for (const r of failed) assert.ok(r.status === "rejected" && isUnavailable(r.reason));
    assert.equal(JournalError.is((failed[0] as PromiseRejectedResult).reason), true);
    assert.equal((failed[0] as PromiseRejectedResult).reason.toWire().error, "LOG_UNAVAILABLE");
    assert.equal(statSync(path).size, size, "partial write truncated away");
    assert.equal(log.lastSeq(), 3);
    assert.equal(log.stats().failedAppends, 2);
    assert.deepEqual(await log.append([cmd(3)]), [4]);
    await log.close();
    await assertReopensClean(dir, cmds(0, 4));
  } finally {
    cleanup();
  }
});

test("faults: on an O_DSYNC segment a group is one write (no datasync); a failed write is still truncated away", async (t) => {
  const { dir, cleanup } = tempDir("f-dsync");
  try {
    const probe = await nodeIo.open(`${dir}/probe`, "create");
    const dsync = probe.syncsOnWrite === true;
    await probe.close();
    if (process.platform === "linux") assert.equal(dsync, true, "segments are O_DSYNC on Linux");
    if (!dsync) {
      t.diagnostic("no O_DSYNC here: the datasync path is covered by the other tests");
      return;
    }
    const faults: Faults = { dsync: true };
    const log = await JournalCommandLog.open(dir, { io: faultyIo(faults), preallocateBytes: 0 });
    const afterOpen = faults.datasyncs ?? 0; // the new segment's header and directory
    for (let i = 0; i < 5; i++) await log.append([cmd(i)]);
    assert.equal(faults.datasyncs ?? 0, afterOpen, "no datasync per group");
    assert.equal(log.stats().fsyncs >= 5, true, "each durable write counts as the group's sync");
    const path = log.segmentList()[0]!.path;
    const size = statSync(path).size;
    faults.partialWrite = 30;
    await assert.rejects(log.append([cmd(5)]), isUnavailable);
    assert.equal(statSync(path).size, size, "partial write truncated away");
    assert.deepEqual(await log.append([cmd(5)]), [6]);
    await log.close();
    await assertReopensClean(dir, cmds(0, 6));
  } finally {
    cleanup();
  }
});

test("faults: appends queued behind a failing group are rejected too; seqs stay gap-free", async () => {
  const { dir, cleanup } = tempDir("f-queue");
  try {
    let release!: () => void;
    const stall = new Promise<void>((r) => {
      release = r;
    });
    const faults: Faults = { stall, partialWrite: 10 };
    const log = await JournalCommandLog.open(dir, { io: faultyIo(faults), preallocateBytes: 0 });
    const first = log.append([cmd(0)]); // group 1: stalls in write, then fails
    await new Promise((r) => setImmediate(r));
    const second = log.append([cmd(1)]); // waits behind group 1 (its seq assumed group 1)
    faults.stall = undefined;
    release();
    const res = await Promise.allSettled([first, second]);
    assert.ok(res.every((r) => r.status === "rejected" && isUnavailable(r.reason)));
    assert.deepEqual(await log.append([cmd(0)]), [1]);
    assert.deepEqual(await log.append([cmd(1)]), [2]);
    await log.close();
  } finally {
    cleanup();
  }
});

test("faults: a failed fsync rejects the group and truncates the written bytes", async () => {
  const { dir, cleanup } = tempDir("f-eio");
  try {
    const faults: Faults = {};
    const log = await JournalCommandLog.open(dir, { io: faultyIo(faults), preallocateBytes: 0 });
    await log.append([cmd(0)]);
    const size = statSync(log.segmentList()[0]!.path).size;
    faults.datasync = true;
    await assert.rejects(log.append([cmd(1)]), isUnavailable);
    assert.equal(statSync(log.segmentList()[0]!.path).size, size);
    assert.deepEqual(await log.append([cmd(1)]), [2]);
    await log.close();
  } finally {
    cleanup();
  }
});

test("faults: when the truncate fails too, the journal refuses appends; reopen cuts the torn bytes", async () => {
  const { dir, cleanup } = tempDir("f-broken");
  try {
    const faults: Faults = {};
    const log = await JournalCommandLog.open(dir, { io: faultyIo(faults), preallocateBytes: 0 });
    await log.append(cmds(0, 2));
    faults.partialWrite = 25;
    faults.truncate = true;
    await assert.rejects(log.append([cmd(2)]), isUnavailable);
    await assert.rejects(log.append([cmd(2)]), isUnavailable);
    assert.equal(log.lastSeq(), 2);
    await log.close();
    const again = await JournalCommandLog.open(dir, { onWarning: () => undefined });
    assert.equal(again.recovery.truncated?.bytes, 25);
    assert.equal(again.recovery.truncated?.atSeq, 3);
    assert.deepEqual(await again.append([cmd(2)]), [3]);
    await again.close();
  } finally {
    cleanup();
  }
});

test("faults: a segment that cannot be created rejects the group; the next rotation works", async () => {
  const { dir, cleanup } = tempDir("f-create");
  try {
    const faults: Faults = {};
    const log = await JournalCommandLog.open(dir, {
      io: faultyIo(faults),
      segmentBytes: 300,
      preallocateBytes: 0,
    });
    await log.append(cmds(0, 3));
    faults.create = true;
    await assert.rejects(log.append(cmds(3, 3)), isUnavailable);
    assert.equal(log.segmentList().length, 1);
    assert.deepEqual(await log.append(cmds(3, 3)), [4, 5, 6]);
    assert.equal(log.segmentList().length, 2);
    await log.close();
    const again = await JournalCommandLog.open(dir);
    assert.deepEqual(
      (await again.read(1, 10)).map((r) => r.cmd),
      cmds(0, 6),
    );
    await again.close();
  } finally {
    cleanup();
  }
});

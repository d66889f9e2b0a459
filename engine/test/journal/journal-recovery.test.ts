// Recovery at open (SPEC §12): torn tails are cut and reported, corruption inside acknowledged records is
// refused without touching the files.
import assert from "node:assert/strict";
import { appendFileSync, readFileSync, statSync, truncateSync, unlinkSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { test } from "node:test";
import { JournalCommandLog, type JournalOptions } from "../../src/log/journal/journal-command-log.js";
import { JournalError } from "../../src/log/journal/journal-error.js";
import { segmentFileName } from "../../src/log/journal/record-frame.js";
import { cmd, cmds, tempDir } from "./helpers.js";

/**
 * Start offsets of the records of a segment file (parsed by hand: header 24, frame = 16 + length, the
 * length word's bit 31 flags a group's first record; a zero length word ends the data).
 */
function recordOffsets(path: string): number[] {
  const b = readFileSync(path);
  const out: number[] = [];
  for (
    let off = 24;
    off + 16 <= b.length && b.readUInt32LE(off) !== 0;
    off += 16 + (b.readUInt32LE(off) & 0x7fff_ffff)
  )
    out.push(off);
  return out;
}

function flipByte(path: string, at: number): void {
  const b = readFileSync(path);
  b[at] = b[at]! ^ 0x5a;
  writeFileSync(path, b);
}

async function writeLog(dir: string, n: number, opts: JournalOptions = {}): Promise<string[]> {
  const log = await JournalCommandLog.open(dir, { onWarning: () => undefined, ...opts });
  for (let i = 0; i < n; i += 5) await log.append(cmds(i, Math.min(5, n - i)));
  const paths = log.segmentList().map((s) => s.path);
  await log.close();
  return paths;
}

async function reopenAndCheck(dir: string, expectLast: number, opts: JournalOptions = {}) {
  const warnings: string[] = [];
  const log = await JournalCommandLog.open(dir, { ...opts, onWarning: (m) => warnings.push(m) });
  assert.equal(log.lastSeq(), expectLast);
  const all = await log.read(1, 10_000);
  assert.deepEqual(
    all.map((r) => r.cmd),
    cmds(0, expectLast),
    "records before the damage are intact",
  );
  // appending continues right after the last intact record
  assert.deepEqual(await log.append([cmd(expectLast)]), [expectLast + 1]);
  return { log, warnings };
}

for (const verify of ["inline", "pool"] as const) {
  test(`recovery (${verify}): a record cut in the middle at the end is truncated and reported`, async () => {
    const { dir, cleanup } = tempDir("r-cut");
    try {
      const [path] = await writeLog(dir, 20);
      const offs = recordOffsets(path!);
      const size = statSync(path!).size;
      truncateSync(path!, offs[19]! + 20); // header and 4 payload bytes of record 20 survive
      const { log, warnings } = await reopenAndCheck(dir, 19, { verify });
      assert.deepEqual(log.recovery.truncated, {
        segment: path,
        atSeq: 20,
        offset: offs[19],
        bytes: 20,
        reason: "TRUNCATED",
      });
      assert.ok(size > offs[19]! + 20);
      assert.equal(warnings.length, 1);
      assert.match(warnings[0]!, /torn tail truncated: 20 bytes/);
      await log.close();
      // the repaired log reopens clean
      const again = await JournalCommandLog.open(dir, { verify });
      assert.equal(again.recovery.truncated, null);
      assert.equal(again.lastSeq(), 20);
      await again.close();
    } finally {
      cleanup();
    }
  });

  test(`recovery (${verify}): corruption in the middle is refused and nothing is changed`, async () => {
    const { dir, cleanup } = tempDir("r-mid");
    try {
      const [path] = await writeLog(dir, 20);
      const offs = recordOffsets(path!);
      flipByte(path!, offs[4]! + 20); // payload of record 5; records 6..20 are valid
      const before = readFileSync(path!);
      await assert.rejects(
        JournalCommandLog.open(dir, { verify }),
        (e) =>
          JournalError.is(e) &&
          e.code === "LOG_CORRUPT" &&
          !e.retriable &&
          /seq 5 .* BAD_CRC, but a valid record \(seq 6\)/.test(e.message),
      );
      assert.deepEqual(readFileSync(path!), before);
    } finally {
      cleanup();
    }
  });
}

test("recovery: a flipped byte in the last record (payload, seq or length) is a torn tail", async () => {
  for (const [name, delta, reason] of [
    ["payload", 16 + 3, "BAD_CRC"],
    ["crc", 5, "BAD_CRC"],
    ["seq", 8, "BAD_SEQ"],
    ["length", 2, "BAD_LENGTH"],
  ] as const) {
    const { dir, cleanup } = tempDir("r-flip");
    try {
      const [path] = await writeLog(dir, 10);
      const offs = recordOffsets(path!);
      const size = statSync(path!).size;
      flipByte(path!, offs[9]! + delta);
      const { log } = await reopenAndCheck(dir, 9);
      assert.equal(log.recovery.truncated?.atSeq, 10, name);
      assert.equal(log.recovery.truncated?.reason, reason, name);
      assert.equal(log.recovery.truncated?.bytes, size - offs[9]!, name);
      await log.close();
    } finally {
      cleanup();
    }
  }
});

test("recovery: zeros after the last record are preallocated space: kept, not reported, written into next", async () => {
  const { dir, cleanup } = tempDir("r-zero");
  try {
    const [path] = await writeLog(dir, 7);
    appendFileSync(path!, new Uint8Array(4096));
    const size = statSync(path!).size;
    const { log, warnings } = await reopenAndCheck(dir, 7); // appends seq 8 into the zeros
    assert.equal(log.recovery.truncated, null);
    assert.deepEqual(warnings, []);
    assert.ok(statSync(path!).size >= size, "the zeros were not cut off");
    await log.close();
    const again = await JournalCommandLog.open(dir);
    assert.equal(again.lastSeq(), 8);
    await again.close();
  } finally {
    cleanup();
  }
});

test("recovery: a torn group whose later blocks landed (zeros inside the group, its records after) is a torn tail", async () => {
  const { dir, cleanup } = tempDir("r-torn-group");
  try {
    const [path] = await writeLog(dir, 15); // groups 1–5, 6–10, 11–15
    const offs = recordOffsets(path!);
    const b = readFileSync(path!);
    b.fill(0, offs[11]!, offs[13]!); // records 12 and 13 never reached the disk; 14 and 15 did
    writeFileSync(path!, b);
    const { log } = await reopenAndCheck(dir, 11);
    assert.equal(log.recovery.truncated?.atSeq, 12);
    assert.equal(log.recovery.truncated?.offset, offs[11]);
    await log.close();
  } finally {
    cleanup();
  }
});

test("recovery: corruption in a segment that is not the last is refused", async () => {
  const { dir, cleanup } = tempDir("r-seg");
  try {
    const paths = await writeLog(dir, 60, { segmentBytes: 1024 });
    assert.ok(paths.length >= 3);
    // damage the LAST record of the first segment: a tail of that file, but acknowledged records follow
    const offs = recordOffsets(paths[0]!);
    flipByte(paths[0]!, offs[offs.length - 1]! + 18);
    await assert.rejects(
      JournalCommandLog.open(dir),
      (e) => JournalError.is(e) && e.code === "LOG_CORRUPT" && /later segments exist/.test(e.message),
    );
  } finally {
    cleanup();
  }
});

test("recovery: a missing segment (gap in seqs) is refused", async () => {
  const { dir, cleanup } = tempDir("r-gap");
  try {
    const paths = await writeLog(dir, 60, { segmentBytes: 1024 });
    unlinkSync(paths[1]!);
    await assert.rejects(
      JournalCommandLog.open(dir),
      (e) => JournalError.is(e) && e.code === "LOG_CORRUPT" && /previous segment ends at/.test(e.message),
    );
  } finally {
    cleanup();
  }
});

test("recovery: a last segment whose header never became durable is removed", async () => {
  const { dir, cleanup } = tempDir("r-head");
  try {
    await writeLog(dir, 12);
    const stray = join(dir, segmentFileName(13));
    writeFileSync(stray, Uint8Array.of(0x50, 0x58, 0x4a)); // crash 3 bytes into the header
    const { log, warnings } = await reopenAndCheck(dir, 12);
    assert.deepEqual(log.recovery.removedSegments, [stray]);
    assert.match(warnings.join("\n"), /removed segment/);
    await log.close();
  } finally {
    cleanup();
  }
});

test("recovery: an empty directory, and a log whose only segment lost its header, start fresh", async () => {
  const { dir, cleanup } = tempDir("r-empty");
  try {
    writeFileSync(join(dir, segmentFileName(1)), new Uint8Array(0));
    writeFileSync(join(dir, "unrelated.txt"), "x");
    const { log } = await reopenAndCheck(dir, 0);
    assert.equal(log.recovery.removedSegments.length, 1);
    await log.close();
  } finally {
    cleanup();
  }
});

test("recovery: valid records far behind a large damaged region (past one scan window) still refuse", async () => {
  const { dir, cleanup } = tempDir("r-far");
  try {
    const log = await JournalCommandLog.open(dir);
    for (let i = 0; i < 100_000; i += 4096) await log.append(cmds(i, Math.min(4096, 100_000 - i)));
    const path = log.segmentList()[0]!.path;
    await log.close();
    const offs = recordOffsets(path);
    const b = readFileSync(path);
    assert.ok(offs[90_000]! - offs[4]! > 5 * 1024 * 1024, "damage spans more than one scan window");
    b.fill(0, offs[4]!, offs[90_000]!); // records 5 … 90 000 zeroed; 90 001 … 100 000 intact
    writeFileSync(path, b);
    // groups of 4096 records: the first intact record that starts a group is 1 + 4096 · 22
    await assert.rejects(
      JournalCommandLog.open(dir),
      (e) =>
        JournalError.is(e) &&
        e.code === "LOG_CORRUPT" &&
        /valid record \(seq 90113\) starting a later group/.test(e.message),
    );
  } finally {
    cleanup();
  }
});

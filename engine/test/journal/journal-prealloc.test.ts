// Preallocated segments (segment-writer.ts): zeros kept written ahead of the data, groups written into
// them, never into a region still being zeroed; rotation and close cut the zeros off; a failed fill only
// ends preallocation; version-1 segments (written before it) still open and the log goes on after them.
import assert from "node:assert/strict";
import { readdirSync, readFileSync, statSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { test } from "node:test";
import { writeU16, writeU32, writeU64 } from "@perpx/shared/codec/bytes";
import { encodeCommand } from "@perpx/shared/codec/command-record";
import { checksum } from "../../src/log/journal/checksum.js";
import { JournalCommandLog } from "../../src/log/journal/journal-command-log.js";
import { type JournalFile, type JournalIo, nodeIo } from "../../src/log/journal/journal-io.js";
import { segmentFileName } from "../../src/log/journal/record-frame.js";
import { FILL_CHUNK } from "../../src/log/journal/segment-writer.js";
import { assertReopensClean, cmd, cmds, tempDir } from "./helpers.js";

const quiet = { onWarning: () => undefined };

function isZeros(buf: Uint8Array, off: number, len: number): boolean {
  for (let i = off; i < off + len; i++) if (buf[i] !== 0) return false;
  return true;
}

/** A JournalIo whose fill writes (all-zero buffers) are held or failed as the test says. */
function fillIo(f: { hold?: Promise<void>; fail?: boolean; log: string[] }): JournalIo {
  return {
    ...nodeIo,
    async open(path, mode) {
      const real = await nodeIo.open(path, mode);
      const file: JournalFile = {
        syncsOnWrite: real.syncsOnWrite,
        async write(buf, off, len, pos) {
          const fill = pos > 0 && isZeros(buf, off, len);
          if (fill && f.fail) {
            await real.write(buf, off, Math.min(len, 100), pos); // part of it, then the disk is full
            const e: NodeJS.ErrnoException = new Error("ENOSPC: injected");
            e.code = "ENOSPC";
            throw e;
          }
          f.log.push(`${fill ? "fill" : "write"} ${pos}+${len}`);
          if (fill && f.hold) await f.hold;
          const n = await real.write(buf, off, len, pos);
          f.log.push(`${fill ? "filled" : "wrote"} ${pos}+${len}`);
          return n;
        },
        datasync: () => real.datasync(),
        truncate: (len) => real.truncate(len),
        close: () => real.close(),
      };
      return file;
    },
  };
}

test("prealloc: the active segment keeps zeros after its data; close and rotation cut them off", async () => {
  const { dir, cleanup } = tempDir("pre-zeros");
  try {
    // 300 KiB segments: the first 256 KiB is zeroed at creation, the rest by fills
    const log = await JournalCommandLog.open(dir, { ...quiet, segmentBytes: 300 * 1024 });
    for (let i = 0; i < 6000; i += 50) await log.append(cmds(i, 50));
    const segs = log.segmentList();
    assert.ok(segs.length >= 2, "rotated");
    const active = segs[segs.length - 1]!;
    const file = readFileSync(active.path);
    assert.ok(file.length > active.size, "zeros written ahead of the data");
    assert.ok(file.length <= 300 * 1024, "never past the segment size");
    assert.ok(isZeros(file, active.size, file.length - active.size));
    assert.ok(log.stats().preallocated > 0);
    await log.close();
    for (const s of segs) assert.equal(statSync(s.path).size, s.path === active.path ? active.size : s.size);
    await assertReopensClean(dir, cmds(0, 6000));
  } finally {
    cleanup();
  }
});

test("prealloc: a group that would reach into the region being zeroed waits for that fill", async () => {
  const { dir, cleanup } = tempDir("pre-wait");
  let release = (): void => undefined;
  const hold = new Promise<void>((r) => {
    release = r;
  });
  const f = { hold, log: [] as string[] };
  try {
    // 4 KiB zeroed at creation; the first append leaves < 4 KiB ahead, so a 256 KiB fill starts (held)
    const log = await JournalCommandLog.open(dir, { ...quiet, io: fillIo(f), preallocateBytes: 4096 });
    await log.append(cmds(0, 5));
    assert.ok(
      f.log.some((l) => l.startsWith("fill ")),
      `a fill is in flight: ${f.log.join(", ")}`,
    );
    // about 8 KiB of records: past the 4 KiB zeroed at creation, into the held fill's region
    const big = log.append(cmds(5, 100));
    await new Promise((r) => setTimeout(r, 50));
    const fillAt = f.log.findIndex((l) => l.startsWith("fill "));
    assert.equal(
      f.log.slice(fillAt + 1).filter((l) => l.startsWith("write ")).length,
      0,
      `no group write while the fill is held: ${f.log.join(", ")}`,
    );
    release();
    assert.deepEqual(
      await big,
      Array.from({ length: 100 }, (_, k) => 6 + k),
    );
    const filled = f.log.findIndex((l) => l.startsWith("filled "));
    const wrote = f.log.length - 1 - [...f.log].reverse().findIndex((l) => l.startsWith("write "));
    assert.ok(filled < wrote, `the group's write went out after the fill: ${f.log.join(", ")}`);
    await log.close();
    await assertReopensClean(dir, cmds(0, 105));
  } finally {
    release();
    cleanup();
  }
});

test("prealloc: a fill that fails (disk full) pauses preallocation for a chunk of data; nothing lost", async () => {
  const { dir, cleanup } = tempDir("pre-fail");
  const f = { fail: true, log: [] as string[] };
  try {
    const log = await JournalCommandLog.open(dir, { ...quiet, io: fillIo(f), preallocateBytes: 8192 });
    for (let i = 0; i < 400; i += 10) await log.append(cmds(i, 10));
    const { path, size } = log.segmentList()[0]!;
    assert.ok(size < 24 + FILL_CHUNK, "less than a chunk of data since the failure");
    assert.equal(f.log.filter((l) => l.startsWith("fill ")).length, 0, "no fill after the failed one");
    assert.ok(statSync(path).size >= size);
    // the disk has room again: once a chunk of data went in past the failure, fills resume
    f.fail = false;
    for (let i = 400; i < 4400; i += 50) await log.append(cmds(i, 50));
    assert.ok(
      f.log.some((l) => l.startsWith("filled ")),
      "fills resumed",
    );
    await log.close();
    await assertReopensClean(dir, cmds(0, 4400));
  } finally {
    cleanup();
  }
});

/** A version-1 segment (no group flags, crc over seq and payload only), as written before preallocation. */
function v1Segment(firstSeq: number, n: number): Uint8Array {
  const parts: Uint8Array[] = [];
  const head = new Uint8Array(24);
  writeU32(head, 0, 0x4c4a5850);
  writeU16(head, 4, 1);
  writeU16(head, 6, 24);
  writeU64(head, 8, firstSeq);
  writeU32(head, 16, checksum(head, 0, 16));
  parts.push(head);
  for (let k = 0; k < n; k++) {
    const payload = encodeCommand(cmd(firstSeq - 1 + k));
    const frame = new Uint8Array(16 + payload.length);
    frame.set(payload, 16);
    writeU32(frame, 0, payload.length);
    writeU64(frame, 8, firstSeq + k);
    writeU32(frame, 4, checksum(frame, 8, frame.length));
    parts.push(frame);
  }
  return Buffer.concat(parts);
}

test("prealloc: a version-1 segment opens as before; the log goes on in a new version-2 segment", async () => {
  const { dir, cleanup } = tempDir("pre-v1");
  try {
    const v1 = v1Segment(1, 12);
    const torn = new Uint8Array(v1.length + 40); // and a torn tail: version 1 has no preallocated zeros
    torn.set(v1);
    torn.fill(7, v1.length);
    writeFileSync(join(dir, segmentFileName(1)), torn);
    const log = await JournalCommandLog.open(dir, quiet);
    assert.equal(log.lastSeq(), 12);
    assert.equal(log.recovery.truncated?.bytes, 40);
    assert.deepEqual(await log.append(cmds(12, 3)), [13, 14, 15]);
    await log.close();
    assert.deepEqual(
      readdirSync(dir)
        .filter((n) => n.endsWith(".log"))
        .sort(),
      [segmentFileName(1), segmentFileName(13)],
    );
    assert.equal(
      statSync(join(dir, segmentFileName(1))).size,
      v1.length,
      "the version-1 file is left as it was",
    );
    await assertReopensClean(dir, cmds(0, 15));
  } finally {
    cleanup();
  }
});

test("prealloc: an empty version-1 last segment is replaced by a version-2 one", async () => {
  const { dir, cleanup } = tempDir("pre-v1-empty");
  try {
    writeFileSync(join(dir, segmentFileName(1)), v1Segment(1, 4));
    writeFileSync(join(dir, segmentFileName(5)), v1Segment(5, 0));
    const log = await JournalCommandLog.open(dir, quiet);
    assert.deepEqual(await log.append(cmds(4, 2)), [5, 6]);
    await log.close();
    const head = readFileSync(join(dir, segmentFileName(5))).subarray(0, 8);
    assert.equal(head.readUInt16LE(4), 2, "segment 5 is version 2 now");
    await assertReopensClean(dir, cmds(0, 6));
  } finally {
    cleanup();
  }
});

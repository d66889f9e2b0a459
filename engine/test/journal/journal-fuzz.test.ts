// The journal reader fuzzed with random damage: a valid journal (several segments) is copied, then hit by
// a seeded random mutation — flipped bytes, a random range overwritten with random bytes, a cut at a
// random length, random garbage appended, a segment replaced by random bytes or deleted — and reopened.
// Whatever the damage, opening either refuses with the typed JournalError (LOG_CORRUPT) or yields a
// prefix of exactly the commands that were written (a damaged tail is cut and reported), after which
// appends continue at the next seq. Never another exception, never a changed or invented record.
// 400 mutations (4 000 with PERPX_STRESS=long).
import assert from "node:assert/strict";
import { cpSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { test } from "node:test";
import { JournalCommandLog } from "../../src/log/journal/journal-command-log.js";
import { JournalError } from "../../src/log/journal/journal-error.js";
import { Rng } from "../support/random-session.js";
import { cmd, cmds, tempDir } from "./helpers.js";

const N = 120;
const ROUNDS = process.env.PERPX_STRESS === "long" ? 4000 : 400;

function segments(dir: string): string[] {
  return readdirSync(dir)
    .filter((f) => f.endsWith(".log"))
    .sort()
    .map((f) => join(dir, f));
}

function randomBytes(rng: Rng, n: number): Buffer {
  const b = Buffer.alloc(n);
  for (let i = 0; i < n; i++) b[i] = rng.range(0, 255);
  return b;
}

/** Applies one random mutation to the journal in `dir`; returns its description. */
function mutate(dir: string, rng: Rng): string {
  const files = segments(dir);
  const path = files[rng.range(0, files.length - 1)]!;
  const name = path.slice(dir.length + 1);
  const buf = readFileSync(path);
  const size = buf.length;
  switch (rng.range(0, 5)) {
    case 0: {
      const k = rng.range(1, 8);
      for (let i = 0; i < k; i++) {
        const at = rng.range(0, size - 1);
        buf[at] = buf[at]! ^ rng.range(1, 255);
      }
      writeFileSync(path, buf);
      return `${name}: ${k} byte(s) flipped`;
    }
    case 1: {
      const at = rng.range(0, size - 1);
      const len = Math.min(size - at, rng.range(1, 64));
      randomBytes(rng, len).copy(buf, at);
      writeFileSync(path, buf);
      return `${name}: ${len} random bytes at ${at}`;
    }
    case 2: {
      const len = rng.range(0, size - 1);
      writeFileSync(path, buf.subarray(0, len));
      return `${name}: cut at ${len} of ${size}`;
    }
    case 3: {
      const len = rng.range(1, 300);
      writeFileSync(path, Buffer.concat([buf, randomBytes(rng, len)]));
      return `${name}: ${len} random bytes appended`;
    }
    case 4: {
      writeFileSync(path, randomBytes(rng, rng.range(0, size)));
      return `${name}: replaced by random bytes`;
    }
    default: {
      rmSync(path);
      return `${name}: deleted`;
    }
  }
}

test(`journal reader: ${ROUNDS} random mutations — refused as LOG_CORRUPT or a prefix of what was written, nothing else`, async () => {
  const pristine = tempDir("fuzz-src");
  const rng = new Rng(20261124);
  const outcomes = { refused: 0, intact: 0, shortened: 0 };
  try {
    const log = await JournalCommandLog.open(pristine.dir, {
      segmentBytes: 2048,
      onWarning: () => undefined,
    });
    for (let i = 0; i < N; i += 3) await log.append(cmds(i, 3));
    await log.close();
    assert.ok(segments(pristine.dir).length >= 3, "the journal spans several segments");

    for (let round = 0; round < ROUNDS; round++) {
      const work = tempDir("fuzz");
      try {
        cpSync(pristine.dir, work.dir, { recursive: true });
        const what = mutate(work.dir, rng);
        const sizes = segments(work.dir).map((p) => statSync(p).size);
        let opened: JournalCommandLog;
        try {
          opened = await JournalCommandLog.open(work.dir, { segmentBytes: 2048, onWarning: () => undefined });
        } catch (e) {
          assert.ok(JournalError.is(e), `${what}: open threw a non-journal error: ${String(e)}`);
          assert.equal(e.code, "LOG_CORRUPT", `${what}: ${e.message}`);
          // a refusal leaves the files as they were
          assert.deepEqual(
            segments(work.dir).map((p) => statSync(p).size),
            sizes,
            `${what}: refused, yet the files changed`,
          );
          outcomes.refused++;
          continue;
        }
        const last = opened.lastSeq();
        assert.ok(last >= 0 && last <= N, `${what}: last seq ${last}`);
        let got: Awaited<ReturnType<JournalCommandLog["read"]>>;
        try {
          got = await opened.read(1, N + 10);
        } catch (e) {
          // e.g. a deleted first segment: the journal opens, but reading from seq 1 is refused
          assert.ok(JournalError.is(e), `${what}: read threw a non-journal error: ${String(e)}`);
          assert.equal(e.code, "LOG_CORRUPT", `${what}: ${e.message}`);
          await opened.close();
          outcomes.refused++;
          continue;
        }
        // compared record by record so a failure names the first difference, not two 120-record dumps
        assert.equal(got.length, last, `${what}: ${got.length} records read, last seq ${last}`);
        for (const [k, r] of got.entries())
          assert.deepEqual(r.cmd, cmd(k), `${what}: record ${k + 1} is not the one written`);
        assert.deepEqual(
          got.map((r) => r.seq),
          Array.from({ length: last }, (_, k) => k + 1),
        );
        assert.deepEqual(await opened.append([cmd(last)]), [last + 1], `${what}: appends go on`);
        await opened.close();
        if (last === N) outcomes.intact++;
        else outcomes.shortened++;
      } finally {
        work.cleanup();
      }
    }
  } finally {
    pristine.cleanup();
  }
  console.log(`# journal-fuzz ${JSON.stringify({ rounds: ROUNDS, ...outcomes })}`);
  assert.ok(outcomes.refused > 0 && outcomes.shortened > 0, "the mutations reached both outcomes");
});

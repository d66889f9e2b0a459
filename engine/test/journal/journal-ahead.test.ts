// The journal's execute-ahead side (AheadLog): readAhead hands out the appended objects — before their
// group is durable, and after it while the reader has not moved past it (HeldBatches, bounded) — and
// waitAppended is one shared wait for the next append; the flush loop writes the next group before it
// announces the durable one.
import assert from "node:assert/strict";
import { test } from "node:test";
import { JournalCommandLog } from "../../src/log/journal/journal-command-log.js";
import type { JournalIo } from "../../src/log/journal/journal-io.js";
import { FsyncTickets, until } from "./ahead-helpers.js";
import { cmds, tempDir } from "./helpers.js";

const quiet = { onWarning: () => undefined };

test("journal: readAhead keeps a durable group's appended objects while the reader has not taken them", async () => {
  const { dir, cleanup } = tempDir("ahead-held");
  const log = await JournalCommandLog.open(dir, quiet);
  try {
    await log.append(cmds(0, 10));
    assert.deepEqual(log.readAhead(5, 100), [], "nobody read ahead: nothing held, read() decodes");
    const first = cmds(10, 10);
    const pending = log.append(first);
    const ahead = log.readAhead(11, 4);
    assert.equal(ahead.length, 4);
    assert.equal(ahead[0]!.cmd, first[0], "the caller's object, not a decoded copy");
    assert.equal(log.lastSeq(), 10, "handed out before it is durable");
    await pending;
    assert.equal(log.lastSeq(), 20);
    // durable, and 15 … 20 not taken yet: still the appended objects (16: a PLACE_ORDER, binary layout)
    const again = log.readAhead(15, 100);
    assert.deepEqual(
      again.map((c) => c.seq),
      [15, 16, 17, 18, 19, 20],
    );
    assert.equal(again[1]!.cmd, first[5]);
    // taken whole before it was durable: not held
    const second = log.append(cmds(20, 10));
    assert.equal(log.readAhead(21, 100).length, 10);
    await second;
    assert.deepEqual(log.readAhead(25, 100), []);
    // asking for 31 released the group 11 … 20: from then on its records are read back and decoded
    assert.deepEqual(log.readAhead(31, 100), []);
    assert.deepEqual(log.readAhead(16, 100), []);
    const decoded = await log.read(16, 100);
    assert.equal(decoded.length, 15);
    assert.notEqual(decoded[0]!.cmd, first[5]);
    assert.deepEqual(decoded[0]!.cmd, first[5]);
  } finally {
    await log.close();
    cleanup();
  }
});

test("journal: readAhead holds at most 16 384 durable commands (the oldest groups go first)", async () => {
  const { dir, cleanup } = tempDir("ahead-bound");
  const log = await JournalCommandLog.open(dir, quiet);
  try {
    assert.deepEqual(log.readAhead(1, 10), [], "a reader that has taken nothing yet");
    for (let i = 0; i < 20_000; i += 1_000) await log.append(cmds(i, 1_000));
    assert.deepEqual(log.readAhead(1, 10), [], "the oldest groups were dropped");
    assert.deepEqual(log.readAhead(4_000, 10), []);
    const held = log.readAhead(4_001, 100_000);
    assert.equal(held.length, 16_000, "whole groups: 16 of 1 000");
    assert.equal(held[0]!.seq, 4_001);
    assert.equal(held[held.length - 1]!.seq, 20_000);
  } finally {
    await log.close();
    cleanup();
  }
});

test("journal: waitAppended is one shared wait: true on the next append, false on timeout or close", async () => {
  const { dir, cleanup } = tempDir("ahead-wait");
  const log = await JournalCommandLog.open(dir, quiet);
  try {
    assert.equal(await log.waitAppended(0, 10), false, "timed out");
    const w1 = log.waitAppended(0, 5_000);
    const w2 = log.waitAppended(0, 5_000);
    assert.equal(w1, w2, "waiters share one promise");
    const appended = log.append(cmds(0, 3));
    assert.equal(await w1, true);
    assert.equal(await log.waitAppended(2, 5_000), true, "seq 3 is past 2 already");
    await appended;
    assert.equal(await log.waitAppended(3, 10), false, "timed out again (the timer is re-armed)");
    const w3 = log.waitAppended(3, 5_000);
    await log.close();
    assert.equal(await w3, false, "close wakes the waiter");
    assert.equal(await log.waitAppended(3, 5_000), false);
  } finally {
    await log.close();
    cleanup();
  }
});

test("journal: the next group's write is issued before the durable group is announced; appends made while announcing are written", async () => {
  const { dir, cleanup } = tempDir("ahead-order");
  const fsyncs = new FsyncTickets();
  const order: string[] = [];
  const base = fsyncs.io();
  const io: JournalIo = {
    ...base,
    async open(path, mode) {
      const f = await base.open(path, mode);
      return {
        ...f,
        write(buf, off, len, pos) {
          order.push(`write ${len}`);
          return f.write(buf, off, len, pos);
        },
      };
    },
  };
  // no fills: every write seen is a group's
  const log = await JournalCommandLog.open(dir, { ...quiet, io, preallocateBytes: 0 });
  let appendedInside: Promise<number[]> | null = null;
  log.onDurable((seq) => {
    order.push(`durable ${seq}`);
    if (seq === 2 && !appendedInside) appendedInside = log.append(cmds(2, 1));
  });
  try {
    fsyncs.holding = true;
    const first = log.append(cmds(0, 1));
    await until(() => fsyncs.waiting === 1, "the first group's fsync");
    const second = log.append(cmds(1, 1));
    order.length = 0;
    fsyncs.settle(true);
    await first;
    assert.match(order[0]!, /^write \d+$/, "the second group's write went out before seq 1 was announced");
    assert.equal(order[1], "durable 1");
    fsyncs.releaseAll();
    assert.deepEqual(await second, [2]);
    assert.ok(appendedInside, "appended from the durable callback");
    assert.deepEqual(await appendedInside, [3], "and written: the flush loop did not stop");
    assert.equal(log.lastSeq(), 3);
  } finally {
    fsyncs.releaseAll();
    await log.close();
    cleanup();
  }
});

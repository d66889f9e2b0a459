// A SNAPSHOT command is a request of the run that logged it: replaying it at the next start takes no
// snapshot (a restart would otherwise re-take every snapshot ever requested); a new request after the
// start still takes one.
import assert from "node:assert/strict";
import { test } from "node:test";
import { Op } from "@perpx/shared/commands";
import { OrderBook } from "../../src/matcher/order-book.js";
import { type EmbeddedEngine, openEmbeddedEngine } from "../../src/runtime/embedded-engine.js";
import { tempDir } from "../journal/helpers.js";

async function open(dir: string): Promise<EmbeddedEngine> {
  const e = await openEmbeddedEngine({
    dataDir: dir,
    bookFactory: (id) => new OrderBook(id),
    fromSnapshot: false,
    snapshotEvery: 0,
    onWarning: () => undefined,
  });
  await e.runner.start();
  return e;
}

async function requestSnapshot(e: EmbeddedEngine, ts: number): Promise<number> {
  const [seq] = await e.log.append([{ op: Op.SNAPSHOT, ts }]);
  assert.ok(seq !== undefined);
  assert.ok(await e.runner.waitApplied(seq, 5_000), "the SNAPSHOT command was applied");
  // the file is written off the apply loop: wait until the store lists it
  for (let i = 0; i < 200 && !(await e.snapshots.list()).some((s) => s.seq >= seq); i++)
    await new Promise((r) => setTimeout(r, 10));
  return seq;
}

test("replayed SNAPSHOT commands take no snapshot at start; a new request does", async () => {
  const { dir, cleanup } = tempDir("snapreq");
  const opened: EmbeddedEngine[] = [];
  try {
    const first = await open(dir);
    opened.push(first);
    const seq1 = await requestSnapshot(first, 1_700_000_000_000);
    assert.deepEqual(
      (await first.snapshots.list()).map((s) => s.seq),
      [seq1],
    );
    await opened.pop()?.close();

    const second = await open(dir);
    opened.push(second);
    assert.equal(second.runner.appliedSeq, seq1, "the journal was replayed through the request");
    assert.equal(second.runner.lastSnapshot, undefined, "no snapshot was taken for the replayed request");
    assert.deepEqual(
      (await second.snapshots.list()).map((s) => s.seq),
      [seq1],
    );
    const seq2 = await requestSnapshot(second, 1_700_000_001_000);
    const taken = (r: EmbeddedEngine["runner"]) => r.lastSnapshot?.seq;
    assert.equal(taken(second.runner), seq2);
    assert.deepEqual(
      (await second.snapshots.list()).map((s) => s.seq),
      [seq1, seq2],
    );
  } finally {
    for (const e of opened) await e.close();
    cleanup();
  }
});

// Execute-ahead (engine-runner.ts): the embedded engine applies journal commands before their fsync but
// publishes only durable results. With the fsync held, commands are applied and nothing of them is
// published; when the write or fsync then fails, nothing non-durable was ever published and the engine
// rebuilds to the state of a clean replay of the durable journal; a crash while the fsync is held loses
// only unacknowledged commands.
import assert from "node:assert/strict";
import { cpSync, rmSync } from "node:fs";
import { test } from "node:test";
import type { LoggedCommand } from "@perpx/shared/commands";
import type { EngineEvent } from "@perpx/shared/events";
import { JournalCommandLog } from "../../src/log/journal/journal-command-log.js";
import { JournalError } from "../../src/log/journal/journal-error.js";
import { OrderBook } from "../../src/matcher/order-book.js";
import { type EmbeddedEngine, openEmbeddedEngine } from "../../src/runtime/embedded-engine.js";
import { EngineRunner, RollbackError } from "../../src/runtime/engine-runner.js";
import { InThreadMatchPort } from "../../src/sequencer/match-port.js";
import { Sequencer } from "../../src/sequencer/sequencer.js";
import { cleanReplay, type Gate, gate, gatedIo, stream, turn, until } from "./ahead-helpers.js";
import { tempDir } from "./helpers.js";

interface Published {
  events: EngineEvent[];
  lastSeq: number;
}

async function openEngine(dir: string, g: Gate, snapshotEvery: number, workers = 0): Promise<EmbeddedEngine> {
  return openEmbeddedEngine({
    dataDir: dir,
    bookFactory: (id) => new OrderBook(id),
    matcher: { workers },
    snapshotEvery,
    journal: { io: gatedIo(g), onWarning: () => undefined },
    onWarning: () => undefined,
    onFatal: (e) => {
      throw e;
    },
  });
}

function record(engine: EmbeddedEngine): Published {
  const p: Published = { events: [], lastSeq: 0 };
  engine.runner.subscribe((events, last) => {
    assert.ok(
      last <= engine.log.lastSeq(),
      `published seq ${last} above the durable ${engine.log.lastSeq()}`,
    );
    for (const e of events) p.events.push(e);
    p.lastSeq = last;
  });
  return p;
}

const isUnavailable = (e: unknown) => JournalError.is(e) && e.code === "LOG_UNAVAILABLE";

test("execute-ahead: with the fsync held, commands are applied but nothing of them is published", async () => {
  const { dir, cleanup } = tempDir("ahead-held");
  const g = gate();
  const cmds = stream(1_200, 41);
  const engine = await openEngine(dir, g, 0);
  try {
    const pub = record(engine);
    await engine.runner.start();
    await engine.log.append(cmds.slice(0, 600));
    await engine.runner.waitApplied(600, 5_000);
    g.close();
    const acked = engine.log.append(cmds.slice(600, 900));
    await until(() => engine.runner.executedSeq === 900, "execution ahead of the fsync");
    for (let i = 0; i < 20; i++) await turn();
    assert.equal(engine.log.lastSeq(), 600, "the group is still being fsynced");
    assert.equal(engine.runner.appliedSeq, 600);
    assert.equal(pub.lastSeq, 600, "nothing past the durable seq was published");
    assert.equal(await engine.runner.waitApplied(601, 20), false);
    g.open();
    assert.equal((await acked).length, 300);
    assert.equal(await engine.runner.waitApplied(900, 5_000), true);
    assert.equal(pub.lastSeq, 900);
    const clean = await cleanReplay(engine.log);
    assert.equal(clean.last, 900);
    assert.deepEqual(pub.events, clean.events, "published events = a clean replay's");
    assert.equal(engine.sequencer.stateHash(), clean.hash);
    assert.equal(engine.runner.rebuilds, 0);
  } finally {
    g.open();
    await engine.close();
    cleanup();
  }
});

for (const [snapshotEvery, workers] of [
  [0, 0],
  [250, 0],
  [250, 1],
] as const) {
  test(`execute-ahead: a failed fsync discards unpublished results and rebuilds to a clean replay (snapshotEvery ${snapshotEvery}, ${workers} matcher workers)`, async () => {
    const { dir, cleanup } = tempDir("ahead-fail");
    const g = gate();
    const cmds = stream(2_000, 43);
    const engine = await openEngine(dir, g, snapshotEvery, workers);
    try {
      const pub = record(engine);
      await engine.runner.start();
      await engine.log.append(cmds.slice(0, 700));
      await engine.runner.waitApplied(700, 5_000);
      // held, then failed: 700 … 1 100 were applied ahead (a snapshot may have been taken past 700)
      g.close();
      const lost = [engine.log.append(cmds.slice(700, 900)), engine.log.append(cmds.slice(900, 1_100))];
      await until(() => engine.runner.executedSeq === 1_100, "execution ahead of the fsync");
      const aheadHash = engine.sequencer.stateHash();
      g.fail = true;
      g.open();
      for (const r of await Promise.allSettled(lost))
        assert.ok(r.status === "rejected" && isUnavailable(r.reason), "LOG_UNAVAILABLE");
      assert.equal(engine.log.lastSeq(), 700);
      assert.equal(pub.lastSeq, 700, "nothing of the failed groups was published");
      await engine.runner.flushSnapshots();
      const snaps = await engine.snapshots.list();
      for (const { seq } of snaps)
        assert.ok(seq <= 700, `snapshot at ${seq} would cover commands that were never durable`);
      // with snapshots on, the rebuild starts from one (and the ahead snapshot past 700 was dropped)
      if (snapshotEvery > 0) assert.ok(snaps.length > 0 && engine.runner.lastSnapshot!.seq > 700);
      // seqs 701… are reused by other commands: the engine must not run on from the voided state
      await engine.log.append(cmds.slice(1_100, 1_500));
      assert.equal(await engine.runner.waitApplied(1_100, 5_000), true);
      assert.equal(engine.runner.rebuilds, 1);
      const clean = await cleanReplay(engine.log);
      assert.equal(clean.last, 1_100);
      assert.notEqual(clean.hash, aheadHash);
      assert.equal(engine.sequencer.stateHash(), clean.hash, "state = a clean replay of the durable log");
      assert.deepEqual(pub.events, clean.events, "published events = a clean replay's, nothing else");
      await engine.runner.flushSnapshots();
    } finally {
      g.open();
      await engine.close();
    }
    // restart from the newest snapshot (if any) + replay: same state as a clean replay
    const again = await openEngine(dir, gate(), 0);
    try {
      await again.runner.start();
      const clean = await cleanReplay(again.log);
      assert.equal(again.sequencer.stateHash(), clean.hash);
    } finally {
      await again.close();
      cleanup();
    }
  });
}

test("execute-ahead without a rebuild hook: a dropped group stops the runner, nothing non-durable published", async () => {
  const { dir, cleanup } = tempDir("ahead-fatal");
  const g = gate();
  const cmds = stream(600, 47);
  const log = await JournalCommandLog.open(dir, { io: gatedIo(g), onWarning: () => undefined });
  const core = new Sequencer({ matcher: new InThreadMatchPort((id) => new OrderBook(id)) });
  let fatal: unknown = null;
  const runner = new EngineRunner({
    log,
    core,
    executeAhead: true,
    onFatal: (e) => {
      fatal = e;
    },
  });
  const seen: number[] = [];
  runner.subscribe((_e, last) => seen.push(last));
  try {
    await runner.start();
    await log.append(cmds.slice(0, 300));
    await runner.waitApplied(300, 5_000);
    g.close();
    const lost = log.append(cmds.slice(300, 500));
    await until(() => runner.executedSeq === 500, "execution ahead");
    g.fail = true;
    g.open();
    await assert.rejects(lost, isUnavailable);
    await until(() => fatal !== null, "the runner to stop");
    assert.ok(fatal instanceof RollbackError);
    assert.ok(Math.max(...seen) <= 300);
  } finally {
    g.open();
    await runner.stop();
    await log.close();
    cleanup();
  }
});

test("execute-ahead: a crash while the fsync is held loses only unacknowledged commands", async () => {
  const { dir, cleanup } = tempDir("ahead-crash");
  const copy = `${dir}-copy`;
  const g = gate();
  const cmds = stream(1_000, 53);
  const engine = await openEngine(dir, g, 200);
  try {
    await engine.runner.start();
    await engine.log.append(cmds.slice(0, 500));
    await engine.runner.waitApplied(500, 5_000);
    await engine.runner.flushSnapshots();
    g.close();
    let acked = false;
    void engine.log.append(cmds.slice(500, 800)).then(() => {
      acked = true;
    });
    await until(() => engine.runner.executedSeq === 800, "execution ahead");
    await engine.runner.flushSnapshots();
    // the "crash": the files as they are now (the held group may or may not be in them: unacknowledged)
    cpSync(dir, copy, { recursive: true });
    assert.equal(acked, false);
  } finally {
    g.open();
    await engine.close();
  }
  const again = await openEngine(copy, gate(), 0);
  try {
    await again.runner.start();
    const last = again.log.lastSeq();
    assert.ok(
      last === 500 || last === 800,
      `recovered to ${last}: the acknowledged 500, maybe the held group`,
    );
    const read: LoggedCommand[] = await again.log.read(1, 1_000);
    assert.deepEqual(
      read.slice(0, 500).map((r) => r.cmd),
      cmds.slice(0, 500),
      "every acknowledged command, once, at its seq",
    );
    assert.ok(again.restoredFrom <= 500, `snapshot ${again.restoredFrom} covers only acknowledged commands`);
    const clean = await cleanReplay(again.log);
    assert.equal(again.sequencer.stateHash(), clean.hash);
  } finally {
    await again.close();
    cleanup();
    rmSync(copy, { recursive: true, force: true });
  }
});

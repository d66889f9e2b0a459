// Execute-ahead with a sliced backlog (engine-runner.ts, sliceCommands): the runner applies a long backlog
// a few commands per event-loop turn, so a group's fsync completes — and is published — while the rest of
// the backlog is still being applied. When the next group's fsync then fails mid-backlog, nothing that was
// not durable was ever published or acknowledged, and the runner rebuilds to a clean replay of the
// durable journal (or, without a rebuild hook, stops with a RollbackError), as without slices.
import assert from "node:assert/strict";
import { test } from "node:test";
import type { EngineEvent } from "@perpx/shared/events";
import { JournalCommandLog } from "../../src/log/journal/journal-command-log.js";
import { JournalError } from "../../src/log/journal/journal-error.js";
import { OrderBook } from "../../src/matcher/order-book.js";
import { type EngineCore, EngineRunner, RollbackError } from "../../src/runtime/engine-runner.js";
import { InThreadMatchPort } from "../../src/sequencer/match-port.js";
import { Sequencer } from "../../src/sequencer/sequencer.js";
import { cleanReplay, FsyncTickets, stream, turn, until } from "./ahead-helpers.js";
import { tempDir } from "./helpers.js";

const SLICE = 16;
/** durable first, then held: group A = seqs 301 … 700, group B = 701 … 4 700 (the backlog) */
const A_END = 700;
const B_END = 4_700;

const sequencer = () => new Sequencer({ matcher: new InThreadMatchPort((id) => new OrderBook(id)) });
const isUnavailable = (e: unknown) => JournalError.is(e) && e.code === "LOG_UNAVAILABLE";

for (const rebuild of [true, false]) {
  test(`execute-ahead, sliced backlog: an fsync that fails mid-backlog publishes and acks nothing non-durable (${rebuild ? "rebuild" : "no rebuild hook: stops"})`, async () => {
    const { dir, cleanup } = tempDir("ahead-slices");
    const cmds = stream(5_200, 59);
    const fsyncs = new FsyncTickets();
    const log = await JournalCommandLog.open(dir, { io: fsyncs.io(), onWarning: () => undefined });
    let fatal: unknown = null;
    const runner = new EngineRunner({
      log,
      core: sequencer(),
      executeAhead: true,
      sliceCommands: SLICE,
      rebuild: rebuild ? async (): Promise<EngineCore> => sequencer() : undefined,
      onFatal: (e) => {
        fatal = e;
      },
    });
    const events: EngineEvent[] = [];
    /** executedSeq when each published seq went out */
    const publishedAt = new Map<number, number>();
    runner.subscribe((evs, last) => {
      assert.ok(last <= log.lastSeq(), `published seq ${last} above the durable ${log.lastSeq()}`);
      for (const e of evs) events.push(e);
      publishedAt.set(last, runner.executedSeq);
    });
    try {
      await runner.start();
      await log.append(cmds.slice(0, 300));
      assert.equal(await runner.waitApplied(300, 5_000), true);
      fsyncs.holding = true;
      let ackedA = false;
      const a = log.append(cmds.slice(300, A_END)).then(() => {
        ackedA = true;
      });
      await until(() => fsyncs.waiting === 1, "group A's fsync");
      const b = log.append(cmds.slice(A_END, B_END));
      await until(() => runner.executedSeq > A_END + 100, "the backlog under way");
      assert.equal(ackedA, false);
      assert.equal(runner.appliedSeq, 300, "nothing of the held group published");
      fsyncs.settle(true);
      await a;
      await until(() => fsyncs.waiting === 1, "group B's fsync");
      assert.equal(runner.appliedSeq, A_END, "group A published once durable");
      assert.ok(publishedAt.get(A_END)! < B_END, "A was published while the backlog was still being applied");
      const behind = runner.executedSeq;
      assert.ok(behind < B_END, `the fsync fails mid-backlog (applied up to ${behind})`);
      fsyncs.holding = false;
      fsyncs.settle(false);
      await assert.rejects(b, isUnavailable);
      assert.equal(log.lastSeq(), A_END);
      assert.equal(runner.appliedSeq, A_END, "nothing of the failed group published");
      if (!rebuild) {
        await until(() => fatal !== null, "the runner to stop");
        assert.ok(fatal instanceof RollbackError);
        assert.ok(Math.max(...publishedAt.keys()) <= A_END);
        return;
      }
      // seqs 701 … are reused by other commands: the runner rebuilds before applying them
      await log.append(cmds.slice(B_END, B_END + 500));
      assert.equal(await runner.waitApplied(A_END + 500, 5_000), true);
      assert.equal(fatal, null);
      assert.equal(runner.rebuilds, 1);
      const clean = await cleanReplay(log);
      assert.equal(clean.last, A_END + 500);
      assert.equal(runner.engineCore.stateHash(), clean.hash, "state = a clean replay of the durable log");
      assert.deepEqual(events, clean.events, "published events = a clean replay's, nothing else");
    } finally {
      fsyncs.releaseAll();
      await runner.stop();
      await log.close();
      cleanup();
    }
  });
}

test("execute-ahead: a backlog above 8 192 commands is applied down to 4 096 without turns in between", async () => {
  const { dir, cleanup } = tempDir("ahead-catch-up");
  const cmds = stream(12_100, 61);
  const fsyncs = new FsyncTickets();
  const log = await JournalCommandLog.open(dir, { io: fsyncs.io(), onWarning: () => undefined });
  const runner = new EngineRunner({ log, core: sequencer(), executeAhead: true, sliceCommands: 256 });
  try {
    await runner.start();
    await log.append(cmds.slice(0, 100));
    assert.equal(await runner.waitApplied(100, 5_000), true);
    fsyncs.holding = true;
    for (let i = 100; i < 12_100; i += 4_000)
      void log.append(cmds.slice(i, i + 4_000)).catch(() => undefined);
    let turns = 0;
    while (runner.executedSeq < 12_100 - 4_096 && turns < 1_000) {
      await turn();
      turns++;
    }
    assert.ok(turns <= 2, `caught up in ${turns} turns (256 a turn would take 31)`);
    await until(() => runner.executedSeq === 12_100, "the rest, in slices");
    assert.equal(runner.appliedSeq, 100, "nothing published before its fsync");
    fsyncs.releaseAll();
    assert.equal(await runner.waitApplied(12_100, 5_000), true);
  } finally {
    fsyncs.releaseAll();
    await runner.stop();
    await log.close();
    cleanup();
  }
});

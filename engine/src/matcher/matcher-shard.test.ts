// The shard loop on one thread (step() instead of run()): what it writes for each command, and which
// input it refuses. The threaded path is engine/test/matcher/shard-router.test.ts.
import assert from "node:assert/strict";
import { test } from "node:test";
import { encodeCancelAll } from "@perpx/shared/codec/matcher/cancel-all";
import { encodeCrash } from "@perpx/shared/codec/matcher/crash";
import { decodeEvent } from "@perpx/shared/codec/matcher/decode";
import { EventFields } from "@perpx/shared/codec/matcher/fields";
import {
  DecodeStatus,
  MatcherOp,
  OUTCOME_MAX,
  REASON_MAX,
  RESULT_MAX,
} from "@perpx/shared/codec/matcher/opcodes";
import { encodePlace } from "@perpx/shared/codec/matcher/place";
import { encodeRestoreEnd } from "@perpx/shared/codec/matcher/restore-end";
import { encodeShutdown } from "@perpx/shared/codec/matcher/shutdown";
import { Side, StpMode, TimeInForce } from "@perpx/shared/domain";
import { SpscRing } from "@perpx/shared/ring/spsc-ring";
import { CancelResult, PlaceOutcome, RemoveReason } from "./book-api.js";
import { MatcherShard } from "./matcher-shard.js";
import { OrderBook } from "./order-book.js";

function setup(testHooks = false) {
  const input = SpscRing.create(16, { spins: 0 });
  const output = SpscRing.create(64, { spins: 0 });
  const shard = new MatcherShard(input, output, (id) => new OrderBook(id), testHooks);
  const send = (write: (v: DataView, off: number) => void) => {
    write(input.view, input.tryClaim(1));
    input.publish();
  };
  const read = (): number[] => {
    const ops: number[] = [];
    const e = new EventFields();
    const n = output.poll(64);
    let off = output.readOffset();
    for (let i = 0; i < n; i++, off = output.next(off)) {
      assert.equal(decodeEvent(output.view, off, e), DecodeStatus.OK);
      ops.push(e.op);
    }
    output.release(n);
    return ops;
  };
  return { input, output, shard, send, read };
}

test("codec enum ranges match the book contract", () => {
  assert.equal(OUTCOME_MAX, Math.max(...Object.values(PlaceOutcome)));
  assert.equal(REASON_MAX, Math.max(...Object.values(RemoveReason)));
  assert.equal(RESULT_MAX, Math.max(...Object.values(CancelResult)));
});

test("each command's events end with COMMAND_DONE; SHUTDOWN closes the output ring", () => {
  const { output, shard, send, read } = setup();
  send((v, o) => encodePlace(v, o, 1, 3, 10, 1, Side.SELL, 500, 2, TimeInForce.GTC, StpMode.NONE));
  send((v, o) => encodePlace(v, o, 2, 3, 11, 2, Side.BUY, 500, 1, TimeInForce.GTC, StpMode.NONE));
  send((v, o) => encodeCancelAll(v, o, 3, 3, 1));
  assert.equal(shard.step(), 3);
  // per command: its events in any order the book chooses, then COMMAND_DONE
  const perCommand: number[][] = [[]];
  for (const op of read()) {
    if (op === MatcherOp.COMMAND_DONE) perCommand.push([]);
    else perCommand.at(-1)!.push(op);
  }
  for (const c of perCommand) c.sort();
  assert.deepEqual(perCommand, [
    [MatcherOp.OUTCOME, MatcherOp.LEVEL].sort(),
    [MatcherOp.TRADE, MatcherOp.OUTCOME, MatcherOp.LEVEL].sort(),
    [MatcherOp.REMOVED, MatcherOp.LEVEL, MatcherOp.CANCEL_ALL_RESULT].sort(),
    [],
  ]);
  assert.equal(shard.step(), 0);
  send((v, o) => encodeShutdown(v, o));
  assert.equal(shard.step(), -1);
  assert.equal(output.finished, true);
});

test("CRASH throws with or without test hooks; a bad slot and a short restore are fatal", () => {
  for (const hooks of [true, false]) {
    const { shard, send } = setup(hooks);
    send((v, o) => encodeCrash(v, o, 1));
    assert.throws(() => shard.step(), hooks ? /CRASH test hook/ : /without test hooks/);
  }
  const a = setup();
  a.send((v, o) => v.setUint8(o, 200));
  assert.throws(() => a.shard.step(), /undecodable command slot/);
  const b = setup();
  b.send((v, o) => encodeRestoreEnd(v, o, 1, 3, 5, 2));
  assert.throws(() => b.shard.step(), /0 orders arrived, 2 announced/);
});

// Golden bytes: each message encoded from known values must give exactly these bytes (written by hand
// from the layout tables, field by field), and decode back to the same values. A change here is a wire
// format change between the sequencer and the matcher workers.
import assert from "node:assert/strict";
import { test } from "node:test";
import { Side, StpMode, TimeInForce } from "../../domain.js";
import { encodeAmend } from "./amend.js";
import { encodeAmendResult } from "./amend-result.js";
import { encodeCancel } from "./cancel.js";
import { encodeCancelAll } from "./cancel-all.js";
import { encodeCancelAllResult } from "./cancel-all-result.js";
import { encodeCancelResult } from "./cancel-result.js";
import { encodeCommandDone } from "./command-done.js";
import { encodeCrash } from "./crash.js";
import { decodeCommand, decodeEvent } from "./decode.js";
import { CommandFields, EventFields } from "./fields.js";
import { encodeLevel } from "./level.js";
import { DecodeStatus, MatcherOp } from "./opcodes.js";
import { encodeOutcome } from "./outcome.js";
import { encodePlace } from "./place.js";
import { encodeRemoved } from "./removed.js";
import { encodeRestoreEnd } from "./restore-end.js";
import { encodeRestoreOrder } from "./restore-order.js";
import { encodeSampleRequest } from "./sample-request.js";
import { encodeSampleResult } from "./sample-result.js";
import { encodeShutdown } from "./shutdown.js";
import { encodeSnapshotBook } from "./snapshot-book.js";
import { encodeSnapshotOrder } from "./snapshot-order.js";
import { encodeSnapshotRequest } from "./snapshot-request.js";
import { encodeTrade } from "./trade.js";

const MAX = Number.MAX_SAFE_INTEGER;
const OFF = 64; // encode at a non-zero offset, as in a ring slot

function encoded(write: (v: DataView, off: number) => void): string {
  const buf = new ArrayBuffer(192);
  const v = new DataView(buf);
  write(v, OFF);
  const all = Buffer.from(buf);
  assert.ok(
    all.subarray(0, OFF).every((b) => b === 0) && all.subarray(OFF + 64).every((b) => b === 0),
    "writes stay inside the slot",
  );
  // trailing zero bytes are trimmed so the literal shows exactly what the layout writes
  let end = OFF + 64;
  while (end > OFF && all[end - 1] === 0) end--;
  return all.subarray(OFF, end).toString("hex");
}

const compact = (s: string) => s.replace(/[\s|]/g, "").replace(/(00)+$/, "");

function cmd(write: (v: DataView, off: number) => void): CommandFields {
  const v = new DataView(new ArrayBuffer(192));
  write(v, OFF);
  const out = new CommandFields();
  assert.equal(decodeCommand(v, OFF, out), DecodeStatus.OK);
  assert.equal(decodeEvent(v, OFF, new EventFields()), DecodeStatus.UNKNOWN_OPCODE, "wrong direction");
  return out;
}

function ev(write: (v: DataView, off: number) => void): EventFields {
  const v = new DataView(new ArrayBuffer(192));
  write(v, OFF);
  const out = new EventFields();
  assert.equal(decodeEvent(v, OFF, out), DecodeStatus.OK);
  assert.equal(decodeCommand(v, OFF, new CommandFields()), DecodeStatus.UNKNOWN_OPCODE, "wrong direction");
  return out;
}

function pick<T extends object>(o: T, keys: (keyof T)[]): Partial<T> {
  const r: Partial<T> = {};
  for (const k of keys) r[k] = o[k];
  return r;
}

test("PLACE", () => {
  const w = (v: DataView, o: number) =>
    encodePlace(v, o, 1, 7, MAX, 42, Side.SELL, 500001, 1000, TimeInForce.IOC, StpMode.EXPIRE_BOTH);
  assert.equal(
    encoded(w),
    compact(`01 01 01 03 | 07000000 | 0100000000000000 | ffffffffffff1f00 | 2a00000000000000 |
             21a1070000000000 | e803000000000000`),
  );
  const f = cmd(w);
  assert.deepEqual(
    pick(f, ["op", "seq", "symbolId", "orderId", "userId", "side", "price", "qty", "tif", "stp"]),
    {
      op: MatcherOp.PLACE,
      seq: 1,
      symbolId: 7,
      orderId: MAX,
      userId: 42,
      side: Side.SELL,
      price: 500001,
      qty: 1000,
      tif: TimeInForce.IOC,
      stp: StpMode.EXPIRE_BOTH,
    },
  );
});

test("order ids are signed: the engine's own orders (liquidation IOCs) have negative ids", () => {
  const w = (v: DataView, o: number) =>
    encodePlace(v, o, 1, 7, -5, 42, Side.SELL, 500001, 1000, TimeInForce.IOC, StpMode.NONE);
  assert.equal(
    encoded(w),
    compact(`01 01 01 00 | 07000000 | 0100000000000000 | fbffffffffffffff | 2a00000000000000 |
             21a1070000000000 | e803000000000000`),
  );
  assert.equal(cmd(w).orderId, -5);
  const t = (v: DataView, o: number) => encodeTrade(v, o, 10, 11, -(2 ** 32), 12, Side.SELL, 500000, 3, 0);
  const f = ev(t);
  assert.equal(f.takerOrderId, -(2 ** 32));
  assert.equal(f.makerOrderId, 10);
  const out = (v: DataView, o: number) => encodeOutcome(v, o, -1, 12, 2, 3, 0);
  assert.equal(ev(out).orderId, -1);
});

test("CANCEL", () => {
  const w = (v: DataView, o: number) => encodeCancel(v, o, 2, 1, 2 ** 32, 5);
  assert.equal(encoded(w), compact("02 000000 | 01000000 | 0200000000000000 | 0000000001000000 | 05"));
  assert.deepEqual(pick(cmd(w), ["op", "seq", "symbolId", "orderId", "userId"]), {
    op: MatcherOp.CANCEL,
    seq: 2,
    symbolId: 1,
    orderId: 2 ** 32,
    userId: 5,
  });
});

test("CANCEL_ALL", () => {
  const w = (v: DataView, o: number) => encodeCancelAll(v, o, 3, 2, 9);
  assert.equal(encoded(w), compact("03 000000 | 02000000 | 0300000000000000 | 09"));
  assert.deepEqual(pick(cmd(w), ["op", "seq", "symbolId", "userId"]), {
    op: MatcherOp.CANCEL_ALL,
    seq: 3,
    symbolId: 2,
    userId: 9,
  });
});

test("AMEND", () => {
  const w = (v: DataView, o: number) => encodeAmend(v, o, 4, 1, 77, 5, 123456789, 3);
  assert.equal(
    encoded(w),
    compact(`04 000000 | 01000000 | 0400000000000000 | 4d00000000000000 | 0500000000000000 |
             15cd5b0700000000 | 03`),
  );
  assert.deepEqual(pick(cmd(w), ["op", "seq", "symbolId", "orderId", "userId", "price", "qty"]), {
    op: MatcherOp.AMEND,
    seq: 4,
    symbolId: 1,
    orderId: 77,
    userId: 5,
    price: 123456789,
    qty: 3,
  });
});

test("SNAPSHOT_REQUEST, SHUTDOWN, CRASH", () => {
  const snap = (v: DataView, o: number) => encodeSnapshotRequest(v, o, 5, 3);
  assert.equal(encoded(snap), compact("05 000000 | 03000000 | 05"));
  assert.deepEqual(pick(cmd(snap), ["op", "seq", "symbolId"]), {
    op: MatcherOp.SNAPSHOT_REQUEST,
    seq: 5,
    symbolId: 3,
  });
  assert.equal(encoded(encodeShutdown), "06");
  assert.equal(cmd(encodeShutdown).op, MatcherOp.SHUTDOWN);
  const crash = (v: DataView, o: number) => encodeCrash(v, o, 7);
  assert.equal(encoded(crash), compact("1f 000000 | 00000000 | 07"));
  assert.deepEqual(pick(cmd(crash), ["op", "seq"]), { op: MatcherOp.CRASH, seq: 7 });
});

test("RESTORE_ORDER, RESTORE_END", () => {
  const ro = (v: DataView, o: number) =>
    encodeRestoreOrder(v, o, 1, 10, 11, Side.BUY, 500000, 2, StpMode.EXPIRE_MAKER);
  assert.equal(
    encoded(ro),
    compact("07 00 02 00 | 01000000 | 0a00000000000000 | 0b00000000000000 | 20a1070000000000 | 02"),
  );
  assert.deepEqual(pick(cmd(ro), ["op", "symbolId", "orderId", "userId", "side", "price", "qty", "stp"]), {
    op: MatcherOp.RESTORE_ORDER,
    symbolId: 1,
    orderId: 10,
    userId: 11,
    side: Side.BUY,
    price: 500000,
    qty: 2,
    stp: StpMode.EXPIRE_MAKER,
  });
  const re = (v: DataView, o: number) => encodeRestoreEnd(v, o, 6, 1, 99, 1);
  assert.equal(encoded(re), compact("08 000000 | 01000000 | 0600000000000000 | 6300000000000000 | 01"));
  assert.deepEqual(pick(cmd(re), ["op", "seq", "symbolId", "updateId", "count"]), {
    op: MatcherOp.RESTORE_END,
    seq: 6,
    symbolId: 1,
    updateId: 99,
    count: 1,
  });
});

test("TRADE fills the whole 64-byte slot", () => {
  const w = (v: DataView, o: number) => encodeTrade(v, o, 10, 11, 12, 13, Side.SELL, 500000, 4, MAX);
  assert.equal(
    encoded(w),
    compact(`40 01 000000000000 | 0a00000000000000 | 0b00000000000000 | 0c00000000000000 | 0d00000000000000 |
             20a1070000000000 | 0400000000000000 | ffffffffffff1f00`),
  );
  const f = ev(w);
  assert.deepEqual(
    pick(f, [
      "op",
      "makerOrderId",
      "makerUserId",
      "takerOrderId",
      "takerUserId",
      "takerSide",
      "price",
      "qty",
      "makerRemaining",
    ]),
    {
      op: MatcherOp.TRADE,
      makerOrderId: 10,
      makerUserId: 11,
      takerOrderId: 12,
      takerUserId: 13,
      takerSide: Side.SELL,
      price: 500000,
      qty: 4,
      makerRemaining: MAX,
    },
  );
});

test("REMOVED, OUTCOME, LEVEL", () => {
  const rm = (v: DataView, o: number) => encodeRemoved(v, o, 10, 11, 2, 2);
  assert.equal(encoded(rm), compact("41 02 000000000000 | 0a00000000000000 | 0b00000000000000 | 02"));
  assert.deepEqual(pick(ev(rm), ["op", "orderId", "userId", "remaining", "reason"]), {
    op: MatcherOp.REMOVED,
    orderId: 10,
    userId: 11,
    remaining: 2,
    reason: 2,
  });
  const oc = (v: DataView, o: number) => encodeOutcome(v, o, 12, 13, 5, 4, 1);
  assert.equal(
    encoded(oc),
    compact("42 05 000000000000 | 0c00000000000000 | 0d00000000000000 | 0400000000000000 | 01"),
  );
  assert.deepEqual(pick(ev(oc), ["op", "orderId", "userId", "outcome", "filled", "remaining"]), {
    op: MatcherOp.OUTCOME,
    orderId: 12,
    userId: 13,
    outcome: 5,
    filled: 4,
    remaining: 1,
  });
  const lv = (v: DataView, o: number) => encodeLevel(v, o, Side.SELL, 500000, 0, 2 ** 40);
  assert.equal(
    encoded(lv),
    compact("43 01 000000000000 | 20a1070000000000 | 0000000000000000 | 0000000000010000"),
  );
  assert.deepEqual(pick(ev(lv), ["op", "side", "price", "totalQty", "updateId"]), {
    op: MatcherOp.LEVEL,
    side: Side.SELL,
    price: 500000,
    totalQty: 0,
    updateId: 2 ** 40,
  });
});

test("CANCEL_RESULT, AMEND_RESULT, CANCEL_ALL_RESULT, COMMAND_DONE", () => {
  const cr = (v: DataView, o: number) => encodeCancelResult(v, o, 10, 1);
  assert.equal(encoded(cr), compact("44 01 000000000000 | 0a"));
  assert.deepEqual(pick(ev(cr), ["op", "orderId", "result"]), {
    op: MatcherOp.CANCEL_RESULT,
    orderId: 10,
    result: 1,
  });
  const ar = (v: DataView, o: number) => encodeAmendResult(v, o, 10, 0);
  assert.equal(encoded(ar), compact("45 00 000000000000 | 0a"));
  assert.deepEqual(pick(ev(ar), ["op", "orderId", "result"]), {
    op: MatcherOp.AMEND_RESULT,
    orderId: 10,
    result: 0,
  });
  const car = (v: DataView, o: number) => encodeCancelAllResult(v, o, 11, 3);
  assert.equal(encoded(car), compact("46 00000000000000 | 0b00000000000000 | 03"));
  assert.deepEqual(pick(ev(car), ["op", "userId", "count"]), {
    op: MatcherOp.CANCEL_ALL_RESULT,
    userId: 11,
    count: 3,
  });
  const done = (v: DataView, o: number) => encodeCommandDone(v, o, 2 ** 32 + 1, MatcherOp.PLACE, 5);
  assert.equal(encoded(done), compact("47 01 0000 | 05000000 | 0100000001"));
  assert.deepEqual(pick(ev(done), ["op", "seq", "cmdOp", "eventCount"]), {
    op: MatcherOp.COMMAND_DONE,
    seq: 2 ** 32 + 1,
    cmdOp: MatcherOp.PLACE,
    eventCount: 5,
  });
});

test("SAMPLE_REQUEST, SAMPLE_RESULT", () => {
  const rq = (v: DataView, o: number) => encodeSampleRequest(v, o, 9, 2, 2 ** 33 + 5);
  assert.equal(encoded(rq), compact("09 000000 | 02000000 | 0900000000000000 | 0500000002"));
  assert.deepEqual(pick(cmd(rq), ["op", "seq", "symbolId", "qty"]), {
    op: MatcherOp.SAMPLE_REQUEST,
    seq: 9,
    symbolId: 2,
    qty: 2 ** 33 + 5,
  });
  const rs = (v: DataView, o: number) => encodeSampleResult(v, o, 499990, 500010, 3, 1499970, 0, MAX);
  assert.equal(
    encoded(rs),
    compact(
      "4a 00000000000000 | 16a1070000000000 | 2aa1070000000000 | 0300000000000000 | " +
        "42e3160000000000 | 0000000000000000 | ffffffffffff1f",
    ),
  );
  assert.deepEqual(pick(ev(rs), ["op", "bestBid", "bestAsk", "bidQty", "bidQuote", "askQty", "askQuote"]), {
    op: MatcherOp.SAMPLE_RESULT,
    bestBid: 499990,
    bestAsk: 500010,
    bidQty: 3,
    bidQuote: 1499970,
    askQty: 0,
    askQuote: MAX,
  });
});

test("SNAPSHOT_BOOK, SNAPSHOT_ORDER", () => {
  const sb = (v: DataView, o: number) => encodeSnapshotBook(v, o, 2, 8, 1);
  assert.equal(encoded(sb), compact("48 000000 | 02000000 | 0800000000000000 | 01"));
  assert.deepEqual(pick(ev(sb), ["op", "symbolId", "updateId", "count"]), {
    op: MatcherOp.SNAPSHOT_BOOK,
    symbolId: 2,
    updateId: 8,
    count: 1,
  });
  const so = (v: DataView, o: number) => encodeSnapshotOrder(v, o, 10, 11, Side.BUY, 500000, 2);
  assert.equal(
    encoded(so),
    compact("49 00 000000000000 | 0a00000000000000 | 0b00000000000000 | 20a1070000000000 | 02"),
  );
  assert.deepEqual(pick(ev(so), ["op", "orderId", "userId", "side", "price", "remaining"]), {
    op: MatcherOp.SNAPSHOT_ORDER,
    orderId: 10,
    userId: 11,
    side: Side.BUY,
    price: 500000,
    remaining: 2,
  });
});

import assert from "node:assert/strict";
import { test } from "node:test";
import { encodeCommand } from "@perpx/shared/codec/command-record";
import { type Command, type LoggedCommand, Op } from "@perpx/shared/commands";
import { TailCache } from "./tail-cache.js";

const cancel = (i: number): Command => ({
  op: Op.CANCEL_ORDER,
  ts: 1000 + i,
  userId: i,
  symbolId: 1,
  orderId: i,
});
/** a DEPOSIT whose txId makes it `extra` bytes longer */
const deposit = (i: number, extra: number): Command => ({
  op: Op.DEPOSIT,
  ts: 1000 + i,
  userId: i,
  amount: 5,
  txId: "t".repeat(Math.min(255, extra)),
});

/** Adds the commands as one group buffer (a few bytes of framing around each record), then scribbles on it. */
function addGroup(c: TailCache, firstSeq: number, cmds: readonly Command[]): void {
  const enc = cmds.map((x) => encodeCommand(x));
  const buf = new Uint8Array(enc.reduce((n, e) => n + e.length + 8, 0));
  let off = 0;
  for (let k = 0; k < enc.length; k++) {
    buf.set(enc[k]!, off + 8);
    c.add(firstSeq + k, buf, off + 8, enc[k]!.length);
    off += enc[k]!.length + 8;
  }
  buf.fill(0xee); // the cache owns a copy: the written group's buffer may be reused or dropped
}

function readAll(c: TailCache, from: number): LoggedCommand[] {
  const out: LoggedCommand[] = [];
  c.read(from, Number.MAX_SAFE_INTEGER, out);
  return out;
}

test("the tail cache copies records: reads decode them after the group buffer changed", () => {
  const c = new TailCache(16);
  const cmds = Array.from({ length: 10 }, (_, i) => cancel(i));
  addGroup(c, 1, cmds.slice(0, 4));
  addGroup(c, 5, cmds.slice(4));
  assert.deepEqual(
    readAll(c, 1).map((r) => r.cmd),
    cmds,
  );
  assert.equal(c.has(0), false);
  assert.equal(c.has(11), false);
});

test("the tail cache keeps the last `capacity` records and drops those whose ring bytes were reused", () => {
  // 16 slots → a 2 KiB ring: 64-byte-ish deposits fill the ring before the slots run out
  const c = new TailCache(16);
  const cmds = Array.from({ length: 200 }, (_, i) => deposit(i, (i * 37) % 180));
  for (let s = 0; s < cmds.length; s += 7) addGroup(c, s + 1, cmds.slice(s, s + 7));
  let lo = 1;
  while (!c.has(lo)) lo++;
  assert.ok(lo > 200 - 16, `oldest cached ${lo}`);
  const got = readAll(c, lo);
  assert.equal(got.at(-1)!.seq, 200);
  assert.deepEqual(
    got.map((r) => r.cmd),
    cmds.slice(lo - 1),
  );
  // every cached record decodes to what was added (ring bytes never overwritten while cached)
  let bytes = 0;
  for (const r of got) bytes += encodeCommand(r.cmd).length;
  assert.ok(bytes <= 16 * 128, `${bytes} bytes cached`);
});

test("records too large for the ring are kept as their own copy, in order with the ring's", () => {
  const c = new TailCache(4); // 512-byte ring: anything over 64 bytes is a copy of its own
  const cmds = [cancel(1), deposit(2, 200), cancel(3), deposit(4, 10), deposit(5, 250)];
  addGroup(c, 1, cmds);
  assert.deepEqual(
    readAll(c, 2).map((r) => r.cmd),
    cmds.slice(1),
  );
});

test("a gap restarts the tail cache; capacity 0 caches nothing", () => {
  const c = new TailCache(8);
  addGroup(c, 1, [cancel(1), cancel(2)]);
  addGroup(c, 10, [cancel(10)]);
  assert.equal(c.has(2), false);
  assert.deepEqual(
    readAll(c, 10).map((r) => r.seq),
    [10],
  );
  const none = new TailCache(0);
  addGroup(none, 1, [cancel(1)]);
  assert.equal(none.has(1), false);
});

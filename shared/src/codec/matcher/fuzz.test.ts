// Decoding arbitrary bytes: never throws, never hangs, returns a DecodeStatus, and when it says OK
// every field it wrote is a non-negative safe integer with enums in range. Seeded, so a failure
// reproduces; round trips of random valid values cover the u64 edges (0, 2^32 ± 1, 2^53 − 1).
import assert from "node:assert/strict";
import { test } from "node:test";
import type { Side, StpMode, TimeInForce } from "../../domain.js";
import { encodeAmend } from "./amend.js";
import { encodeCommandDone } from "./command-done.js";
import { decodeCommand, decodeEvent } from "./decode.js";
import { CommandFields, EventFields } from "./fields.js";
import { encodeLevel } from "./level.js";
import { DecodeStatus, MatcherOp, SIDE_MAX, STP_MAX, TIF_MAX } from "./opcodes.js";
import { encodeOutcome } from "./outcome.js";
import { encodePlace } from "./place.js";
import { encodeRemoved } from "./removed.js";
import { encodeTrade } from "./trade.js";
import { readI64, readU64, writeI64, writeU64 } from "./u64.js";

/** xorshift32: deterministic, fast, good enough to spray bytes */
function rng(seed: number): () => number {
  let x = seed | 0 || 1;
  return () => {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    return x >>> 0;
  };
}

const STATUSES = new Set<number>(Object.values(DecodeStatus));

/** order ids are signed (the engine's own orders are negative); everything else is non-negative */
const SIGNED = new Set(["orderId", "makerOrderId", "takerOrderId"]);

function assertSane(o: CommandFields | EventFields): void {
  for (const [k, val] of Object.entries(o)) {
    assert.ok(Number.isSafeInteger(val) && (val >= 0 || SIGNED.has(k)), `${k} = ${val}`);
  }
}

test("random slots: only clean statuses, sane fields when OK", () => {
  const next = rng(0xc0ffee);
  const bytes = new Uint8Array(64);
  const v = new DataView(bytes.buffer);
  const c = new CommandFields();
  const e = new EventFields();
  const seen = new Map<number, number>();
  const t0 = Date.now();
  for (let i = 0; i < 100_000; i++) {
    for (let j = 0; j < 64; j += 4) v.setUint32(j, next());
    // bias: a valid opcode and small high halves half of the time, so the OK paths are exercised too
    if (i & 1) {
      bytes[0] = [1, 2, 3, 4, 5, 6, 7, 8, 9, 31, 64, 65, 66, 67, 68, 69, 70, 71, 72, 73, 74][next() % 21]!;
      for (let j = 12; j < 64; j += 8) v.setUint32(j, next() & 0x1fffff, true);
      for (let j = 1; j < 4; j++) bytes[j] = next() & 3;
    }
    for (const s of [decodeCommand(v, 0, c), decodeEvent(v, 0, e)]) {
      assert.ok(STATUSES.has(s), `status ${s}`);
      seen.set(s, (seen.get(s) ?? 0) + 1);
    }
    assertSane(c);
    assertSane(e);
    assert.ok(c.side <= SIDE_MAX && c.tif <= TIF_MAX && c.stp <= STP_MAX);
    assert.ok(e.side <= SIDE_MAX && e.takerSide <= SIDE_MAX);
  }
  for (const s of Object.values(DecodeStatus))
    assert.ok((seen.get(s) ?? 0) > 0, `status ${s} never produced`);
  assert.ok(Date.now() - t0 < 10_000);
});

test("flipping any byte of a valid message never throws", () => {
  const next = rng(7);
  const v = new DataView(new ArrayBuffer(64));
  const writers: ((v: DataView) => void)[] = [
    (v) => encodePlace(v, 0, 1, 2, 3, 4, 1, 5, 6, 2, 3),
    (v) => encodeAmend(v, 0, 1, 2, 3, 4, 5, 6),
    (v) => encodeTrade(v, 0, 1, 2, 3, 4, 1, 5, 6, 7),
    (v) => encodeRemoved(v, 0, 1, 2, 3, 2),
    (v) => encodeOutcome(v, 0, 1, 2, 6, 3, 4),
    (v) => encodeLevel(v, 0, 1, 2, 3, 4),
    (v) => encodeCommandDone(v, 0, 1, MatcherOp.PLACE, 4),
  ];
  const c = new CommandFields();
  const e = new EventFields();
  for (const w of writers) {
    for (let pos = 0; pos < 64; pos++) {
      for (let k = 0; k < 16; k++) {
        w(v);
        v.setUint8(pos, next() & 0xff);
        assert.ok(STATUSES.has(decodeCommand(v, 0, c)));
        assert.ok(STATUSES.has(decodeEvent(v, 0, e)));
        assertSane(c);
        assertSane(e);
      }
    }
  }
});

test("each kind of bad byte gets its own status", () => {
  const v = new DataView(new ArrayBuffer(64));
  const c = new CommandFields();
  const e = new EventFields();
  encodePlace(v, 0, 1, 2, 3, 4, 1, 5, 6, 2, 3);
  v.setUint8(1, 2); // side 2
  assert.equal(decodeCommand(v, 0, c), DecodeStatus.BAD_ENUM);
  encodePlace(v, 0, 1, 2, 3, 4, 1, 5, 6, 2, 3);
  v.setUint32(36, 0x200000, true); // price high half = 2^21 → price ≥ 2^53
  assert.equal(decodeCommand(v, 0, c), DecodeStatus.UNSAFE_INTEGER);
  encodeOutcome(v, 0, 1, 2, 7, 3, 4); // outcome 7
  assert.equal(decodeEvent(v, 0, e), DecodeStatus.BAD_ENUM);
  encodeCommandDone(v, 0, 1, 0, 4); // cmdOp 0
  assert.equal(decodeEvent(v, 0, e), DecodeStatus.BAD_ENUM);
  v.setUint8(0, 0);
  assert.equal(decodeCommand(v, 0, c), DecodeStatus.UNKNOWN_OPCODE);
  assert.equal(decodeEvent(v, 0, e), DecodeStatus.UNKNOWN_OPCODE);
});

test("u64 round trips at the edges and at random", () => {
  const v = new DataView(new ArrayBuffer(8));
  const next = rng(99);
  const edges = [0, 1, 2 ** 32 - 1, 2 ** 32, 2 ** 32 + 1, 2 ** 52, Number.MAX_SAFE_INTEGER];
  for (let i = 0; i < 20_000; i++) {
    const x = i < edges.length ? edges[i]! : (next() & 0x1fffff) * 2 ** 32 + next();
    writeU64(v, 0, x);
    assert.equal(v.getUint32(0, true), x % 2 ** 32);
    assert.equal(v.getUint32(4, true), Math.floor(x / 2 ** 32));
    assert.equal(readU64(v, 0), x);
  }
  v.setUint32(4, 0x200000, true);
  assert.equal(readU64(v, 0), -1);
});

test("i64 (order ids) round trips at the edges and at random; non-negative bytes equal u64", () => {
  const v = new DataView(new ArrayBuffer(8));
  const u = new DataView(new ArrayBuffer(8));
  const next = rng(98);
  const MAX = Number.MAX_SAFE_INTEGER;
  const edges = [
    0,
    1,
    -1,
    2 ** 32 - 1,
    -(2 ** 32),
    -(2 ** 32) - 1,
    -(2 ** 32) + 1,
    2 ** 52,
    -(2 ** 52),
    MAX,
    -MAX,
  ];
  for (let i = 0; i < 20_000; i++) {
    const mag = (next() & 0x1fffff) * 2 ** 32 + next();
    const x = i < edges.length ? edges[i]! : next() & 1 ? -Math.min(mag, MAX) : Math.min(mag, MAX);
    writeI64(v, 0, x);
    assert.equal(readI64(v, 0), x);
    assert.equal(v.getBigInt64(0, true), BigInt(x), "two's complement");
    if (x >= 0) {
      writeU64(u, 0, x);
      assert.deepEqual(new Uint8Array(v.buffer), new Uint8Array(u.buffer), "same bytes as u64");
    }
  }
  for (const bad of [-(2n ** 53n), 2n ** 53n, -(2n ** 63n), 2n ** 63n - 1n]) {
    v.setBigInt64(0, bad, true);
    assert.ok(Number.isNaN(readI64(v, 0)), `${bad} is not a safe integer`);
  }
});

test("PLACE round trips random valid values", () => {
  const next = rng(1234);
  const v = new DataView(new ArrayBuffer(64));
  const c = new CommandFields();
  const big = () => (next() & 0x1fffff) * 2 ** 32 + next();
  for (let i = 0; i < 10_000; i++) {
    const vals = [big(), next(), big(), big(), next() & 1, big(), big(), next() & 3, next() & 3] as const;
    encodePlace(
      v,
      0,
      vals[0],
      vals[1],
      vals[2],
      vals[3],
      vals[4] as Side,
      vals[5],
      vals[6],
      vals[7] as TimeInForce,
      vals[8] as StpMode,
    );
    assert.equal(decodeCommand(v, 0, c), DecodeStatus.OK);
    assert.deepEqual(
      [c.seq, c.symbolId, c.orderId, c.userId, c.side, c.price, c.qty, c.tif, c.stp],
      [...vals],
    );
  }
});

import assert from "node:assert/strict";
import { test } from "node:test";
import type { Command } from "../commands.js";
import { Op } from "../commands.js";
import { DEFAULT_INSTRUMENTS } from "../instruments.js";
import { fromHex, toHex } from "./bytes.js";
import { CodecError, decodeCommand, encodeCommand, encodeCommandInto } from "./command-record.js";

const TS = 1_700_000_000_123; // 0x018bcfe5687b

// Golden bytes: each binary layout pinned byte for byte (spaces mark the fields of the layout file).
const GOLDEN: readonly { name: string; cmd: Command; hex: string }[] = [
  {
    name: "PLACE_ORDER",
    cmd: {
      op: Op.PLACE_ORDER,
      ts: TS,
      orderId: 2 ** 32 + 1,
      userId: 42,
      symbolId: 1,
      clientOrderId: "abc-1",
      side: 1,
      type: 0,
      tif: 3,
      price: 500_001,
      qty: 1500,
      stopPrice: 0,
      reduceOnly: true,
      closePosition: false,
      workingType: 1,
      callbackRate: 0,
      activationPrice: 0,
      stp: 1,
    },
    // op side type tif flags wt stp cidLen | symbolId | callbackRate | ts | orderId | userId | price | qty
    // | stopPrice | activationPrice | "abc-1"
    hex:
      "07 01 00 03 01 01 01 05 01000000 00000000 7b68e5cf8b010000 0100000001000000 2a00000000000000" +
      " 21a1070000000000 dc05000000000000 0000000000000000 0000000000000000 6162632d31",
  },
  {
    name: "AMEND_ORDER",
    cmd: {
      op: Op.AMEND_ORDER,
      ts: TS,
      userId: 42,
      symbolId: 2,
      orderId: 2 ** 53 - 1,
      price: 300_012,
      qty: 7,
    },
    // op reserved | symbolId | ts | userId | orderId | price | qty
    hex: "08 000000 02000000 7b68e5cf8b010000 2a00000000000000 ffffffffffff1f00 ec93040000000000 0700000000000000",
  },
  {
    name: "CANCEL_ORDER",
    cmd: { op: Op.CANCEL_ORDER, ts: TS, userId: 42, symbolId: 1, orderId: 77 },
    hex: "09 000000 01000000 7b68e5cf8b010000 2a00000000000000 4d00000000000000",
  },
  {
    name: "CANCEL_ALL",
    cmd: { op: Op.CANCEL_ALL, ts: TS, userId: 42, symbolId: 1 },
    hex: "0a 000000 01000000 7b68e5cf8b010000 2a00000000000000",
  },
  {
    name: "ORACLE_PRICE",
    cmd: { op: Op.ORACLE_PRICE, ts: TS, symbolId: 1, price: 500_001 },
    hex: "0c 000000 01000000 7b68e5cf8b010000 21a1070000000000",
  },
  {
    name: "DEPOSIT",
    cmd: { op: Op.DEPOSIT, ts: TS, userId: 42, amount: 1_000_000_000, txId: "tx-9" },
    // op txIdLen reserved(6) | ts | userId | amount | "tx-9"
    hex: "02 04 000000000000 7b68e5cf8b010000 2a00000000000000 00ca9a3b00000000 74782d39",
  },
  {
    name: "PAY_FUNDING (JSON layout)",
    cmd: { op: Op.PAY_FUNDING, ts: TS, symbolId: 0, fundingTime: 1_700_006_400_000 },
    hex: `0e ${toHex(new TextEncoder().encode('{"ts":1700000000123,"symbolId":0,"fundingTime":1700006400000}'))}`,
  },
];

for (const g of GOLDEN) {
  test(`golden bytes: ${g.name}`, () => {
    const bytes = encodeCommand(g.cmd);
    assert.equal(toHex(bytes), g.hex.replace(/\s+/g, ""));
    assert.deepEqual(decodeCommand(fromHex(g.hex)), g.cmd);
  });
}

const btc = DEFAULT_INSTRUMENTS[0]!;

/** One of every command, with awkward values (max safe ints, empty and 255-byte ids, negatives). */
const EVERY: readonly Command[] = [
  { op: Op.CREATE_USER, ts: TS, userId: 1 },
  { op: Op.DEPOSIT, ts: TS, userId: 2 ** 53 - 1, amount: 1, txId: "" },
  { op: Op.WITHDRAW, ts: TS, userId: 3, amount: 5_000_000, withdrawId: "w-1" },
  { op: Op.SET_LEVERAGE, ts: TS, userId: 3, symbolId: 1, leverage: 125 },
  { op: Op.SET_MARGIN_TYPE, ts: TS, userId: 3, symbolId: 1, marginType: 1 },
  { op: Op.ADJUST_ISOLATED_MARGIN, ts: TS, userId: 3, symbolId: 1, amount: -2_500_000 },
  {
    op: Op.PLACE_ORDER,
    ts: 0,
    orderId: 2 ** 53 - 1,
    userId: 2 ** 53 - 1,
    symbolId: 0xffff_ffff,
    clientOrderId: "x".repeat(255),
    side: 0,
    type: 6,
    tif: 2,
    price: 0,
    qty: 0,
    stopPrice: 2 ** 40,
    reduceOnly: true,
    closePosition: true,
    workingType: 0,
    callbackRate: 0xffff_ffff,
    activationPrice: 123,
    stp: 3,
  },
  { op: Op.AMEND_ORDER, ts: TS, userId: 1, symbolId: 1, orderId: 1, price: 1, qty: 1 },
  { op: Op.CANCEL_ORDER, ts: TS, userId: 1, symbolId: 1, orderId: 1 },
  { op: Op.CANCEL_ALL, ts: TS, userId: 1, symbolId: 1 },
  { op: Op.UPSERT_INSTRUMENT, ts: TS, instrument: { ...btc, symbol: "BTC€USDT" } },
  { op: Op.ORACLE_PRICE, ts: TS, symbolId: 2, price: 2 ** 53 - 1 },
  { op: Op.MARK_SAMPLE, ts: TS, symbolId: 0 },
  { op: Op.PAY_FUNDING, ts: TS, symbolId: 2, fundingTime: TS },
  { op: Op.COUNTDOWN_CANCEL_ALL, ts: TS, userId: 4, symbolId: 1, deadline: 0 },
  { op: Op.SNAPSHOT, ts: TS },
];

test("every opcode round-trips, and re-encoding the decoded command gives the same bytes", () => {
  const ops = new Set(EVERY.map((c) => c.op));
  assert.equal(ops.size, Object.keys(Op).length, "EVERY covers each opcode");
  for (const c of EVERY) {
    const bytes = encodeCommand(c);
    assert.equal(bytes[0], c.op);
    const back = decodeCommand(bytes);
    assert.deepEqual(back, c);
    assert.deepEqual(encodeCommand(back), bytes);
  }
});

test("encodeCommandInto writes at an offset, reports NO_ROOM with the size needed", () => {
  const c = EVERY[6]!;
  const buf = new Uint8Array(400);
  const n = encodeCommandInto(c, buf, 10);
  assert.equal(n, 72 + 255);
  assert.deepEqual(decodeCommand(buf, 10, n), c);
  const small = new Uint8Array(100);
  assert.throws(
    () => encodeCommandInto(c, small, 0),
    (e) => CodecError.is(e) && e.code === "NO_ROOM" && e.needed === n,
  );
  const json = EVERY[10]!;
  assert.throws(
    () => encodeCommandInto(json, small, 0),
    (e) => CodecError.is(e) && e.code === "NO_ROOM" && e.needed > 100,
  );
});

test("encoding refuses what would not decode", () => {
  const po = EVERY[6]! as Extract<Command, { op: 7 }>;
  const bad: [Command, string][] = [
    [{ ...po, price: -1 }, "BAD_VALUE"],
    [{ ...po, qty: 1.5 }, "BAD_VALUE"],
    [{ ...po, orderId: 2 ** 53 }, "BAD_VALUE"],
    [{ ...po, side: 2 as 0 }, "BAD_VALUE"],
    [{ ...po, clientOrderId: "é" }, "BAD_STRING"],
    [{ ...po, clientOrderId: "x".repeat(256) }, "BAD_VALUE"],
    [{ op: Op.DEPOSIT, ts: TS, userId: 1, amount: Number.NaN, txId: "a" }, "BAD_VALUE"],
    [{ op: Op.WITHDRAW, ts: TS, userId: 1, amount: 1, withdrawId: "ü" }, "BAD_VALUE"],
    [{ op: Op.ADJUST_ISOLATED_MARGIN, ts: TS, userId: 1, symbolId: 1, amount: 0.5 }, "BAD_VALUE"],
    [{ op: 99 } as unknown as Command, "BAD_OPCODE"],
  ];
  for (const [c, code] of bad)
    assert.throws(
      () => encodeCommand(c),
      (e) => CodecError.is(e) && e.code === code,
      JSON.stringify(c),
    );
});

test("decoding refuses truncated, padded and out-of-range records", () => {
  const po = encodeCommand(EVERY[6]!);
  const cases: [Uint8Array, string][] = [
    [new Uint8Array(0), "TRUNCATED"],
    [po.subarray(0, 71), "TRUNCATED"],
    [po.subarray(0, po.length - 1), "TRUNCATED"],
    [Uint8Array.of(...po, 0), "TRAILING_BYTES"],
    [Uint8Array.of(0), "BAD_OPCODE"],
    [Uint8Array.of(200), "BAD_OPCODE"],
    [fromHex("0a 000001 01000000 7b68e5cf8b010000 2a00000000000000"), "BAD_VALUE"], // reserved byte
    [fromHex("0a 000000 01000000 7b68e5cf8b010000 2a00000000002000"), "BAD_VALUE"], // u64 ≥ 2^53
    [Uint8Array.of(Op.SNAPSHOT, ...new TextEncoder().encode('{"ts":1,"x":2}')), "BAD_JSON"],
    [Uint8Array.of(Op.SNAPSHOT, ...new TextEncoder().encode('{"ts":-1}')), "BAD_JSON"],
    [Uint8Array.of(Op.SNAPSHOT, ...new TextEncoder().encode("[1]")), "BAD_JSON"],
    [Uint8Array.of(Op.SNAPSHOT, 0x7b, 0xff), "BAD_STRING"],
  ];
  const flagged = Uint8Array.from(po);
  flagged[4] = 4;
  cases.push([flagged, "BAD_VALUE"]);
  for (const [bytes, code] of cases)
    assert.throws(
      () => decodeCommand(bytes),
      (e) => CodecError.is(e) && e.code === code,
      toHex(bytes).slice(0, 40),
    );
});

test("random bytes decode to a command that re-encodes identically, or to a CodecError", () => {
  // xorshift32: seeded, so a failure reproduces
  let s = 0x9e3779b9;
  const rnd = () => {
    s ^= s << 13;
    s ^= s >>> 17;
    s ^= s << 5;
    return s >>> 0;
  };
  let decoded = 0;
  for (let i = 0; i < 20_000; i++) {
    const len = rnd() % 120;
    const b = new Uint8Array(len);
    for (let j = 0; j < len; j++) b[j] = rnd() & 0xff;
    // bias toward valid opcodes and mostly-zero bodies so the checks past the opcode get exercised
    if (len > 0 && i % 2 === 0) b[0] = 1 + (rnd() % 16);
    if (i % 4 === 0) for (let j = 1; j < len; j++) if (rnd() % 8 !== 0) b[j] = 0;
    try {
      const c = decodeCommand(b);
      // binary layouts are canonical (reserved bytes zero, exact lengths); JSON ones up to whitespace
      if (encodeCommand(c).length === b.length) assert.deepEqual(encodeCommand(c), b);
      assert.deepEqual(decodeCommand(encodeCommand(c)), c);
      decoded++;
    } catch (e) {
      if (!CodecError.is(e)) throw e;
    }
  }
  assert.ok(decoded > 0, "some random records are valid commands");
});

test("corrupting a byte of a valid record never escapes as a non-codec error", () => {
  for (const c of EVERY) {
    const good = encodeCommand(c);
    for (let i = 0; i < good.length; i++) {
      for (const x of [0x01, 0x80, 0xff]) {
        const b = Uint8Array.from(good);
        b[i] = b[i]! ^ x;
        try {
          decodeCommand(b);
        } catch (e) {
          if (!CodecError.is(e)) throw e;
        }
      }
    }
  }
});

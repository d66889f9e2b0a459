// CANCEL_ALL record layout. Little-endian; u64 = safe integer as two u32 halves. Total: 24 bytes.
import type { CancelAll } from "../../commands.js";
import { Op } from "../../commands.js";
import { readU32, readU64, writeU32, writeU64 } from "../bytes.js";
import { exactLength, reservedZero, room, u32, u64 } from "./fields.js";

export const CA_OP = 0; //         u8  Op.CANCEL_ALL
export const CA_RESERVED = 1; //   3 bytes, zero
export const CA_SYMBOL_ID = 4; //  u32
export const CA_TS = 8; //         u64 ms since epoch
export const CA_USER_ID = 16; //   u64
export const CA_SIZE = 24;

export function encodeCancelAll(c: CancelAll, buf: Uint8Array, off: number): number {
  u32("symbolId", c.symbolId);
  u64("ts", c.ts);
  u64("userId", c.userId);
  room(buf, off, CA_SIZE);
  buf[off + CA_OP] = Op.CANCEL_ALL;
  buf.fill(0, off + CA_RESERVED, off + CA_SYMBOL_ID);
  writeU32(buf, off + CA_SYMBOL_ID, c.symbolId);
  writeU64(buf, off + CA_TS, c.ts);
  writeU64(buf, off + CA_USER_ID, c.userId);
  return CA_SIZE;
}

export function decodeCancelAll(buf: Uint8Array, off: number, len: number): CancelAll {
  exactLength("CANCEL_ALL", len, CA_SIZE);
  reservedZero(buf, off + CA_RESERVED, off + CA_SYMBOL_ID);
  return {
    op: Op.CANCEL_ALL,
    ts: readU64(buf, off + CA_TS),
    userId: readU64(buf, off + CA_USER_ID),
    symbolId: readU32(buf, off + CA_SYMBOL_ID),
  };
}

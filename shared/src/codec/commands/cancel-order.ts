// CANCEL_ORDER record layout. Little-endian; u64 = safe integer as two u32 halves. Total: 32 bytes.
import type { CancelOrder } from "../../commands.js";
import { Op } from "../../commands.js";
import { readU32, readU64, writeU32, writeU64 } from "../bytes.js";
import { exactLength, reservedZero, room, u32, u64 } from "./fields.js";

export const CO_OP = 0; //         u8  Op.CANCEL_ORDER
export const CO_RESERVED = 1; //   3 bytes, zero
export const CO_SYMBOL_ID = 4; //  u32
export const CO_TS = 8; //         u64 ms since epoch
export const CO_USER_ID = 16; //   u64
export const CO_ORDER_ID = 24; //  u64
export const CO_SIZE = 32;

export function encodeCancelOrder(c: CancelOrder, buf: Uint8Array, off: number): number {
  u32("symbolId", c.symbolId);
  u64("ts", c.ts);
  u64("userId", c.userId);
  u64("orderId", c.orderId);
  room(buf, off, CO_SIZE);
  buf[off + CO_OP] = Op.CANCEL_ORDER;
  buf.fill(0, off + CO_RESERVED, off + CO_SYMBOL_ID);
  writeU32(buf, off + CO_SYMBOL_ID, c.symbolId);
  writeU64(buf, off + CO_TS, c.ts);
  writeU64(buf, off + CO_USER_ID, c.userId);
  writeU64(buf, off + CO_ORDER_ID, c.orderId);
  return CO_SIZE;
}

export function decodeCancelOrder(buf: Uint8Array, off: number, len: number): CancelOrder {
  exactLength("CANCEL_ORDER", len, CO_SIZE);
  reservedZero(buf, off + CO_RESERVED, off + CO_SYMBOL_ID);
  return {
    op: Op.CANCEL_ORDER,
    ts: readU64(buf, off + CO_TS),
    userId: readU64(buf, off + CO_USER_ID),
    symbolId: readU32(buf, off + CO_SYMBOL_ID),
    orderId: readU64(buf, off + CO_ORDER_ID),
  };
}

// AMEND_ORDER record layout. Little-endian; u64 = safe integer as two u32 halves. Total: 48 bytes.
import type { AmendOrder } from "../../commands.js";
import { Op } from "../../commands.js";
import { readU32, readU64, writeU32, writeU64 } from "../bytes.js";
import { exactLength, reservedZero, room, u32, u64 } from "./fields.js";

export const AO_OP = 0; //         u8  Op.AMEND_ORDER
export const AO_RESERVED = 1; //   3 bytes, zero
export const AO_SYMBOL_ID = 4; //  u32
export const AO_TS = 8; //         u64 ms since epoch
export const AO_USER_ID = 16; //   u64
export const AO_ORDER_ID = 24; //  u64
export const AO_PRICE = 32; //     u64 price units (new, or the old one when unchanged)
export const AO_QTY = 40; //       u64 qty units (new original quantity)
export const AO_SIZE = 48;

export function encodeAmendOrder(c: AmendOrder, buf: Uint8Array, off: number): number {
  u32("symbolId", c.symbolId);
  u64("ts", c.ts);
  u64("userId", c.userId);
  u64("orderId", c.orderId);
  u64("price", c.price);
  u64("qty", c.qty);
  room(buf, off, AO_SIZE);
  buf[off + AO_OP] = Op.AMEND_ORDER;
  buf.fill(0, off + AO_RESERVED, off + AO_SYMBOL_ID);
  writeU32(buf, off + AO_SYMBOL_ID, c.symbolId);
  writeU64(buf, off + AO_TS, c.ts);
  writeU64(buf, off + AO_USER_ID, c.userId);
  writeU64(buf, off + AO_ORDER_ID, c.orderId);
  writeU64(buf, off + AO_PRICE, c.price);
  writeU64(buf, off + AO_QTY, c.qty);
  return AO_SIZE;
}

export function decodeAmendOrder(buf: Uint8Array, off: number, len: number): AmendOrder {
  exactLength("AMEND_ORDER", len, AO_SIZE);
  reservedZero(buf, off + AO_RESERVED, off + AO_SYMBOL_ID);
  return {
    op: Op.AMEND_ORDER,
    ts: readU64(buf, off + AO_TS),
    userId: readU64(buf, off + AO_USER_ID),
    symbolId: readU32(buf, off + AO_SYMBOL_ID),
    orderId: readU64(buf, off + AO_ORDER_ID),
    price: readU64(buf, off + AO_PRICE),
    qty: readU64(buf, off + AO_QTY),
  };
}

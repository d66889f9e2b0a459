// ORACLE_PRICE record layout. Little-endian; u64 = safe integer as two u32 halves. Total: 24 bytes.
import type { OraclePrice } from "../../commands.js";
import { Op } from "../../commands.js";
import { readU32, readU64, writeU32, writeU64 } from "../bytes.js";
import { exactLength, reservedZero, room, u32, u64 } from "./fields.js";

export const OP_OP = 0; //         u8  Op.ORACLE_PRICE
export const OP_RESERVED = 1; //   3 bytes, zero
export const OP_SYMBOL_ID = 4; //  u32
export const OP_TS = 8; //         u64 ms since epoch
export const OP_PRICE = 16; //     u64 index price in price units
export const OP_SIZE = 24;

export function encodeOraclePrice(c: OraclePrice, buf: Uint8Array, off: number): number {
  u32("symbolId", c.symbolId);
  u64("ts", c.ts);
  u64("price", c.price);
  room(buf, off, OP_SIZE);
  buf[off + OP_OP] = Op.ORACLE_PRICE;
  buf.fill(0, off + OP_RESERVED, off + OP_SYMBOL_ID);
  writeU32(buf, off + OP_SYMBOL_ID, c.symbolId);
  writeU64(buf, off + OP_TS, c.ts);
  writeU64(buf, off + OP_PRICE, c.price);
  return OP_SIZE;
}

export function decodeOraclePrice(buf: Uint8Array, off: number, len: number): OraclePrice {
  exactLength("ORACLE_PRICE", len, OP_SIZE);
  reservedZero(buf, off + OP_RESERVED, off + OP_SYMBOL_ID);
  return {
    op: Op.ORACLE_PRICE,
    ts: readU64(buf, off + OP_TS),
    symbolId: readU32(buf, off + OP_SYMBOL_ID),
    price: readU64(buf, off + OP_PRICE),
  };
}

// AMEND (main → worker). Amend a resting order to a price and remaining quantity: OrderBookApi.amend,
// answered like a place (outcome included when it succeeds) and by AMEND_RESULT.
//   off  size  field
//   0    1     opcode = MatcherOp.AMEND
//   4    4     symbolId: u32, symbol id
//   8    8     seq: u64 (two u32 halves, low first), engine seq of the command
//   16   8     orderId: i64 (two u32 halves, low first), order id
//   24   8     userId: u64 (two u32 halves, low first), user id
//   32   8     price: u64 (two u32 halves, low first), new limit price
//   40   8     remaining: u64 (two u32 halves, low first), new remaining quantity (> 0)
//   48         size; the rest of the 64-byte slot is not written (it keeps stale bytes)
import type { CommandFields } from "./fields.js";
import { DecodeStatus, MatcherOp } from "./opcodes.js";
import { readI64, readU64, writeI64, writeU64 } from "./u64.js";

export const AMEND = {
  OP: 0,
  SYMBOL_ID: 4,
  SEQ: 8,
  ORDER_ID: 16,
  USER_ID: 24,
  PRICE: 32,
  REMAINING: 40,
  SIZE: 48,
} as const;

export function encodeAmend(
  v: DataView,
  off: number,
  seq: number,
  symbolId: number,
  orderId: number,
  userId: number,
  price: number,
  remaining: number,
): void {
  v.setUint8(off, MatcherOp.AMEND);
  v.setUint32(off + AMEND.SYMBOL_ID, symbolId, true);
  writeU64(v, off + AMEND.SEQ, seq);
  writeI64(v, off + AMEND.ORDER_ID, orderId);
  writeU64(v, off + AMEND.USER_ID, userId);
  writeU64(v, off + AMEND.PRICE, price);
  writeU64(v, off + AMEND.REMAINING, remaining);
}

/** Reads the slot at `off` (opcode already known to be AMEND) into `out`. */
export function decodeAmend(v: DataView, off: number, out: CommandFields): DecodeStatus {
  const seq = readU64(v, off + AMEND.SEQ);
  const orderId = readI64(v, off + AMEND.ORDER_ID);
  const userId = readU64(v, off + AMEND.USER_ID);
  const price = readU64(v, off + AMEND.PRICE);
  const remaining = readU64(v, off + AMEND.REMAINING);
  if (seq < 0 || Number.isNaN(orderId) || userId < 0 || price < 0 || remaining < 0)
    return DecodeStatus.UNSAFE_INTEGER;
  out.op = MatcherOp.AMEND;
  out.symbolId = v.getUint32(off + AMEND.SYMBOL_ID, true);
  out.seq = seq;
  out.orderId = orderId;
  out.userId = userId;
  out.price = price;
  out.qty = remaining;
  return DecodeStatus.OK;
}

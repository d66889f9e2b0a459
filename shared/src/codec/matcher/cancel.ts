// CANCEL (main → worker). Cancel one resting order of the user: OrderBookApi.cancel, answered by
// CANCEL_RESULT.
//   off  size  field
//   0    1     opcode = MatcherOp.CANCEL
//   4    4     symbolId: u32, symbol id
//   8    8     seq: u64 (two u32 halves, low first), engine seq of the command
//   16   8     orderId: i64 (two u32 halves, low first), order id
//   24   8     userId: u64 (two u32 halves, low first), user id
//   32         size; the rest of the 64-byte slot is not written (it keeps stale bytes)
import type { CommandFields } from "./fields.js";
import { DecodeStatus, MatcherOp } from "./opcodes.js";
import { readI64, readU64, writeI64, writeU64 } from "./u64.js";

export const CANCEL = {
  OP: 0,
  SYMBOL_ID: 4,
  SEQ: 8,
  ORDER_ID: 16,
  USER_ID: 24,
  SIZE: 32,
} as const;

export function encodeCancel(
  v: DataView,
  off: number,
  seq: number,
  symbolId: number,
  orderId: number,
  userId: number,
): void {
  v.setUint8(off, MatcherOp.CANCEL);
  v.setUint32(off + CANCEL.SYMBOL_ID, symbolId, true);
  writeU64(v, off + CANCEL.SEQ, seq);
  writeI64(v, off + CANCEL.ORDER_ID, orderId);
  writeU64(v, off + CANCEL.USER_ID, userId);
}

/** Reads the slot at `off` (opcode already known to be CANCEL) into `out`. */
export function decodeCancel(v: DataView, off: number, out: CommandFields): DecodeStatus {
  const seq = readU64(v, off + CANCEL.SEQ);
  const orderId = readI64(v, off + CANCEL.ORDER_ID);
  const userId = readU64(v, off + CANCEL.USER_ID);
  if (seq < 0 || Number.isNaN(orderId) || userId < 0) return DecodeStatus.UNSAFE_INTEGER;
  out.op = MatcherOp.CANCEL;
  out.symbolId = v.getUint32(off + CANCEL.SYMBOL_ID, true);
  out.seq = seq;
  out.orderId = orderId;
  out.userId = userId;
  return DecodeStatus.OK;
}

// CANCEL_ALL (main → worker). Cancel every resting order of the user on the symbol: OrderBookApi.cancelAll,
// answered by CANCEL_ALL_RESULT.
//   off  size  field
//   0    1     opcode = MatcherOp.CANCEL_ALL
//   4    4     symbolId: u32, symbol id
//   8    8     seq: u64 (two u32 halves, low first), engine seq of the command
//   16   8     userId: u64 (two u32 halves, low first), user id
//   24         size; the rest of the 64-byte slot is not written (it keeps stale bytes)
import type { CommandFields } from "./fields.js";
import { DecodeStatus, MatcherOp } from "./opcodes.js";
import { readU64, writeU64 } from "./u64.js";

export const CANCEL_ALL = {
  OP: 0,
  SYMBOL_ID: 4,
  SEQ: 8,
  USER_ID: 16,
  SIZE: 24,
} as const;

export function encodeCancelAll(
  v: DataView,
  off: number,
  seq: number,
  symbolId: number,
  userId: number,
): void {
  v.setUint8(off, MatcherOp.CANCEL_ALL);
  v.setUint32(off + CANCEL_ALL.SYMBOL_ID, symbolId, true);
  writeU64(v, off + CANCEL_ALL.SEQ, seq);
  writeU64(v, off + CANCEL_ALL.USER_ID, userId);
}

/** Reads the slot at `off` (opcode already known to be CANCEL_ALL) into `out`. */
export function decodeCancelAll(v: DataView, off: number, out: CommandFields): DecodeStatus {
  const seq = readU64(v, off + CANCEL_ALL.SEQ);
  const userId = readU64(v, off + CANCEL_ALL.USER_ID);
  if (seq < 0 || userId < 0) return DecodeStatus.UNSAFE_INTEGER;
  out.op = MatcherOp.CANCEL_ALL;
  out.symbolId = v.getUint32(off + CANCEL_ALL.SYMBOL_ID, true);
  out.seq = seq;
  out.userId = userId;
  return DecodeStatus.OK;
}

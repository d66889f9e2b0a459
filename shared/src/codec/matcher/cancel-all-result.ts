// CANCEL_ALL_RESULT (worker → main). Return value of OrderBookApi.cancelAll (orders canceled), after its
// REMOVED and LEVEL events.
//   off  size  field
//   0    1     opcode = MatcherOp.CANCEL_ALL_RESULT
//   8    8     userId: u64 (two u32 halves, low first), user id of the command
//   16   8     count: u64 (two u32 halves, low first), orders canceled
//   24         size; the rest of the 64-byte slot is not written (it keeps stale bytes)
import type { EventFields } from "./fields.js";
import { DecodeStatus, MatcherOp } from "./opcodes.js";
import { readU64, writeU64 } from "./u64.js";

export const CANCEL_ALL_RESULT = {
  OP: 0,
  USER_ID: 8,
  COUNT: 16,
  SIZE: 24,
} as const;

export function encodeCancelAllResult(v: DataView, off: number, userId: number, count: number): void {
  v.setUint8(off, MatcherOp.CANCEL_ALL_RESULT);
  writeU64(v, off + CANCEL_ALL_RESULT.USER_ID, userId);
  writeU64(v, off + CANCEL_ALL_RESULT.COUNT, count);
}

/** Reads the slot at `off` (opcode already known to be CANCEL_ALL_RESULT) into `out`. */
export function decodeCancelAllResult(v: DataView, off: number, out: EventFields): DecodeStatus {
  const userId = readU64(v, off + CANCEL_ALL_RESULT.USER_ID);
  const count = readU64(v, off + CANCEL_ALL_RESULT.COUNT);
  if (userId < 0 || count < 0) return DecodeStatus.UNSAFE_INTEGER;
  out.op = MatcherOp.CANCEL_ALL_RESULT;
  out.userId = userId;
  out.count = count;
  return DecodeStatus.OK;
}

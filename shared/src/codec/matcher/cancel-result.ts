// CANCEL_RESULT (worker → main). Return value of OrderBookApi.cancel, after its REMOVED and LEVEL events.
//   off  size  field
//   0    1     opcode = MatcherOp.CANCEL_RESULT
//   1    1     result: u8, CancelResult
//   8    8     orderId: i64 (two u32 halves, low first), order id of the command
//   16         size; the rest of the 64-byte slot is not written (it keeps stale bytes)
import type { EventFields } from "./fields.js";
import { DecodeStatus, MatcherOp, RESULT_MAX } from "./opcodes.js";
import { readI64, writeI64 } from "./u64.js";

export const CANCEL_RESULT = {
  OP: 0,
  RESULT: 1,
  ORDER_ID: 8,
  SIZE: 16,
} as const;

export function encodeCancelResult(v: DataView, off: number, orderId: number, result: number): void {
  v.setUint8(off, MatcherOp.CANCEL_RESULT);
  v.setUint8(off + CANCEL_RESULT.RESULT, result);
  writeI64(v, off + CANCEL_RESULT.ORDER_ID, orderId);
}

/** Reads the slot at `off` (opcode already known to be CANCEL_RESULT) into `out`. */
export function decodeCancelResult(v: DataView, off: number, out: EventFields): DecodeStatus {
  const result = v.getUint8(off + CANCEL_RESULT.RESULT);
  if (result > RESULT_MAX) return DecodeStatus.BAD_ENUM;
  const orderId = readI64(v, off + CANCEL_RESULT.ORDER_ID);
  if (Number.isNaN(orderId)) return DecodeStatus.UNSAFE_INTEGER;
  out.op = MatcherOp.CANCEL_RESULT;
  out.result = result;
  out.orderId = orderId;
  return DecodeStatus.OK;
}

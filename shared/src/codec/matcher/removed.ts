// REMOVED (worker → main). A resting order left the book without a fill: BookSink.removed.
//   off  size  field
//   0    1     opcode = MatcherOp.REMOVED
//   1    1     reason: u8, RemoveReason
//   8    8     orderId: i64 (two u32 halves, low first), order id
//   16   8     userId: u64 (two u32 halves, low first), user id
//   24   8     remaining: u64 (two u32 halves, low first), remaining qty when removed
//   32         size; the rest of the 64-byte slot is not written (it keeps stale bytes)
import type { EventFields } from "./fields.js";
import { DecodeStatus, MatcherOp, REASON_MAX } from "./opcodes.js";
import { readI64, readU64, writeI64, writeU64 } from "./u64.js";

export const REMOVED = {
  OP: 0,
  REASON: 1,
  ORDER_ID: 8,
  USER_ID: 16,
  REMAINING: 24,
  SIZE: 32,
} as const;

export function encodeRemoved(
  v: DataView,
  off: number,
  orderId: number,
  userId: number,
  remaining: number,
  reason: number,
): void {
  v.setUint8(off, MatcherOp.REMOVED);
  v.setUint8(off + REMOVED.REASON, reason);
  writeI64(v, off + REMOVED.ORDER_ID, orderId);
  writeU64(v, off + REMOVED.USER_ID, userId);
  writeU64(v, off + REMOVED.REMAINING, remaining);
}

/** Reads the slot at `off` (opcode already known to be REMOVED) into `out`. */
export function decodeRemoved(v: DataView, off: number, out: EventFields): DecodeStatus {
  const reason = v.getUint8(off + REMOVED.REASON);
  if (reason > REASON_MAX) return DecodeStatus.BAD_ENUM;
  const orderId = readI64(v, off + REMOVED.ORDER_ID);
  const userId = readU64(v, off + REMOVED.USER_ID);
  const remaining = readU64(v, off + REMOVED.REMAINING);
  if (Number.isNaN(orderId) || userId < 0 || remaining < 0) return DecodeStatus.UNSAFE_INTEGER;
  out.op = MatcherOp.REMOVED;
  out.reason = reason;
  out.orderId = orderId;
  out.userId = userId;
  out.remaining = remaining;
  return DecodeStatus.OK;
}

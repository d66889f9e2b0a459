// OUTCOME (worker → main). The command's own order: BookSink.outcome.
//   off  size  field
//   0    1     opcode = MatcherOp.OUTCOME
//   1    1     outcome: u8, PlaceOutcome
//   8    8     orderId: i64 (two u32 halves, low first), order id
//   16   8     userId: u64 (two u32 halves, low first), user id
//   24   8     filled: u64 (two u32 halves, low first), qty filled in this command
//   32   8     remaining: u64 (two u32 halves, low first), remaining qty (resting or expired)
//   40         size; the rest of the 64-byte slot is not written (it keeps stale bytes)
import type { EventFields } from "./fields.js";
import { DecodeStatus, MatcherOp, OUTCOME_MAX } from "./opcodes.js";
import { readI64, readU64, writeI64, writeU64 } from "./u64.js";

export const OUTCOME = {
  OP: 0,
  OUTCOME: 1,
  ORDER_ID: 8,
  USER_ID: 16,
  FILLED: 24,
  REMAINING: 32,
  SIZE: 40,
} as const;

export function encodeOutcome(
  v: DataView,
  off: number,
  orderId: number,
  userId: number,
  outcome: number,
  filled: number,
  remaining: number,
): void {
  v.setUint8(off, MatcherOp.OUTCOME);
  v.setUint8(off + OUTCOME.OUTCOME, outcome);
  writeI64(v, off + OUTCOME.ORDER_ID, orderId);
  writeU64(v, off + OUTCOME.USER_ID, userId);
  writeU64(v, off + OUTCOME.FILLED, filled);
  writeU64(v, off + OUTCOME.REMAINING, remaining);
}

/** Reads the slot at `off` (opcode already known to be OUTCOME) into `out`. */
export function decodeOutcome(v: DataView, off: number, out: EventFields): DecodeStatus {
  const outcome = v.getUint8(off + OUTCOME.OUTCOME);
  if (outcome > OUTCOME_MAX) return DecodeStatus.BAD_ENUM;
  const orderId = readI64(v, off + OUTCOME.ORDER_ID);
  const userId = readU64(v, off + OUTCOME.USER_ID);
  const filled = readU64(v, off + OUTCOME.FILLED);
  const remaining = readU64(v, off + OUTCOME.REMAINING);
  if (Number.isNaN(orderId) || userId < 0 || filled < 0 || remaining < 0) return DecodeStatus.UNSAFE_INTEGER;
  out.op = MatcherOp.OUTCOME;
  out.outcome = outcome;
  out.orderId = orderId;
  out.userId = userId;
  out.filled = filled;
  out.remaining = remaining;
  return DecodeStatus.OK;
}

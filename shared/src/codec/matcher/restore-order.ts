// RESTORE_ORDER (main → worker). One resting order of a book being rebuilt from a snapshot, in the order
// SNAPSHOT_ORDER gave them. The worker collects them until RESTORE_END; no answer of its own.
//   off  size  field
//   0    1     opcode = MatcherOp.RESTORE_ORDER
//   1    1     side: u8, Side
//   2    1     stp: u8, StpMode
//   4    4     symbolId: u32, symbol id
//   8    8     orderId: i64 (two u32 halves, low first), order id
//   16   8     userId: u64 (two u32 halves, low first), user id
//   24   8     price: u64 (two u32 halves, low first), limit price
//   32   8     remaining: u64 (two u32 halves, low first), remaining quantity
//   40         size; the rest of the 64-byte slot is not written (it keeps stale bytes)
import type { Side, StpMode } from "../../domain.js";
import type { CommandFields } from "./fields.js";
import { DecodeStatus, MatcherOp, SIDE_MAX, STP_MAX } from "./opcodes.js";
import { readI64, readU64, writeI64, writeU64 } from "./u64.js";

export const RESTORE_ORDER = {
  OP: 0,
  SIDE: 1,
  STP: 2,
  SYMBOL_ID: 4,
  ORDER_ID: 8,
  USER_ID: 16,
  PRICE: 24,
  REMAINING: 32,
  SIZE: 40,
} as const;

export function encodeRestoreOrder(
  v: DataView,
  off: number,
  symbolId: number,
  orderId: number,
  userId: number,
  side: Side,
  price: number,
  remaining: number,
  stp: StpMode,
): void {
  v.setUint8(off, MatcherOp.RESTORE_ORDER);
  v.setUint8(off + RESTORE_ORDER.SIDE, side);
  v.setUint8(off + RESTORE_ORDER.STP, stp);
  v.setUint32(off + RESTORE_ORDER.SYMBOL_ID, symbolId, true);
  writeI64(v, off + RESTORE_ORDER.ORDER_ID, orderId);
  writeU64(v, off + RESTORE_ORDER.USER_ID, userId);
  writeU64(v, off + RESTORE_ORDER.PRICE, price);
  writeU64(v, off + RESTORE_ORDER.REMAINING, remaining);
}

/** Reads the slot at `off` (opcode already known to be RESTORE_ORDER) into `out`. */
export function decodeRestoreOrder(v: DataView, off: number, out: CommandFields): DecodeStatus {
  const side = v.getUint8(off + RESTORE_ORDER.SIDE);
  const stp = v.getUint8(off + RESTORE_ORDER.STP);
  if (side > SIDE_MAX || stp > STP_MAX) return DecodeStatus.BAD_ENUM;
  const orderId = readI64(v, off + RESTORE_ORDER.ORDER_ID);
  const userId = readU64(v, off + RESTORE_ORDER.USER_ID);
  const price = readU64(v, off + RESTORE_ORDER.PRICE);
  const remaining = readU64(v, off + RESTORE_ORDER.REMAINING);
  if (Number.isNaN(orderId) || userId < 0 || price < 0 || remaining < 0) return DecodeStatus.UNSAFE_INTEGER;
  out.op = MatcherOp.RESTORE_ORDER;
  out.side = side as Side;
  out.stp = stp as StpMode;
  out.symbolId = v.getUint32(off + RESTORE_ORDER.SYMBOL_ID, true);
  out.orderId = orderId;
  out.userId = userId;
  out.price = price;
  out.qty = remaining;
  return DecodeStatus.OK;
}

// SNAPSHOT_ORDER (worker → main). One resting order, in book order (OrderBookApi.forEachOrder). The STP
// mode is not in forEachOrder; the sequencer keeps it with its own order record and sends it back in
// RESTORE_ORDER.
//   off  size  field
//   0    1     opcode = MatcherOp.SNAPSHOT_ORDER
//   1    1     side: u8, Side
//   8    8     orderId: i64 (two u32 halves, low first), order id
//   16   8     userId: u64 (two u32 halves, low first), user id
//   24   8     price: u64 (two u32 halves, low first), limit price
//   32   8     remaining: u64 (two u32 halves, low first), remaining qty
//   40         size; the rest of the 64-byte slot is not written (it keeps stale bytes)
import type { Side } from "../../domain.js";
import type { EventFields } from "./fields.js";
import { DecodeStatus, MatcherOp, SIDE_MAX } from "./opcodes.js";
import { readI64, readU64, writeI64, writeU64 } from "./u64.js";

export const SNAPSHOT_ORDER = {
  OP: 0,
  SIDE: 1,
  ORDER_ID: 8,
  USER_ID: 16,
  PRICE: 24,
  REMAINING: 32,
  SIZE: 40,
} as const;

export function encodeSnapshotOrder(
  v: DataView,
  off: number,
  orderId: number,
  userId: number,
  side: Side,
  price: number,
  remaining: number,
): void {
  v.setUint8(off, MatcherOp.SNAPSHOT_ORDER);
  v.setUint8(off + SNAPSHOT_ORDER.SIDE, side);
  writeI64(v, off + SNAPSHOT_ORDER.ORDER_ID, orderId);
  writeU64(v, off + SNAPSHOT_ORDER.USER_ID, userId);
  writeU64(v, off + SNAPSHOT_ORDER.PRICE, price);
  writeU64(v, off + SNAPSHOT_ORDER.REMAINING, remaining);
}

/** Reads the slot at `off` (opcode already known to be SNAPSHOT_ORDER) into `out`. */
export function decodeSnapshotOrder(v: DataView, off: number, out: EventFields): DecodeStatus {
  const side = v.getUint8(off + SNAPSHOT_ORDER.SIDE);
  if (side > SIDE_MAX) return DecodeStatus.BAD_ENUM;
  const orderId = readI64(v, off + SNAPSHOT_ORDER.ORDER_ID);
  const userId = readU64(v, off + SNAPSHOT_ORDER.USER_ID);
  const price = readU64(v, off + SNAPSHOT_ORDER.PRICE);
  const remaining = readU64(v, off + SNAPSHOT_ORDER.REMAINING);
  if (Number.isNaN(orderId) || userId < 0 || price < 0 || remaining < 0) return DecodeStatus.UNSAFE_INTEGER;
  out.op = MatcherOp.SNAPSHOT_ORDER;
  out.side = side as Side;
  out.orderId = orderId;
  out.userId = userId;
  out.price = price;
  out.remaining = remaining;
  return DecodeStatus.OK;
}

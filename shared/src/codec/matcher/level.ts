// LEVEL (worker → main). A price level whose total changed during the command: BookSink.level.
//   off  size  field
//   0    1     opcode = MatcherOp.LEVEL
//   1    1     side: u8, Side
//   8    8     price: u64 (two u32 halves, low first), level price
//   16   8     totalQty: u64 (two u32 halves, low first), new total qty (0 = level gone)
//   24   8     updateId: u64 (two u32 halves, low first), book update id of the command
//   32         size; the rest of the 64-byte slot is not written (it keeps stale bytes)
import type { Side } from "../../domain.js";
import type { EventFields } from "./fields.js";
import { DecodeStatus, MatcherOp, SIDE_MAX } from "./opcodes.js";
import { readU64, writeU64 } from "./u64.js";

export const LEVEL = {
  OP: 0,
  SIDE: 1,
  PRICE: 8,
  TOTAL_QTY: 16,
  UPDATE_ID: 24,
  SIZE: 32,
} as const;

export function encodeLevel(
  v: DataView,
  off: number,
  side: Side,
  price: number,
  totalQty: number,
  updateId: number,
): void {
  v.setUint8(off, MatcherOp.LEVEL);
  v.setUint8(off + LEVEL.SIDE, side);
  writeU64(v, off + LEVEL.PRICE, price);
  writeU64(v, off + LEVEL.TOTAL_QTY, totalQty);
  writeU64(v, off + LEVEL.UPDATE_ID, updateId);
}

/** Reads the slot at `off` (opcode already known to be LEVEL) into `out`. */
export function decodeLevel(v: DataView, off: number, out: EventFields): DecodeStatus {
  const side = v.getUint8(off + LEVEL.SIDE);
  if (side > SIDE_MAX) return DecodeStatus.BAD_ENUM;
  const price = readU64(v, off + LEVEL.PRICE);
  const totalQty = readU64(v, off + LEVEL.TOTAL_QTY);
  const updateId = readU64(v, off + LEVEL.UPDATE_ID);
  if (price < 0 || totalQty < 0 || updateId < 0) return DecodeStatus.UNSAFE_INTEGER;
  out.op = MatcherOp.LEVEL;
  out.side = side as Side;
  out.price = price;
  out.totalQty = totalQty;
  out.updateId = updateId;
  return DecodeStatus.OK;
}

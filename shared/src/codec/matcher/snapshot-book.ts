// SNAPSHOT_BOOK (worker → main). First answer to SNAPSHOT_REQUEST: the book header; `count` SNAPSHOT_ORDER
// slots follow.
//   off  size  field
//   0    1     opcode = MatcherOp.SNAPSHOT_BOOK
//   4    4     symbolId: u32, symbol id
//   8    8     updateId: u64 (two u32 halves, low first), last book update id
//   16   8     count: u64 (two u32 halves, low first), resting orders that follow
//   24         size; the rest of the 64-byte slot is not written (it keeps stale bytes)
import type { EventFields } from "./fields.js";
import { DecodeStatus, MatcherOp } from "./opcodes.js";
import { readU64, writeU64 } from "./u64.js";

export const SNAPSHOT_BOOK = {
  OP: 0,
  SYMBOL_ID: 4,
  UPDATE_ID: 8,
  COUNT: 16,
  SIZE: 24,
} as const;

export function encodeSnapshotBook(
  v: DataView,
  off: number,
  symbolId: number,
  updateId: number,
  count: number,
): void {
  v.setUint8(off, MatcherOp.SNAPSHOT_BOOK);
  v.setUint32(off + SNAPSHOT_BOOK.SYMBOL_ID, symbolId, true);
  writeU64(v, off + SNAPSHOT_BOOK.UPDATE_ID, updateId);
  writeU64(v, off + SNAPSHOT_BOOK.COUNT, count);
}

/** Reads the slot at `off` (opcode already known to be SNAPSHOT_BOOK) into `out`. */
export function decodeSnapshotBook(v: DataView, off: number, out: EventFields): DecodeStatus {
  const updateId = readU64(v, off + SNAPSHOT_BOOK.UPDATE_ID);
  const count = readU64(v, off + SNAPSHOT_BOOK.COUNT);
  if (updateId < 0 || count < 0) return DecodeStatus.UNSAFE_INTEGER;
  out.op = MatcherOp.SNAPSHOT_BOOK;
  out.symbolId = v.getUint32(off + SNAPSHOT_BOOK.SYMBOL_ID, true);
  out.updateId = updateId;
  out.count = count;
  return DecodeStatus.OK;
}

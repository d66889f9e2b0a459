// RESTORE_END (main → worker). Ends a restore: the worker calls OrderBookApi.restore(collected orders,
// updateId) on a fresh book (replacing any book of that symbol) and answers COMMAND_DONE. `count` must
// equal the RESTORE_ORDER slots sent for the symbol since the last RESTORE_END (a mismatch is a fatal
// worker error).
//   off  size  field
//   0    1     opcode = MatcherOp.RESTORE_END
//   4    4     symbolId: u32, symbol id
//   8    8     seq: u64 (two u32 halves, low first), engine seq of the command
//   16   8     updateId: u64 (two u32 halves, low first), book update id to restore
//   24   8     count: u64 (two u32 halves, low first), RESTORE_ORDER slots that preceded it
//   32         size; the rest of the 64-byte slot is not written (it keeps stale bytes)
import type { CommandFields } from "./fields.js";
import { DecodeStatus, MatcherOp } from "./opcodes.js";
import { readU64, writeU64 } from "./u64.js";

export const RESTORE_END = {
  OP: 0,
  SYMBOL_ID: 4,
  SEQ: 8,
  UPDATE_ID: 16,
  COUNT: 24,
  SIZE: 32,
} as const;

export function encodeRestoreEnd(
  v: DataView,
  off: number,
  seq: number,
  symbolId: number,
  updateId: number,
  count: number,
): void {
  v.setUint8(off, MatcherOp.RESTORE_END);
  v.setUint32(off + RESTORE_END.SYMBOL_ID, symbolId, true);
  writeU64(v, off + RESTORE_END.SEQ, seq);
  writeU64(v, off + RESTORE_END.UPDATE_ID, updateId);
  writeU64(v, off + RESTORE_END.COUNT, count);
}

/** Reads the slot at `off` (opcode already known to be RESTORE_END) into `out`. */
export function decodeRestoreEnd(v: DataView, off: number, out: CommandFields): DecodeStatus {
  const seq = readU64(v, off + RESTORE_END.SEQ);
  const updateId = readU64(v, off + RESTORE_END.UPDATE_ID);
  const count = readU64(v, off + RESTORE_END.COUNT);
  if (seq < 0 || updateId < 0 || count < 0) return DecodeStatus.UNSAFE_INTEGER;
  out.op = MatcherOp.RESTORE_END;
  out.symbolId = v.getUint32(off + RESTORE_END.SYMBOL_ID, true);
  out.seq = seq;
  out.updateId = updateId;
  out.count = count;
  return DecodeStatus.OK;
}

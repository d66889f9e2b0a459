// SNAPSHOT_REQUEST (main → worker). Ask for the state of one book: answered by SNAPSHOT_BOOK, one
// SNAPSHOT_ORDER per resting order (book order), then COMMAND_DONE. Changes nothing.
//   off  size  field
//   0    1     opcode = MatcherOp.SNAPSHOT_REQUEST
//   4    4     symbolId: u32, symbol id
//   8    8     seq: u64 (two u32 halves, low first), engine seq of the command
//   16         size; the rest of the 64-byte slot is not written (it keeps stale bytes)
import type { CommandFields } from "./fields.js";
import { DecodeStatus, MatcherOp } from "./opcodes.js";
import { readU64, writeU64 } from "./u64.js";

export const SNAPSHOT_REQUEST = {
  OP: 0,
  SYMBOL_ID: 4,
  SEQ: 8,
  SIZE: 16,
} as const;

export function encodeSnapshotRequest(v: DataView, off: number, seq: number, symbolId: number): void {
  v.setUint8(off, MatcherOp.SNAPSHOT_REQUEST);
  v.setUint32(off + SNAPSHOT_REQUEST.SYMBOL_ID, symbolId, true);
  writeU64(v, off + SNAPSHOT_REQUEST.SEQ, seq);
}

/** Reads the slot at `off` (opcode already known to be SNAPSHOT_REQUEST) into `out`. */
export function decodeSnapshotRequest(v: DataView, off: number, out: CommandFields): DecodeStatus {
  const seq = readU64(v, off + SNAPSHOT_REQUEST.SEQ);
  if (seq < 0) return DecodeStatus.UNSAFE_INTEGER;
  out.op = MatcherOp.SNAPSHOT_REQUEST;
  out.symbolId = v.getUint32(off + SNAPSHOT_REQUEST.SYMBOL_ID, true);
  out.seq = seq;
  return DecodeStatus.OK;
}

// CRASH (main → worker). Test hook: a worker started with test hooks throws when it reads this (to test
// supervision); a production worker treats it as an unknown opcode, which is also fatal.
//   off  size  field
//   0    1     opcode = MatcherOp.CRASH
//   8    8     seq: u64 (two u32 halves, low first), engine seq of the command
//   16         size; the rest of the 64-byte slot is not written (it keeps stale bytes)
import type { CommandFields } from "./fields.js";
import { DecodeStatus, MatcherOp } from "./opcodes.js";
import { readU64, writeU64 } from "./u64.js";

export const CRASH = {
  OP: 0,
  SEQ: 8,
  SIZE: 16,
} as const;

export function encodeCrash(v: DataView, off: number, seq: number): void {
  v.setUint8(off, MatcherOp.CRASH);
  writeU64(v, off + CRASH.SEQ, seq);
}

/** Reads the slot at `off` (opcode already known to be CRASH) into `out`. */
export function decodeCrash(v: DataView, off: number, out: CommandFields): DecodeStatus {
  const seq = readU64(v, off + CRASH.SEQ);
  if (seq < 0) return DecodeStatus.UNSAFE_INTEGER;
  out.op = MatcherOp.CRASH;
  out.seq = seq;
  return DecodeStatus.OK;
}

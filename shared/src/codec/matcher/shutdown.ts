// SHUTDOWN (main → worker). Stop: the worker publishes what it has, closes its output ring and exits. No
// answer.
//   off  size  field
//   0    1     opcode = MatcherOp.SHUTDOWN
//   1          size; the rest of the 64-byte slot is not written (it keeps stale bytes)
import type { CommandFields } from "./fields.js";
import { DecodeStatus, MatcherOp } from "./opcodes.js";

export const SHUTDOWN = {
  OP: 0,
  SIZE: 1,
} as const;

export function encodeShutdown(v: DataView, off: number): void {
  v.setUint8(off, MatcherOp.SHUTDOWN);
}

/** Reads the slot at `off` (opcode already known to be SHUTDOWN) into `out`. */
export function decodeShutdown(_v: DataView, _off: number, out: CommandFields): DecodeStatus {
  out.op = MatcherOp.SHUTDOWN;
  return DecodeStatus.OK;
}

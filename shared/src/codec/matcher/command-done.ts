// COMMAND_DONE (worker → main). Last slot of every command's answer (not SHUTDOWN or RESTORE_ORDER): every
// event of the command with engine seq `seq` has arrived. `eventCount` lets the reader check that none was
// lost.
//   off  size  field
//   0    1     opcode = MatcherOp.COMMAND_DONE
//   1    1     cmdOp: u8, opcode of the completed command
//   4    4     eventCount: u32, events written for the command before this slot
//   8    8     seq: u64 (two u32 halves, low first), engine seq of the command
//   16         size; the rest of the 64-byte slot is not written (it keeps stale bytes)
import type { EventFields } from "./fields.js";
import { COMMAND_OP_MAX, DecodeStatus, MatcherOp } from "./opcodes.js";
import { readU64, writeU64 } from "./u64.js";

export const COMMAND_DONE = {
  OP: 0,
  CMD_OP: 1,
  EVENT_COUNT: 4,
  SEQ: 8,
  SIZE: 16,
} as const;

export function encodeCommandDone(
  v: DataView,
  off: number,
  seq: number,
  cmdOp: number,
  eventCount: number,
): void {
  v.setUint8(off, MatcherOp.COMMAND_DONE);
  v.setUint8(off + COMMAND_DONE.CMD_OP, cmdOp);
  v.setUint32(off + COMMAND_DONE.EVENT_COUNT, eventCount, true);
  writeU64(v, off + COMMAND_DONE.SEQ, seq);
}

/** Reads the slot at `off` (opcode already known to be COMMAND_DONE) into `out`. */
export function decodeCommandDone(v: DataView, off: number, out: EventFields): DecodeStatus {
  const cmdOp = v.getUint8(off + COMMAND_DONE.CMD_OP);
  if (cmdOp < 1 || cmdOp > COMMAND_OP_MAX) return DecodeStatus.BAD_ENUM;
  const seq = readU64(v, off + COMMAND_DONE.SEQ);
  if (seq < 0) return DecodeStatus.UNSAFE_INTEGER;
  out.op = MatcherOp.COMMAND_DONE;
  out.cmdOp = cmdOp;
  out.eventCount = v.getUint32(off + COMMAND_DONE.EVENT_COUNT, true);
  out.seq = seq;
  return DecodeStatus.OK;
}

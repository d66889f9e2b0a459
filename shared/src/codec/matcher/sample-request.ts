// SAMPLE_REQUEST (main → worker). Read one book for the mark price and funding samples (SPEC §6): best
// bid/ask and what a taker of `maxQuoteUnits` would fill on each side. Answered by SAMPLE_RESULT, then
// COMMAND_DONE. Changes nothing.
//   off  size  field
//   0    1     opcode = MatcherOp.SAMPLE_REQUEST
//   4    4     symbolId: u32, symbol id
//   8    8     seq: u64 (two u32 halves, low first), engine seq of the command
//   16   8     maxQuoteUnits: u64, impact notional in price·qty units
//   24         size; the rest of the 64-byte slot is not written (it keeps stale bytes)
import type { CommandFields } from "./fields.js";
import { DecodeStatus, MatcherOp } from "./opcodes.js";
import { readU64, writeU64 } from "./u64.js";

export const SAMPLE_REQUEST = {
  OP: 0,
  SYMBOL_ID: 4,
  SEQ: 8,
  MAX_QUOTE: 16,
  SIZE: 24,
} as const;

export function encodeSampleRequest(
  v: DataView,
  off: number,
  seq: number,
  symbolId: number,
  maxQuoteUnits: number,
): void {
  v.setUint8(off, MatcherOp.SAMPLE_REQUEST);
  v.setUint32(off + SAMPLE_REQUEST.SYMBOL_ID, symbolId, true);
  writeU64(v, off + SAMPLE_REQUEST.SEQ, seq);
  writeU64(v, off + SAMPLE_REQUEST.MAX_QUOTE, maxQuoteUnits);
}

/** Reads the slot at `off` (opcode already known to be SAMPLE_REQUEST) into `out` (maxQuoteUnits → qty). */
export function decodeSampleRequest(v: DataView, off: number, out: CommandFields): DecodeStatus {
  const seq = readU64(v, off + SAMPLE_REQUEST.SEQ);
  const maxQuote = readU64(v, off + SAMPLE_REQUEST.MAX_QUOTE);
  if (seq < 0 || maxQuote < 0) return DecodeStatus.UNSAFE_INTEGER;
  out.op = MatcherOp.SAMPLE_REQUEST;
  out.symbolId = v.getUint32(off + SAMPLE_REQUEST.SYMBOL_ID, true);
  out.seq = seq;
  out.qty = maxQuote;
  return DecodeStatus.OK;
}

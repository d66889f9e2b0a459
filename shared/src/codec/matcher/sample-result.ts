// SAMPLE_RESULT (worker → main). Answer to SAMPLE_REQUEST, before its COMMAND_DONE: the book's best
// prices and the impact fills of a taker SELL (into the bids) and a taker BUY (into the asks) of the
// requested notional (OrderBookApi.impact).
//   off  size  field
//   0    1     opcode = MatcherOp.SAMPLE_RESULT
//   8    8     bestBid: u64, price units, 0 = no bids
//   16   8     bestAsk: u64, price units, 0 = no asks
//   24   8     bidQty: u64, qty a taker SELL fills
//   32   8     bidQuote: u64, its price·qty units
//   40   8     askQty: u64, qty a taker BUY fills
//   48   8     askQuote: u64, its price·qty units
//   56         size; the rest of the 64-byte slot is not written (it keeps stale bytes)
import type { EventFields } from "./fields.js";
import { DecodeStatus, MatcherOp } from "./opcodes.js";
import { readU64, writeU64 } from "./u64.js";

export const SAMPLE_RESULT = {
  OP: 0,
  BEST_BID: 8,
  BEST_ASK: 16,
  BID_QTY: 24,
  BID_QUOTE: 32,
  ASK_QTY: 40,
  ASK_QUOTE: 48,
  SIZE: 56,
} as const;

export function encodeSampleResult(
  v: DataView,
  off: number,
  bestBid: number,
  bestAsk: number,
  bidQty: number,
  bidQuote: number,
  askQty: number,
  askQuote: number,
): void {
  v.setUint8(off, MatcherOp.SAMPLE_RESULT);
  writeU64(v, off + SAMPLE_RESULT.BEST_BID, bestBid);
  writeU64(v, off + SAMPLE_RESULT.BEST_ASK, bestAsk);
  writeU64(v, off + SAMPLE_RESULT.BID_QTY, bidQty);
  writeU64(v, off + SAMPLE_RESULT.BID_QUOTE, bidQuote);
  writeU64(v, off + SAMPLE_RESULT.ASK_QTY, askQty);
  writeU64(v, off + SAMPLE_RESULT.ASK_QUOTE, askQuote);
}

/** Reads the slot at `off` (opcode already known to be SAMPLE_RESULT) into `out`. */
export function decodeSampleResult(v: DataView, off: number, out: EventFields): DecodeStatus {
  const bestBid = readU64(v, off + SAMPLE_RESULT.BEST_BID);
  const bestAsk = readU64(v, off + SAMPLE_RESULT.BEST_ASK);
  const bidQty = readU64(v, off + SAMPLE_RESULT.BID_QTY);
  const bidQuote = readU64(v, off + SAMPLE_RESULT.BID_QUOTE);
  const askQty = readU64(v, off + SAMPLE_RESULT.ASK_QTY);
  const askQuote = readU64(v, off + SAMPLE_RESULT.ASK_QUOTE);
  if (bestBid < 0 || bestAsk < 0 || bidQty < 0 || bidQuote < 0 || askQty < 0 || askQuote < 0) {
    return DecodeStatus.UNSAFE_INTEGER;
  }
  out.op = MatcherOp.SAMPLE_RESULT;
  out.bestBid = bestBid;
  out.bestAsk = bestAsk;
  out.bidQty = bidQty;
  out.bidQuote = bidQuote;
  out.askQty = askQty;
  out.askQuote = askQuote;
  return DecodeStatus.OK;
}

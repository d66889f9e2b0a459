// TRADE (worker → main). One fill: BookSink.trade.
//   off  size  field
//   0    1     opcode = MatcherOp.TRADE
//   1    1     takerSide: u8, taker Side
//   8    8     makerOrderId: i64 (two u32 halves, low first), maker order id
//   16   8     makerUserId: u64 (two u32 halves, low first), maker user id
//   24   8     takerOrderId: i64 (two u32 halves, low first), taker order id
//   32   8     takerUserId: u64 (two u32 halves, low first), taker user id
//   40   8     price: u64 (two u32 halves, low first), fill price
//   48   8     qty: u64 (two u32 halves, low first), fill quantity
//   56   8     makerRemaining: u64 (two u32 halves, low first), maker's remaining qty after the fill
//   64         size; the rest of the 64-byte slot is not written (it keeps stale bytes)
import type { Side } from "../../domain.js";
import type { EventFields } from "./fields.js";
import { DecodeStatus, MatcherOp, SIDE_MAX } from "./opcodes.js";
import { readI64, readU64, writeI64, writeU64 } from "./u64.js";

export const TRADE = {
  OP: 0,
  TAKER_SIDE: 1,
  MAKER_ORDER_ID: 8,
  MAKER_USER_ID: 16,
  TAKER_ORDER_ID: 24,
  TAKER_USER_ID: 32,
  PRICE: 40,
  QTY: 48,
  MAKER_REMAINING: 56,
  SIZE: 64,
} as const;

export function encodeTrade(
  v: DataView,
  off: number,
  makerOrderId: number,
  makerUserId: number,
  takerOrderId: number,
  takerUserId: number,
  takerSide: Side,
  price: number,
  qty: number,
  makerRemaining: number,
): void {
  v.setUint8(off, MatcherOp.TRADE);
  v.setUint8(off + TRADE.TAKER_SIDE, takerSide);
  writeI64(v, off + TRADE.MAKER_ORDER_ID, makerOrderId);
  writeU64(v, off + TRADE.MAKER_USER_ID, makerUserId);
  writeI64(v, off + TRADE.TAKER_ORDER_ID, takerOrderId);
  writeU64(v, off + TRADE.TAKER_USER_ID, takerUserId);
  writeU64(v, off + TRADE.PRICE, price);
  writeU64(v, off + TRADE.QTY, qty);
  writeU64(v, off + TRADE.MAKER_REMAINING, makerRemaining);
}

/** Reads the slot at `off` (opcode already known to be TRADE) into `out`. */
export function decodeTrade(v: DataView, off: number, out: EventFields): DecodeStatus {
  const takerSide = v.getUint8(off + TRADE.TAKER_SIDE);
  if (takerSide > SIDE_MAX) return DecodeStatus.BAD_ENUM;
  const makerOrderId = readI64(v, off + TRADE.MAKER_ORDER_ID);
  const makerUserId = readU64(v, off + TRADE.MAKER_USER_ID);
  const takerOrderId = readI64(v, off + TRADE.TAKER_ORDER_ID);
  const takerUserId = readU64(v, off + TRADE.TAKER_USER_ID);
  const price = readU64(v, off + TRADE.PRICE);
  const qty = readU64(v, off + TRADE.QTY);
  const makerRemaining = readU64(v, off + TRADE.MAKER_REMAINING);
  if (
    Number.isNaN(makerOrderId) ||
    makerUserId < 0 ||
    Number.isNaN(takerOrderId) ||
    takerUserId < 0 ||
    price < 0 ||
    qty < 0 ||
    makerRemaining < 0
  )
    return DecodeStatus.UNSAFE_INTEGER;
  out.op = MatcherOp.TRADE;
  out.takerSide = takerSide as Side;
  out.makerOrderId = makerOrderId;
  out.makerUserId = makerUserId;
  out.takerOrderId = takerOrderId;
  out.takerUserId = takerUserId;
  out.price = price;
  out.qty = qty;
  out.makerRemaining = makerRemaining;
  return DecodeStatus.OK;
}

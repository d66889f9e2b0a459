// PLACE (main → worker). Place a limit order (a MARKET order arrives as IOC at the bound price):
// OrderBookApi.place.
//   off  size  field
//   0    1     opcode = MatcherOp.PLACE
//   1    1     side: u8, Side
//   2    1     tif: u8, TimeInForce
//   3    1     stp: u8, StpMode
//   4    4     symbolId: u32, symbol id
//   8    8     seq: u64 (two u32 halves, low first), engine seq of the command
//   16   8     orderId: i64 (two u32 halves, low first), order id
//   24   8     userId: u64 (two u32 halves, low first), user id
//   32   8     price: u64 (two u32 halves, low first), limit price, price units
//   40   8     qty: u64 (two u32 halves, low first), quantity, qty units
//   48         size; the rest of the 64-byte slot is not written (it keeps stale bytes)
import type { Side, StpMode, TimeInForce } from "../../domain.js";
import type { CommandFields } from "./fields.js";
import { DecodeStatus, MatcherOp, SIDE_MAX, STP_MAX, TIF_MAX } from "./opcodes.js";
import { readI64, readU64, writeI64, writeU64 } from "./u64.js";

export const PLACE = {
  OP: 0,
  SIDE: 1,
  TIF: 2,
  STP: 3,
  SYMBOL_ID: 4,
  SEQ: 8,
  ORDER_ID: 16,
  USER_ID: 24,
  PRICE: 32,
  QTY: 40,
  SIZE: 48,
} as const;

export function encodePlace(
  v: DataView,
  off: number,
  seq: number,
  symbolId: number,
  orderId: number,
  userId: number,
  side: Side,
  price: number,
  qty: number,
  tif: TimeInForce,
  stp: StpMode,
): void {
  v.setUint8(off, MatcherOp.PLACE);
  v.setUint8(off + PLACE.SIDE, side);
  v.setUint8(off + PLACE.TIF, tif);
  v.setUint8(off + PLACE.STP, stp);
  v.setUint32(off + PLACE.SYMBOL_ID, symbolId, true);
  writeU64(v, off + PLACE.SEQ, seq);
  writeI64(v, off + PLACE.ORDER_ID, orderId);
  writeU64(v, off + PLACE.USER_ID, userId);
  writeU64(v, off + PLACE.PRICE, price);
  writeU64(v, off + PLACE.QTY, qty);
}

/** Reads the slot at `off` (opcode already known to be PLACE) into `out`. */
export function decodePlace(v: DataView, off: number, out: CommandFields): DecodeStatus {
  const side = v.getUint8(off + PLACE.SIDE);
  const tif = v.getUint8(off + PLACE.TIF);
  const stp = v.getUint8(off + PLACE.STP);
  if (side > SIDE_MAX || tif > TIF_MAX || stp > STP_MAX) return DecodeStatus.BAD_ENUM;
  const seq = readU64(v, off + PLACE.SEQ);
  const orderId = readI64(v, off + PLACE.ORDER_ID);
  const userId = readU64(v, off + PLACE.USER_ID);
  const price = readU64(v, off + PLACE.PRICE);
  const qty = readU64(v, off + PLACE.QTY);
  if (seq < 0 || Number.isNaN(orderId) || userId < 0 || price < 0 || qty < 0)
    return DecodeStatus.UNSAFE_INTEGER;
  out.op = MatcherOp.PLACE;
  out.side = side as Side;
  out.tif = tif as TimeInForce;
  out.stp = stp as StpMode;
  out.symbolId = v.getUint32(off + PLACE.SYMBOL_ID, true);
  out.seq = seq;
  out.orderId = orderId;
  out.userId = userId;
  out.price = price;
  out.qty = qty;
  return DecodeStatus.OK;
}

// PLACE_ORDER record layout (hot: the most frequent command). Little-endian; u64 = safe integer as two
// u32 halves. Offsets are relative to the start of the record payload. Total: 72 + cidLen bytes.
import type { PlaceOrder } from "../../commands.js";
import { Op } from "../../commands.js";
import { readAscii, readU32, readU64, writeAscii, writeU32, writeU64 } from "../bytes.js";
import { CodecError } from "../codec-error.js";
import { asciiId, bool, decodedEnum, enumU8, room, u32, u64 } from "./fields.js";

export const PO_OP = 0; //                u8  Op.PLACE_ORDER
export const PO_SIDE = 1; //              u8  Side
export const PO_TYPE = 2; //              u8  OrderType
export const PO_TIF = 3; //               u8  TimeInForce
export const PO_FLAGS = 4; //             u8  bit0 reduceOnly, bit1 closePosition, others 0
export const PO_WORKING_TYPE = 5; //      u8  WorkingType
export const PO_STP = 6; //               u8  StpMode
export const PO_CID_LEN = 7; //           u8  clientOrderId length in bytes (ASCII)
export const PO_SYMBOL_ID = 8; //         u32
export const PO_CALLBACK_RATE = 12; //    u32 parts per 1e8
export const PO_TS = 16; //               u64 ms since epoch
export const PO_ORDER_ID = 24; //         u64
export const PO_USER_ID = 32; //          u64
export const PO_PRICE = 40; //            u64 price units
export const PO_QTY = 48; //              u64 qty units
export const PO_STOP_PRICE = 56; //       u64 price units
export const PO_ACTIVATION_PRICE = 64; // u64 price units
export const PO_CLIENT_ORDER_ID = 72; //  cidLen bytes
export const PO_FIXED_SIZE = 72;

const FLAG_REDUCE_ONLY = 1;
const FLAG_CLOSE_POSITION = 2;

export function encodePlaceOrder(c: PlaceOrder, buf: Uint8Array, off: number): number {
  enumU8("side", c.side, 1);
  enumU8("type", c.type, 6);
  enumU8("tif", c.tif, 3);
  enumU8("workingType", c.workingType, 1);
  enumU8("stp", c.stp, 3);
  bool("reduceOnly", c.reduceOnly);
  bool("closePosition", c.closePosition);
  u32("symbolId", c.symbolId);
  u32("callbackRate", c.callbackRate);
  u64("ts", c.ts);
  u64("orderId", c.orderId);
  u64("userId", c.userId);
  u64("price", c.price);
  u64("qty", c.qty);
  u64("stopPrice", c.stopPrice);
  u64("activationPrice", c.activationPrice);
  asciiId("clientOrderId", c.clientOrderId);
  const size = PO_FIXED_SIZE + c.clientOrderId.length;
  room(buf, off, size);
  buf[off + PO_OP] = Op.PLACE_ORDER;
  buf[off + PO_SIDE] = c.side;
  buf[off + PO_TYPE] = c.type;
  buf[off + PO_TIF] = c.tif;
  buf[off + PO_FLAGS] = (c.reduceOnly ? FLAG_REDUCE_ONLY : 0) | (c.closePosition ? FLAG_CLOSE_POSITION : 0);
  buf[off + PO_WORKING_TYPE] = c.workingType;
  buf[off + PO_STP] = c.stp;
  buf[off + PO_CID_LEN] = c.clientOrderId.length;
  writeU32(buf, off + PO_SYMBOL_ID, c.symbolId);
  writeU32(buf, off + PO_CALLBACK_RATE, c.callbackRate);
  writeU64(buf, off + PO_TS, c.ts);
  writeU64(buf, off + PO_ORDER_ID, c.orderId);
  writeU64(buf, off + PO_USER_ID, c.userId);
  writeU64(buf, off + PO_PRICE, c.price);
  writeU64(buf, off + PO_QTY, c.qty);
  writeU64(buf, off + PO_STOP_PRICE, c.stopPrice);
  writeU64(buf, off + PO_ACTIVATION_PRICE, c.activationPrice);
  writeAscii(buf, off + PO_CLIENT_ORDER_ID, c.clientOrderId);
  return size;
}

/** Decodes exactly `len` bytes at `off` (the opcode byte was checked by the caller). */
export function decodePlaceOrder(buf: Uint8Array, off: number, len: number): PlaceOrder {
  if (len < PO_FIXED_SIZE) throw new CodecError("TRUNCATED", `PLACE_ORDER: ${len} bytes`);
  const cidLen = buf[off + PO_CID_LEN]!;
  const size = PO_FIXED_SIZE + cidLen;
  if (len < size) throw new CodecError("TRUNCATED", `PLACE_ORDER: clientOrderId needs ${size} bytes`);
  if (len > size) throw new CodecError("TRAILING_BYTES", `PLACE_ORDER: ${len - size} extra bytes`);
  const side = buf[off + PO_SIDE]!;
  const type = buf[off + PO_TYPE]!;
  const tif = buf[off + PO_TIF]!;
  const flags = buf[off + PO_FLAGS]!;
  const workingType = buf[off + PO_WORKING_TYPE]!;
  const stp = buf[off + PO_STP]!;
  decodedEnum("side", side, 1);
  decodedEnum("type", type, 6);
  decodedEnum("tif", tif, 3);
  decodedEnum("workingType", workingType, 1);
  decodedEnum("stp", stp, 3);
  if (flags > (FLAG_REDUCE_ONLY | FLAG_CLOSE_POSITION))
    throw new CodecError("BAD_VALUE", "unknown flag bits");
  return {
    op: Op.PLACE_ORDER,
    ts: readU64(buf, off + PO_TS),
    orderId: readU64(buf, off + PO_ORDER_ID),
    userId: readU64(buf, off + PO_USER_ID),
    symbolId: readU32(buf, off + PO_SYMBOL_ID),
    clientOrderId: readAscii(buf, off + PO_CLIENT_ORDER_ID, cidLen),
    side: side as PlaceOrder["side"],
    type: type as PlaceOrder["type"],
    tif: tif as PlaceOrder["tif"],
    price: readU64(buf, off + PO_PRICE),
    qty: readU64(buf, off + PO_QTY),
    stopPrice: readU64(buf, off + PO_STOP_PRICE),
    reduceOnly: (flags & FLAG_REDUCE_ONLY) !== 0,
    closePosition: (flags & FLAG_CLOSE_POSITION) !== 0,
    workingType: workingType as PlaceOrder["workingType"],
    callbackRate: readU32(buf, off + PO_CALLBACK_RATE),
    activationPrice: readU64(buf, off + PO_ACTIVATION_PRICE),
    stp: stp as PlaceOrder["stp"],
  };
}

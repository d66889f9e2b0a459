// DEPOSIT record layout. Little-endian; u64 = safe integer as two u32 halves. Total: 32 + txIdLen bytes.
import type { Deposit } from "../../commands.js";
import { Op } from "../../commands.js";
import { readAscii, readU64, writeAscii, writeU64 } from "../bytes.js";
import { CodecError } from "../codec-error.js";
import { asciiId, reservedZero, room, u64 } from "./fields.js";

export const DE_OP = 0; //          u8  Op.DEPOSIT
export const DE_TX_ID_LEN = 1; //   u8  txId length in bytes (ASCII)
export const DE_RESERVED = 2; //    6 bytes, zero
export const DE_TS = 8; //          u64 ms since epoch
export const DE_USER_ID = 16; //    u64
export const DE_AMOUNT = 24; //     u64 micro-USDT
export const DE_TX_ID = 32; //      txIdLen bytes
export const DE_FIXED_SIZE = 32;

export function encodeDeposit(c: Deposit, buf: Uint8Array, off: number): number {
  u64("ts", c.ts);
  u64("userId", c.userId);
  u64("amount", c.amount);
  asciiId("txId", c.txId);
  const size = DE_FIXED_SIZE + c.txId.length;
  room(buf, off, size);
  buf[off + DE_OP] = Op.DEPOSIT;
  buf[off + DE_TX_ID_LEN] = c.txId.length;
  buf.fill(0, off + DE_RESERVED, off + DE_TS);
  writeU64(buf, off + DE_TS, c.ts);
  writeU64(buf, off + DE_USER_ID, c.userId);
  writeU64(buf, off + DE_AMOUNT, c.amount);
  writeAscii(buf, off + DE_TX_ID, c.txId);
  return size;
}

export function decodeDeposit(buf: Uint8Array, off: number, len: number): Deposit {
  if (len < DE_FIXED_SIZE) throw new CodecError("TRUNCATED", `DEPOSIT: ${len} bytes`);
  const txLen = buf[off + DE_TX_ID_LEN]!;
  const size = DE_FIXED_SIZE + txLen;
  if (len < size) throw new CodecError("TRUNCATED", `DEPOSIT: txId needs ${size} bytes`);
  if (len > size) throw new CodecError("TRAILING_BYTES", `DEPOSIT: ${len - size} extra bytes`);
  reservedZero(buf, off + DE_RESERVED, off + DE_TS);
  return {
    op: Op.DEPOSIT,
    ts: readU64(buf, off + DE_TS),
    userId: readU64(buf, off + DE_USER_ID),
    amount: readU64(buf, off + DE_AMOUNT),
    txId: readAscii(buf, off + DE_TX_ID, txLen),
  };
}

// Field checks shared by the command layouts. Encoders validate every field so the log never holds a
// record that would not decode; decoders validate again because the bytes may be corrupt.
import { isAscii, isSafeU64, isU32 } from "../bytes.js";
import { CodecError } from "../codec-error.js";

/** Longest ASCII id (clientOrderId, txId, withdrawId) a layout can hold: u8 length. */
export const MAX_ID_BYTES = 255;

export function u64(name: string, v: number): void {
  if (!isSafeU64(v)) throw new CodecError("BAD_VALUE", `${name} must be a safe non-negative integer`);
}

export function u32(name: string, v: number): void {
  if (!isU32(v)) throw new CodecError("BAD_VALUE", `${name} must be a u32`);
}

/** Enum stored as u8 with values 0..max. */
export function enumU8(name: string, v: number, max: number): void {
  if (!Number.isInteger(v) || v < 0 || v > max) throw new CodecError("BAD_VALUE", `${name} out of range`);
}

export function bool(name: string, v: boolean): void {
  if (typeof v !== "boolean") throw new CodecError("BAD_VALUE", `${name} must be a boolean`);
}

export function asciiId(name: string, v: string): void {
  if (typeof v !== "string" || v.length > MAX_ID_BYTES)
    throw new CodecError("BAD_VALUE", `${name} must be a string of at most ${MAX_ID_BYTES} bytes`);
  if (!isAscii(v)) throw new CodecError("BAD_STRING", `${name} must be ASCII`);
}

export function room(buf: Uint8Array, off: number, size: number): void {
  if (off < 0 || off + size > buf.length)
    throw new CodecError("NO_ROOM", `need ${size} bytes at ${off}, have ${buf.length - off}`, size);
}

/** Decoding: the record must be exactly `size` bytes long. */
export function exactLength(op: string, len: number, size: number): void {
  if (len < size) throw new CodecError("TRUNCATED", `${op}: ${len} bytes, layout needs ${size}`);
  if (len > size) throw new CodecError("TRAILING_BYTES", `${op}: ${len - size} bytes after the layout`);
}

/** Decoding: reserved bytes [from, to) must be zero (keeps the encoding canonical). */
export function reservedZero(buf: Uint8Array, from: number, to: number): void {
  for (let i = from; i < to; i++)
    if (buf[i] !== 0) throw new CodecError("BAD_VALUE", `reserved byte at ${i} is not zero`);
}

export function decodedEnum(name: string, v: number, max: number): void {
  if (v > max) throw new CodecError("BAD_VALUE", `${name} ${v} out of range`);
}

// The command record codec: one Command ⇄ the bytes of one journal record payload (and of a Kafka
// message value). The first byte is always the opcode (`Op`, never renumbered). Hot commands have binary
// layouts (one file each under commands/); the others are opcode + JSON (commands/json-commands.ts).
// Encoders write into a buffer the caller owns; decoders read exactly one record and throw only
// CodecError, whatever the bytes.
import type { Command } from "../commands.js";
import { Op } from "../commands.js";
import { CodecError } from "./codec-error.js";
import { AO_SIZE, decodeAmendOrder, encodeAmendOrder } from "./commands/amend-order.js";
import { CA_SIZE, decodeCancelAll, encodeCancelAll } from "./commands/cancel-all.js";
import { CO_SIZE, decodeCancelOrder, encodeCancelOrder } from "./commands/cancel-order.js";
import { DE_FIXED_SIZE, decodeDeposit, encodeDeposit } from "./commands/deposit.js";
import { decodeJsonCommand, encodeJsonCommand, isJsonOp } from "./commands/json-commands.js";
import { decodeOraclePrice, encodeOraclePrice, OP_SIZE } from "./commands/oracle-price.js";
import { decodePlaceOrder, encodePlaceOrder, PO_FIXED_SIZE } from "./commands/place-order.js";

export { CodecError, type CodecErrorCode } from "./codec-error.js";

/** Enough room for any binary (hot) command: PLACE_ORDER with a 255-byte clientOrderId. */
export const MAX_HOT_COMMAND_BYTES = PO_FIXED_SIZE + 255;

/**
 * Writes `cmd` at `buf[off…]` and returns the bytes written. Throws CodecError BAD_VALUE / BAD_STRING for
 * a command that cannot be encoded (unsafe integer, enum out of range, non-ASCII id), NO_ROOM (with
 * `needed`) when the buffer is too small; nothing is guaranteed about the buffer's bytes after a throw.
 */
export function encodeCommandInto(cmd: Command, buf: Uint8Array, off: number): number {
  switch (cmd.op) {
    case Op.PLACE_ORDER:
      return encodePlaceOrder(cmd, buf, off);
    case Op.AMEND_ORDER:
      return encodeAmendOrder(cmd, buf, off);
    case Op.CANCEL_ORDER:
      return encodeCancelOrder(cmd, buf, off);
    case Op.CANCEL_ALL:
      return encodeCancelAll(cmd, buf, off);
    case Op.ORACLE_PRICE:
      return encodeOraclePrice(cmd, buf, off);
    case Op.DEPOSIT:
      return encodeDeposit(cmd, buf, off);
    default:
      if (isJsonOp(cmd.op)) return encodeJsonCommand(cmd, buf, off);
      throw new CodecError("BAD_OPCODE", `unknown opcode ${(cmd as { op: unknown }).op}`);
  }
}

/** Convenience: encodes into a fresh array of the exact size (allocates; not for hot loops). */
export function encodeCommand(cmd: Command): Uint8Array {
  let buf = new Uint8Array(MAX_HOT_COMMAND_BYTES);
  try {
    return buf.slice(0, encodeCommandInto(cmd, buf, 0));
  } catch (e) {
    if (!CodecError.is(e) || e.code !== "NO_ROOM") throw e;
    buf = new Uint8Array(e.needed);
    return buf.slice(0, encodeCommandInto(cmd, buf, 0));
  }
}

/** Decodes the record of exactly `len` bytes at `off`. Throws CodecError (never anything else). */
export function decodeCommand(buf: Uint8Array, off = 0, len = buf.length - off): Command {
  if (len <= 0 || off < 0 || off + len > buf.length) throw new CodecError("TRUNCATED", "empty record");
  const op = buf[off]!;
  switch (op) {
    case Op.PLACE_ORDER:
      return decodePlaceOrder(buf, off, len);
    case Op.AMEND_ORDER:
      return decodeAmendOrder(buf, off, len);
    case Op.CANCEL_ORDER:
      return decodeCancelOrder(buf, off, len);
    case Op.CANCEL_ALL:
      return decodeCancelAll(buf, off, len);
    case Op.ORACLE_PRICE:
      return decodeOraclePrice(buf, off, len);
    case Op.DEPOSIT:
      return decodeDeposit(buf, off, len);
    default:
      if (isJsonOp(op)) return decodeJsonCommand(op, buf, off, len);
      throw new CodecError("BAD_OPCODE", `unknown opcode ${op}`);
  }
}

/** Fixed sizes of the binary layouts (without their variable-length id), for tests and docs. */
export const HOT_LAYOUT_SIZES = {
  PLACE_ORDER: PO_FIXED_SIZE,
  AMEND_ORDER: AO_SIZE,
  CANCEL_ORDER: CO_SIZE,
  CANCEL_ALL: CA_SIZE,
  ORACLE_PRICE: OP_SIZE,
  DEPOSIT: DE_FIXED_SIZE,
} as const;

// The one error the binary codecs throw. Decoding untrusted or corrupt bytes ends in a CodecError, never
// in a RangeError, a TypeError or a hang: callers catch by `CodecError.is(e)` (a Symbol.for brand, so it
// survives duplicate installs and realms).

export type CodecErrorCode =
  /** the bytes end before the layout does */
  | "TRUNCATED"
  /** bytes left over after a complete message */
  | "TRAILING_BYTES"
  /** first byte is not a known opcode */
  | "BAD_OPCODE"
  /** a field holds a value its type does not allow (enum out of range, reserved bits set, unsafe int) */
  | "BAD_VALUE"
  /** a string that is not ASCII where ASCII is required, or not valid UTF-8 */
  | "BAD_STRING"
  /** a JSON payload that does not parse or does not have the command's shape */
  | "BAD_JSON"
  /** encoding: the caller's buffer is too small; `needed` says how many bytes from `offset` */
  | "NO_ROOM";

const BRAND = Symbol.for("perpx.CodecError");

export class CodecError extends Error {
  readonly [BRAND] = true;
  readonly code: CodecErrorCode;
  /** NO_ROOM only: bytes the message needs */
  readonly needed: number;
  constructor(code: CodecErrorCode, msg: string, needed = 0) {
    super(msg);
    this.name = "CodecError";
    this.code = code;
    this.needed = needed;
  }
  static is(e: unknown): e is CodecError {
    return typeof e === "object" && e !== null && (e as Record<symbol, unknown>)[BRAND] === true;
  }
}

// Opcodes of the messages that cross the matcher rings (byte 0 of every 64-byte slot). One u8 space for
// both directions so a slot read by the wrong side is an unknown opcode, not a misread message.
// Never renumber, only append: 1–31 main → worker, 64–95 worker → main.

export const MatcherOp = {
  // main → worker: commands (each answered by its events, then COMMAND_DONE)
  PLACE: 1,
  CANCEL: 2,
  CANCEL_ALL: 3,
  AMEND: 4,
  SNAPSHOT_REQUEST: 5,
  /** no answer: the worker closes its output ring and exits */
  SHUTDOWN: 6,
  /** one resting order of a book being restored; no answer (RESTORE_END answers) */
  RESTORE_ORDER: 7,
  RESTORE_END: 8,
  /** read-only: best bid/ask and impact fills (mark price and funding samples) */
  SAMPLE_REQUEST: 9,
  /** test hook: a worker started with test hooks throws on it; others treat it as unknown */
  CRASH: 31,

  // worker → main: events
  TRADE: 64,
  REMOVED: 65,
  OUTCOME: 66,
  LEVEL: 67,
  CANCEL_RESULT: 68,
  AMEND_RESULT: 69,
  CANCEL_ALL_RESULT: 70,
  COMMAND_DONE: 71,
  SNAPSHOT_BOOK: 72,
  SNAPSHOT_ORDER: 73,
  SAMPLE_RESULT: 74,
} as const;
export type MatcherOp = (typeof MatcherOp)[keyof typeof MatcherOp];

/** Result of a decoder: decoders never throw on bad bytes, they say what was wrong. */
export const DecodeStatus = {
  OK: 0,
  /** byte 0 is not an opcode of this direction */
  UNKNOWN_OPCODE: 1,
  /** an enum byte (side, tif, stp, outcome, reason, result) is out of range */
  BAD_ENUM: 2,
  /** a u64 field does not fit a safe integer */
  UNSAFE_INTEGER: 3,
} as const;
export type DecodeStatus = (typeof DecodeStatus)[keyof typeof DecodeStatus];

// Enum ranges the decoders check. Side/TimeInForce/StpMode come from shared/src/domain.ts; the matcher
// enums are declared in engine/src/matcher/book-api.ts (engine tests pin that these maxima match).
export const SIDE_MAX = 1;
export const TIF_MAX = 3;
export const STP_MAX = 3;
/** PlaceOutcome: RESTING 0 … DUPLICATE_ID 6 */
export const OUTCOME_MAX = 6;
/** RemoveReason: CANCELED 0, EXPIRED_IN_MATCH 1, AMENDED 2 */
export const REASON_MAX = 2;
/** CancelResult: OK 0, UNKNOWN_ORDER 1 */
export const RESULT_MAX = 1;
/** highest opcode of the main → worker range (COMMAND_DONE.cmdOp is in 1…31) */
export const COMMAND_OP_MAX = 31;

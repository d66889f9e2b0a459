// One entry point per direction: read the opcode of a slot and decode it into the reader's reusable
// fields object. Never throws on bad bytes (an unknown opcode, an enum out of range or a u64 beyond 2^53
// is a DecodeStatus), never allocates, never loops.
import { decodeAmend } from "./amend.js";
import { decodeAmendResult } from "./amend-result.js";
import { decodeCancel } from "./cancel.js";
import { decodeCancelAll } from "./cancel-all.js";
import { decodeCancelAllResult } from "./cancel-all-result.js";
import { decodeCancelResult } from "./cancel-result.js";
import { decodeCommandDone } from "./command-done.js";
import { decodeCrash } from "./crash.js";
import type { CommandFields, EventFields } from "./fields.js";
import { decodeLevel } from "./level.js";
import { DecodeStatus, MatcherOp } from "./opcodes.js";
import { decodeOutcome } from "./outcome.js";
import { decodePlace } from "./place.js";
import { decodeRemoved } from "./removed.js";
import { decodeRestoreEnd } from "./restore-end.js";
import { decodeRestoreOrder } from "./restore-order.js";
import { decodeSampleRequest } from "./sample-request.js";
import { decodeSampleResult } from "./sample-result.js";
import { decodeShutdown } from "./shutdown.js";
import { decodeSnapshotBook } from "./snapshot-book.js";
import { decodeSnapshotOrder } from "./snapshot-order.js";
import { decodeSnapshotRequest } from "./snapshot-request.js";
import { decodeTrade } from "./trade.js";

/** A main → worker slot. */
export function decodeCommand(v: DataView, off: number, out: CommandFields): DecodeStatus {
  switch (v.getUint8(off)) {
    case MatcherOp.PLACE:
      return decodePlace(v, off, out);
    case MatcherOp.CANCEL:
      return decodeCancel(v, off, out);
    case MatcherOp.CANCEL_ALL:
      return decodeCancelAll(v, off, out);
    case MatcherOp.AMEND:
      return decodeAmend(v, off, out);
    case MatcherOp.SNAPSHOT_REQUEST:
      return decodeSnapshotRequest(v, off, out);
    case MatcherOp.SHUTDOWN:
      return decodeShutdown(v, off, out);
    case MatcherOp.RESTORE_ORDER:
      return decodeRestoreOrder(v, off, out);
    case MatcherOp.RESTORE_END:
      return decodeRestoreEnd(v, off, out);
    case MatcherOp.SAMPLE_REQUEST:
      return decodeSampleRequest(v, off, out);
    case MatcherOp.CRASH:
      return decodeCrash(v, off, out);
    default:
      return DecodeStatus.UNKNOWN_OPCODE;
  }
}

/** A worker → main slot. */
export function decodeEvent(v: DataView, off: number, out: EventFields): DecodeStatus {
  switch (v.getUint8(off)) {
    case MatcherOp.TRADE:
      return decodeTrade(v, off, out);
    case MatcherOp.REMOVED:
      return decodeRemoved(v, off, out);
    case MatcherOp.OUTCOME:
      return decodeOutcome(v, off, out);
    case MatcherOp.LEVEL:
      return decodeLevel(v, off, out);
    case MatcherOp.CANCEL_RESULT:
      return decodeCancelResult(v, off, out);
    case MatcherOp.AMEND_RESULT:
      return decodeAmendResult(v, off, out);
    case MatcherOp.CANCEL_ALL_RESULT:
      return decodeCancelAllResult(v, off, out);
    case MatcherOp.COMMAND_DONE:
      return decodeCommandDone(v, off, out);
    case MatcherOp.SNAPSHOT_BOOK:
      return decodeSnapshotBook(v, off, out);
    case MatcherOp.SNAPSHOT_ORDER:
      return decodeSnapshotOrder(v, off, out);
    case MatcherOp.SAMPLE_RESULT:
      return decodeSampleResult(v, off, out);
    default:
      return DecodeStatus.UNKNOWN_OPCODE;
  }
}

// Decode targets. The consumer of a ring owns one instance and every decoder overwrites the fields its
// message has, so decoding allocates nothing. Fields a message does not have keep stale values: read only
// those of `op`. All numbers are safe integers; enums are validated by the decoder.
import type { Side, StpMode, TimeInForce } from "../../domain.js";

/** main → worker */
export class CommandFields {
  op = 0;
  /** engine seq of the command */
  seq = 0;
  symbolId = 0;
  orderId = 0;
  userId = 0;
  side: Side = 0;
  price = 0;
  /** PLACE: qty; AMEND and RESTORE_ORDER: remaining; SAMPLE_REQUEST: impact notional (price·qty units) */
  qty = 0;
  tif: TimeInForce = 0;
  stp: StpMode = 0;
  /** RESTORE_END */
  updateId = 0;
  /** RESTORE_END: number of RESTORE_ORDER slots sent before it */
  count = 0;
}

/** worker → main */
export class EventFields {
  op = 0;
  // TRADE
  makerOrderId = 0;
  makerUserId = 0;
  takerOrderId = 0;
  takerUserId = 0;
  takerSide: Side = 0;
  makerRemaining = 0;
  /** TRADE, LEVEL, SNAPSHOT_ORDER */
  price = 0;
  /** TRADE */
  qty = 0;
  /** REMOVED, OUTCOME, CANCEL_RESULT, AMEND_RESULT, SNAPSHOT_ORDER */
  orderId = 0;
  /** REMOVED, OUTCOME, CANCEL_ALL_RESULT, SNAPSHOT_ORDER */
  userId = 0;
  /** REMOVED, OUTCOME, SNAPSHOT_ORDER */
  remaining = 0;
  /** REMOVED: RemoveReason */
  reason = 0;
  /** OUTCOME: PlaceOutcome */
  outcome = 0;
  /** OUTCOME */
  filled = 0;
  /** LEVEL, SNAPSHOT_ORDER */
  side: Side = 0;
  /** LEVEL */
  totalQty = 0;
  /** LEVEL, SNAPSHOT_BOOK */
  updateId = 0;
  /** CANCEL_RESULT, AMEND_RESULT: CancelResult */
  result = 0;
  /** CANCEL_ALL_RESULT: orders canceled; SNAPSHOT_BOOK: orders that follow */
  count = 0;
  /** COMMAND_DONE */
  seq = 0;
  /** COMMAND_DONE: opcode of the command it completes */
  cmdOp = 0;
  /** COMMAND_DONE: events the command produced before this marker */
  eventCount = 0;
  /** SNAPSHOT_BOOK */
  symbolId = 0;
  // SAMPLE_RESULT: best prices (0 = side empty) and impact fills of a taker SELL (bid) and BUY (ask)
  bestBid = 0;
  bestAsk = 0;
  bidQty = 0;
  bidQuote = 0;
  askQty = 0;
  askQuote = 0;
}

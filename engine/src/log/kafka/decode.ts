// Human-readable decoding of any message of our topics, for scripts/kafka-decode.mjs: the versioned
// JSON is parsed by the same decoders the services use, and enum numbers are shown by name
// (op 7 → "PLACE_ORDER", side 1 → "SELL", ev 3 → "TRADE").
import { Op } from "@perpx/shared/commands";
import {
  BALANCE_REASON_NAMES,
  MARGIN_TYPE_NAMES,
  namesOf,
  ORDER_STATUS_NAMES,
  ORDER_TYPE_NAMES,
  SIDE_NAMES,
  STP_NAMES,
  TIF_NAMES,
  TRADE_TYPE_NAMES,
  WORKING_TYPE_NAMES,
} from "@perpx/shared/domain";
import { rejectReasonName } from "@perpx/shared/errors";
import { Ev } from "@perpx/shared/events";
import { decodeCommand } from "./command-message.js";
import { decodeEventBatch } from "./event-message.js";
import { decodeSequenceRecord, runsLength } from "./sequence-message.js";
import {
  INPUT_TOPICS,
  type InputTopic,
  type LogicalTopic,
  OUTPUT_TOPICS,
  type OutputTopic,
} from "./topics.js";

const OP_NAMES = namesOf(Op);
const EV_NAMES = namesOf(Ev);

function name(table: readonly string[], v: unknown): unknown {
  return typeof v === "number" ? (table[v] ?? v) : v;
}

function reject(v: unknown): unknown {
  if (typeof v !== "number") return v;
  try {
    return rejectReasonName(v);
  } catch {
    return v;
  }
}

/** A command or event with its enum fields named. */
export function named(x: Record<string, unknown>): Record<string, unknown> {
  const o: Record<string, unknown> = { ...x };
  const isTrade = o.ev === Ev.TRADE;
  if ("op" in o) o.op = name(OP_NAMES, o.op);
  if ("ev" in o) o.ev = name(EV_NAMES, o.ev);
  if ("side" in o) o.side = name(SIDE_NAMES, o.side);
  if ("makerSide" in o) o.makerSide = name(SIDE_NAMES, o.makerSide);
  if ("type" in o) o.type = name(isTrade ? TRADE_TYPE_NAMES : ORDER_TYPE_NAMES, o.type);
  if ("tif" in o) o.tif = name(TIF_NAMES, o.tif);
  if ("status" in o) o.status = name(ORDER_STATUS_NAMES, o.status);
  if ("workingType" in o) o.workingType = name(WORKING_TYPE_NAMES, o.workingType);
  if ("stp" in o) o.stp = name(STP_NAMES, o.stp);
  if ("marginType" in o) o.marginType = name(MARGIN_TYPE_NAMES, o.marginType);
  if ("rejectReason" in o) o.rejectReason = reject(o.rejectReason);
  if (x.ev === Ev.REJECT) {
    o.reason = reject(o.reason);
    o.op = name(OP_NAMES, o.op);
  } else if (x.ev === Ev.BALANCE || x.ev === Ev.POSITION) o.reason = name(BALANCE_REASON_NAMES, o.reason);
  return o;
}

/** Decodes a message of a logical topic; throws the decoder's error for a malformed one. */
export function decodeForDisplay(topic: LogicalTopic, value: Buffer | null): unknown {
  if (INPUT_TOPICS.includes(topic as InputTopic)) {
    return { v: 1, cmd: named(decodeCommand(value) as unknown as Record<string, unknown>) };
  }
  if (OUTPUT_TOPICS.includes(topic as OutputTopic)) {
    const b = decodeEventBatch(value);
    return {
      v: 1,
      from: `${b.firstSeq}.${b.firstIdx}`,
      to: `${b.seq}.${b.lastIdx}`,
      count: b.count,
      events: b.events.map((e) => ({
        at: `${e.seq}.${e.idx}`,
        ...named(e.ev as unknown as Record<string, unknown>),
      })),
    };
  }
  const r = decodeSequenceRecord(value);
  if (r.type === "start") return r;
  return { ...r, seqs: `${r.first}..${r.first + runsLength(r.runs) - 1}` };
}

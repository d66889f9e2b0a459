// Kafka message format of one command on the input topics (SPEC §10), schema version 1:
//   value = UTF-8 JSON {"v":1,"cmd":{...Command, units as in shared/src/commands.ts}}
//   key   = null (each input topic has one partition)
// JSON now; a binary codec may replace it later — a new version number, decoded side by side, and
// this module stays the only place that knows the layout. Also: which input topic a command goes to.
import { type Command, Op } from "@perpx/shared/commands";
import type { InputTopic } from "./topics.js";

export const COMMAND_MESSAGE_VERSION = 1;

/** Client orders, cancels, everything else (seed topic names). */
export function inputTopicFor(cmd: Command): InputTopic {
  switch (cmd.op) {
    case Op.PLACE_ORDER:
    case Op.AMEND_ORDER:
      return "save_order_from_client_v2";
    case Op.CANCEL_ORDER:
    case Op.CANCEL_ALL:
      return "cancel_order_from_client";
    default:
      return "matching_engine_input";
  }
}

export function encodeCommand(cmd: Command): Buffer {
  return Buffer.from(JSON.stringify({ v: COMMAND_MESSAGE_VERSION, cmd }));
}

export class CommandDecodeError extends Error {
  override name = "CommandDecodeError";
}

type FieldKind = "n" | "s" | "b" | "o";
/** Required fields per opcode beyond op and ts: n = safe integer, s = string, b = boolean, o = object. */
const FIELDS: Readonly<Record<Op, Readonly<Record<string, FieldKind>>>> = {
  [Op.CREATE_USER]: { userId: "n" },
  [Op.DEPOSIT]: { userId: "n", amount: "n", txId: "s" },
  [Op.WITHDRAW]: { userId: "n", amount: "n", withdrawId: "s" },
  [Op.SET_LEVERAGE]: { userId: "n", symbolId: "n", leverage: "n" },
  [Op.SET_MARGIN_TYPE]: { userId: "n", symbolId: "n", marginType: "n" },
  [Op.ADJUST_ISOLATED_MARGIN]: { userId: "n", symbolId: "n", amount: "n" },
  [Op.PLACE_ORDER]: {
    orderId: "n",
    userId: "n",
    symbolId: "n",
    clientOrderId: "s",
    side: "n",
    type: "n",
    tif: "n",
    price: "n",
    qty: "n",
    stopPrice: "n",
    reduceOnly: "b",
    closePosition: "b",
    workingType: "n",
    callbackRate: "n",
    activationPrice: "n",
    stp: "n",
  },
  [Op.AMEND_ORDER]: { userId: "n", symbolId: "n", orderId: "n", price: "n", qty: "n" },
  [Op.CANCEL_ORDER]: { userId: "n", symbolId: "n", orderId: "n" },
  [Op.CANCEL_ALL]: { userId: "n", symbolId: "n" },
  [Op.UPSERT_INSTRUMENT]: { instrument: "o" },
  [Op.ORACLE_PRICE]: { symbolId: "n", price: "n" },
  [Op.MARK_SAMPLE]: { symbolId: "n" },
  [Op.PAY_FUNDING]: { symbolId: "n", fundingTime: "n" },
  [Op.COUNTDOWN_CANCEL_ALL]: { userId: "n", symbolId: "n", deadline: "n" },
  [Op.SNAPSHOT]: {},
};

function kindOk(v: unknown, k: FieldKind): boolean {
  switch (k) {
    case "n":
      return Number.isSafeInteger(v);
    case "s":
      return typeof v === "string";
    case "b":
      return typeof v === "boolean";
    case "o":
      return typeof v === "object" && v !== null;
  }
}

/**
 * Reads one input message. Throws CommandDecodeError for anything that is not a version-1 command with
 * every field of its opcode present and of the right type: the engine must never see a half command.
 */
export function decodeCommand(value: Buffer | string | null): Command {
  if (value === null) throw new CommandDecodeError("empty message");
  let msg: unknown;
  try {
    msg = JSON.parse(typeof value === "string" ? value : value.toString("utf8"));
  } catch {
    throw new CommandDecodeError("not JSON");
  }
  if (typeof msg !== "object" || msg === null) throw new CommandDecodeError("not an object");
  const { v, cmd } = msg as { v?: unknown; cmd?: unknown };
  if (v !== COMMAND_MESSAGE_VERSION) throw new CommandDecodeError(`unknown version ${String(v)}`);
  if (typeof cmd !== "object" || cmd === null) throw new CommandDecodeError("no cmd");
  const c = cmd as Record<string, unknown>;
  const fields = FIELDS[c.op as Op];
  if (fields === undefined) throw new CommandDecodeError(`unknown op ${String(c.op)}`);
  if (!Number.isSafeInteger(c.ts)) throw new CommandDecodeError("ts missing");
  for (const [name, kind] of Object.entries(fields)) {
    if (!kindOk(c[name], kind)) throw new CommandDecodeError(`op ${String(c.op)}: bad field ${name}`);
  }
  return cmd as Command;
}

// Cold commands (admin, scheduler, account settings): opcode byte + UTF-8 JSON of the command's fields in
// a fixed key order. Rare enough that a binary layout buys nothing; the schema tables below are checked
// against the command types at compile time, so a field added to commands.ts breaks the build here until
// the codec knows it. Decoding accepts exactly the schema's keys with the schema's value types.
import type {
  AdjustIsolatedMargin,
  Command,
  CountdownCancelAll,
  CreateUser,
  MarkSample,
  PayFunding,
  SetLeverage,
  SetMarginType,
  SnapshotRequest,
  UpsertInstrument,
  Withdraw,
} from "../../commands.js";
import { Op } from "../../commands.js";
import type { Bracket, Instrument } from "../../domain.js";
import { readUtf8, utf8Length, writeUtf8 } from "../bytes.js";
import { CodecError } from "../codec-error.js";
import { room } from "./fields.js";

export const JSON_OP = 0; //      u8  opcode
export const JSON_PAYLOAD = 1; // UTF-8 JSON object, to the end of the record

type JsonCommand =
  | CreateUser
  | Withdraw
  | SetLeverage
  | SetMarginType
  | AdjustIsolatedMargin
  | UpsertInstrument
  | MarkSample
  | PayFunding
  | CountdownCancelAll
  | SnapshotRequest;
export type JsonOp = JsonCommand["op"];

/** uint: safe integer ≥ 0; int: safe integer; ascii: ASCII string ≤ 255; margin: MarginType. */
type Kind = "uint" | "int" | "ascii" | "margin" | "instrument";
type Fields<C> = { readonly [F in Exclude<keyof C, "op">]-?: Kind };

const SCHEMAS: { readonly [K in JsonOp]: Fields<Extract<JsonCommand, { op: K }>> } = {
  [Op.CREATE_USER]: { ts: "uint", userId: "uint" },
  [Op.WITHDRAW]: { ts: "uint", userId: "uint", amount: "uint", withdrawId: "ascii" },
  [Op.SET_LEVERAGE]: { ts: "uint", userId: "uint", symbolId: "uint", leverage: "uint" },
  [Op.SET_MARGIN_TYPE]: { ts: "uint", userId: "uint", symbolId: "uint", marginType: "margin" },
  [Op.ADJUST_ISOLATED_MARGIN]: { ts: "uint", userId: "uint", symbolId: "uint", amount: "int" },
  [Op.UPSERT_INSTRUMENT]: { ts: "uint", instrument: "instrument" },
  [Op.MARK_SAMPLE]: { ts: "uint", symbolId: "uint" },
  [Op.PAY_FUNDING]: { ts: "uint", symbolId: "uint", fundingTime: "uint" },
  [Op.COUNTDOWN_CANCEL_ALL]: { ts: "uint", userId: "uint", symbolId: "uint", deadline: "uint" },
  [Op.SNAPSHOT]: { ts: "uint" },
};

type InstrumentKind = "int" | "string" | "brackets";
const INSTRUMENT_FIELDS: { readonly [F in keyof Instrument]-?: InstrumentKind } = {
  symbolId: "int",
  symbol: "string",
  baseAsset: "string",
  quoteAsset: "string",
  tickSize: "string",
  stepSize: "string",
  priceDecimals: "int",
  qtyDecimals: "int",
  tickUnits: "int",
  stepUnits: "int",
  minQty: "int",
  maxQty: "int",
  maxMarketQty: "int",
  minNotional: "int",
  pricePercentBand: "int",
  marketTakeBound: "int",
  maxOpenOrders: "int",
  makerFeeRate: "int",
  takerFeeRate: "int",
  liquidationFeeRate: "int",
  fundingIntervalHours: "int",
  interestRate: "int",
  fundingCap: "int",
  impactMarginNotional: "int",
  brackets: "brackets",
  defaultLeverage: "int",
};
const BRACKET_FIELDS: { readonly [F in keyof Bracket]-?: "int" } = {
  notionalCap: "int",
  maxLeverage: "int",
  maintMarginRate: "int",
  maintAmount: "int",
};

export function isJsonOp(op: number): op is JsonOp {
  return Object.hasOwn(SCHEMAS, op);
}

type Plain = Record<string, unknown>;

function checkValue(kind: Kind, name: string, v: unknown, code: "BAD_VALUE" | "BAD_JSON"): unknown {
  switch (kind) {
    case "uint":
      if (typeof v === "number" && Number.isSafeInteger(v) && v >= 0) return v;
      break;
    case "int":
      if (typeof v === "number" && Number.isSafeInteger(v)) return v;
      break;
    case "margin":
      if (v === 0 || v === 1) return v;
      break;
    case "ascii":
      // biome-ignore lint/suspicious/noControlCharactersInRegex: the ASCII range is the point
      if (typeof v === "string" && v.length <= 255 && /^[\x00-\x7f]*$/.test(v)) return v;
      break;
    case "instrument":
      return canonicalObject(INSTRUMENT_FIELDS, name, v, code);
  }
  throw new CodecError(code, `${name}: not a valid ${kind}`);
}

/** A copy of `v` with exactly the keys of `fields`, in that order, each value checked. */
function canonicalObject(
  fields: Readonly<Record<string, Kind | InstrumentKind>>,
  name: string,
  v: unknown,
  code: "BAD_VALUE" | "BAD_JSON",
): Plain {
  if (typeof v !== "object" || v === null || Array.isArray(v))
    throw new CodecError(code, `${name}: not an object`);
  const src = v as Plain;
  const out: Plain = {};
  for (const [k, kind] of Object.entries(fields)) {
    if (!Object.hasOwn(src, k)) throw new CodecError(code, `${name}.${k} is missing`);
    const x = src[k];
    if (kind === "string") {
      if (typeof x !== "string") throw new CodecError(code, `${name}.${k}: not a string`);
      out[k] = x;
    } else if (kind === "brackets") {
      if (!Array.isArray(x)) throw new CodecError(code, `${name}.${k}: not an array`);
      out[k] = x.map((b, i) => canonicalObject(BRACKET_FIELDS, `${name}.${k}[${i}]`, b, code));
    } else out[k] = checkValue(kind, `${name}.${k}`, x, code);
  }
  // decoding is strict about unknown keys; encoding ignores what the type system already forbids
  if (code === "BAD_JSON" && Object.keys(src).length !== Object.keys(fields).length)
    throw new CodecError(code, `${name}: unknown keys`);
  return out;
}

export function encodeJsonCommand(c: JsonCommand, buf: Uint8Array, off: number): number {
  const body = canonicalObject(SCHEMAS[c.op], `op ${c.op}`, c, "BAD_VALUE");
  const json = JSON.stringify(body);
  const size = JSON_PAYLOAD + utf8Length(json);
  room(buf, off, size);
  buf[off + JSON_OP] = c.op;
  writeUtf8(buf, off + JSON_PAYLOAD, json);
  return size;
}

export function decodeJsonCommand(op: JsonOp, buf: Uint8Array, off: number, len: number): Command {
  const text = readUtf8(buf, off + JSON_PAYLOAD, len - JSON_PAYLOAD);
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    throw new CodecError("BAD_JSON", `op ${op}: payload is not JSON`);
  }
  const body = canonicalObject(SCHEMAS[op], `op ${op}`, parsed, "BAD_JSON");
  return { op, ...body } as unknown as Command;
}

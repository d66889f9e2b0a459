// Client → server messages (SPEC §9) and channel names: parsing and validation only, no I/O.
//   {"op":"subscribe","channels":["depth:BTCUSDT",...],"snapshot"?:false,"id"?}
//   {"op":"unsubscribe","channels":[...],"id"?}
//   {"op":"auth","apiKey","timestamp","signature","id"?}  |  {"op":"auth","token","id"?}
//   {"op":"ping","id"?}
// `id` (string ≤ 64 chars or safe integer) is echoed in the reply. Unknown fields are INVALID_PARAMETER.
import type { Instrument } from "@perpx/shared/domain";
import type { StreamErrorName } from "./stream-errors.js";

/** Public channel kinds, each `kind:SYMBOL`; `user` has no symbol. */
export const MARKET_KINDS = ["depth", "depth20", "trades", "ticker", "markPrice", "forceOrder"] as const;
export type MarketKind = (typeof MARKET_KINDS)[number];

export type Channel =
  | { readonly name: string; readonly kind: MarketKind; readonly instrument: Instrument }
  | { readonly name: "user"; readonly kind: "user" };

export type RequestId = string | number;

export type ClientRequest =
  | { op: "subscribe"; id?: RequestId; channels: string[]; snapshot: boolean }
  | { op: "unsubscribe"; id?: RequestId; channels: string[] }
  | { op: "auth"; id?: RequestId; apiKey: string; timestamp: number; signature: string }
  | { op: "auth"; id?: RequestId; token: string }
  | { op: "ping"; id?: RequestId };

export interface ProtocolError {
  error: StreamErrorName;
  msg: string;
  op?: string;
  id?: RequestId;
}

const MAX_CHANNEL_NAME = 64;
/** op → allowed fields (a Map: a client's `op` must never reach Object.prototype) */
const ALLOWED_FIELDS: ReadonlyMap<string, readonly string[]> = new Map([
  ["subscribe", ["op", "id", "channels", "snapshot"]],
  ["unsubscribe", ["op", "id", "channels"]],
  ["auth", ["op", "id", "apiKey", "timestamp", "signature", "token"]],
  ["ping", ["op", "id"]],
]);

function fail(error: StreamErrorName, msg: string, op?: string, id?: RequestId): ProtocolError {
  const e: ProtocolError = { error, msg };
  if (op !== undefined) e.op = op;
  if (id !== undefined) e.id = id;
  return e;
}

export function isProtocolError<T extends object>(x: T | ProtocolError): x is ProtocolError {
  return "error" in x;
}

/** Parses one text frame. Never throws. */
export function parseRequest(text: string): ClientRequest | ProtocolError {
  let msg: unknown;
  try {
    msg = JSON.parse(text);
  } catch {
    return fail("INVALID_PARAMETER", "malformed JSON");
  }
  if (typeof msg !== "object" || msg === null || Array.isArray(msg)) {
    return fail("INVALID_PARAMETER", "a message must be a JSON object");
  }
  const m = msg as Record<string, unknown>;
  const op = m.op;
  if (typeof op !== "string") return fail("INVALID_PARAMETER", "missing string field op");
  const opEcho = op.length <= 32 ? op : undefined;
  let id: RequestId | undefined;
  if (m.id !== undefined) {
    if ((typeof m.id === "string" && m.id.length <= 64) || Number.isSafeInteger(m.id)) id = m.id as RequestId;
    else
      return fail("INVALID_PARAMETER", "id must be a string of at most 64 characters or an integer", opEcho);
  }
  const allowed = ALLOWED_FIELDS.get(op);
  if (!allowed) return fail("UNKNOWN_OP", `unknown op ${JSON.stringify(opEcho ?? "…")}`, opEcho, id);
  for (const k of Object.keys(m)) {
    if (!allowed.includes(k))
      return fail("INVALID_PARAMETER", `unknown field ${JSON.stringify(k.slice(0, 32))}`, op, id);
  }
  const withId = <T extends ClientRequest>(r: T): T => (id === undefined ? r : { ...r, id });
  switch (op) {
    case "subscribe":
    case "unsubscribe": {
      const ch = m.channels;
      if (!Array.isArray(ch) || ch.length === 0 || !ch.every((c) => typeof c === "string")) {
        return fail("INVALID_PARAMETER", "channels must be a non-empty array of strings", op, id);
      }
      if (op === "unsubscribe") return withId({ op, channels: ch as string[] });
      if (m.snapshot !== undefined && typeof m.snapshot !== "boolean") {
        return fail("INVALID_PARAMETER", "snapshot must be a boolean", op, id);
      }
      return withId({ op, channels: ch as string[], snapshot: m.snapshot !== false });
    }
    case "auth": {
      if (m.token !== undefined) {
        if (typeof m.token !== "string" || m.token.length === 0 || m.apiKey !== undefined) {
          return fail("INVALID_PARAMETER", "auth takes either token or apiKey/timestamp/signature", op, id);
        }
        return withId({ op, token: m.token });
      }
      const ts =
        typeof m.timestamp === "string" && /^\d{1,16}$/.test(m.timestamp) ? Number(m.timestamp) : m.timestamp;
      if (typeof m.apiKey !== "string" || m.apiKey.length === 0 || m.apiKey.length > 128) {
        return fail("INVALID_PARAMETER", "apiKey must be a non-empty string", op, id);
      }
      if (typeof ts !== "number" || !Number.isSafeInteger(ts) || ts <= 0) {
        return fail("INVALID_PARAMETER", "timestamp must be an integer (ms since epoch)", op, id);
      }
      if (typeof m.signature !== "string")
        return fail("INVALID_PARAMETER", "signature must be a string", op, id);
      return withId({ op, apiKey: m.apiKey, timestamp: ts, signature: m.signature });
    }
    default:
      return withId({ op: "ping" });
  }
}

/** Resolves a channel name against the listed instruments. */
export function resolveChannel(
  name: string,
  bySymbol: ReadonlyMap<string, Instrument>,
): Channel | ProtocolError {
  if (name === "user") return { name, kind: "user" };
  const shown = JSON.stringify(
    name.length <= MAX_CHANNEL_NAME ? name : `${name.slice(0, MAX_CHANNEL_NAME)}…`,
  );
  const colon = name.indexOf(":");
  const kind = colon > 0 ? name.slice(0, colon) : "";
  if (name.length > MAX_CHANNEL_NAME || !(MARKET_KINDS as readonly string[]).includes(kind)) {
    return fail("UNKNOWN_CHANNEL", `unknown channel ${shown}`);
  }
  const instrument = bySymbol.get(name.slice(colon + 1));
  if (!instrument) return fail("UNKNOWN_SYMBOL", `unknown symbol in channel ${shown}`);
  return { name, kind: kind as MarketKind, instrument };
}

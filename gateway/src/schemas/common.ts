// JSON schemas shared by several routes: used at once for validation (Ajv, strict: unknown fields are
// refused), response serialization (fast-json-stringify) and the OpenAPI document (plugins/openapi.ts).
import { HTTP_ERRORS } from "@perpx/shared/errors";

/** A decimal on the wire: a string, or a JSON number read through its shortest decimal text. */
export const decimal = { type: ["string", "number"], maxLength: 40 } as const;
export const decimalOut = { type: "string" } as const;
export const symbol = { type: "string", minLength: 1, maxLength: 20, pattern: "^[A-Z0-9]+$" } as const;
export const clientOrderId = { type: "string", pattern: "^[A-Za-z0-9._:/-]{1,36}$" } as const;
/** orderId on the wire: a u64 decimal string (a JSON integer is accepted too) */
export const orderIdIn = { type: ["string", "integer"], pattern: "^[0-9]{1,20}$", minimum: 0 } as const;
export const timeMs = { type: "integer", minimum: 0, maximum: 8_640_000_000_000_000 } as const;
export const userId = { type: "integer", minimum: 1, maximum: Number.MAX_SAFE_INTEGER } as const;

export const errorSchema = {
  $id: "ApiError",
  type: "object",
  description: "Every error answer. `error` is a name from the catalog (see the x-error-catalog extension).",
  required: ["code", "error", "msg"],
  properties: {
    code: { type: "integer" },
    error: { type: "string", enum: Object.keys(HTTP_ERRORS) },
    msg: { type: "string" },
  },
} as const;

/** `?wait=true` on command routes (SPEC §8.3). */
export const waitQuery = {
  type: "object",
  additionalProperties: false,
  properties: {
    wait: { type: "boolean", description: "wait for the engine's answer (200), or 504 UNKNOWN" },
  },
} as const;

export const symbolQuery = {
  type: "object",
  additionalProperties: false,
  required: ["symbol"],
  properties: { symbol },
} as const;

export const rangeQuery = {
  type: "object",
  additionalProperties: false,
  properties: {
    symbol,
    startTime: timeMs,
    endTime: timeMs,
    limit: { type: "integer", minimum: 1, maximum: 1000, default: 500 },
  },
} as const;

export interface RangeQs {
  symbol?: string;
  startTime?: number;
  endTime?: number;
  limit: number;
}

export const orderView = {
  type: "object",
  properties: {
    orderId: { type: "string" },
    clientOrderId: { type: "string" },
    symbol: { type: "string" },
    side: { type: "string" },
    type: { type: "string" },
    status: { type: "string" },
    price: decimalOut,
    origQty: decimalOut,
    executedQty: decimalOut,
    avgPrice: decimalOut,
    cumQuote: decimalOut,
    timeInForce: { type: "string" },
    reduceOnly: { type: "boolean" },
    closePosition: { type: "boolean" },
    stopPrice: decimalOut,
    workingType: { type: "string" },
    selfTradePreventionMode: { type: "string" },
    positionSide: { type: "string" },
    rejectReason: { type: "string" },
    time: { type: "integer" },
    updateTime: { type: "integer" },
    duplicate: { type: "boolean" },
  },
} as const;

/** 202 answer to a command: durable in the log, not yet applied. */
export const commandAck = {
  type: "object",
  properties: {
    status: { type: "string", description: "ACCEPTED (durable in the log) | APPLIED | REJECTED" },
    rejectReason: { type: "string" },
    symbol: { type: "string" },
    orderId: { type: "string" },
    clientOrderId: { type: "string" },
    duplicate: { type: "boolean" },
  },
  additionalProperties: true,
} as const;

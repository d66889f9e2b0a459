// The error catalog (SPEC §8.4 and §8.5): one table, stable codes, never renumbered.
// Gateway errors are HTTP answers `{code, error, msg}`; engine reject reasons are small integers that
// travel in binary events and are mapped to names here. docs/errors.md is generated from this file and a
// test keeps the codes unique and documented.

export interface CatalogEntry {
  /** stable numeric code, unique across the catalog */
  readonly code: number;
  /** HTTP status the gateway answers with */
  readonly http: number;
  /** may the client retry the same request unchanged and expect it to work later? */
  readonly retriable: boolean;
  readonly description: string;
}

/** Gateway (HTTP) errors. Codes: 1xxx request, 2xxx auth, 3xxx not found/conflict, 4xxx rate, 5xxx server. */
export const HTTP_ERRORS = {
  INVALID_PARAMETER: {
    code: 1000,
    http: 400,
    retriable: false,
    description: "Malformed JSON, wrong type, missing or unknown field, or a value out of range.",
  },
  INVALID_PRECISION: {
    code: 1001,
    http: 400,
    retriable: false,
    description:
      "A number that cannot be read exactly: exponent notation, more than 18 decimals, or beyond 2^53.",
  },
  UNKNOWN_SYMBOL: {
    code: 1002,
    http: 400,
    retriable: false,
    description: "The symbol is not a listed instrument.",
  },
  INVALID_TICK_SIZE: {
    code: 1003,
    http: 400,
    retriable: false,
    description: "A price that is not a multiple of the instrument's tickSize.",
  },
  INVALID_LOT_SIZE: {
    code: 1004,
    http: 400,
    retriable: false,
    description: "A quantity that is not a multiple of stepSize, below minQty or above maxQty/maxMarketQty.",
  },
  MIN_NOTIONAL: {
    code: 1005,
    http: 400,
    retriable: false,
    description: "Order notional (price × quantity) below the instrument's minNotional.",
  },
  PRICE_OUT_OF_BAND: {
    code: 1006,
    http: 400,
    retriable: false,
    description:
      "A limit price outside the percent band around the mark price, or no mark price for a market order.",
  },
  PAYLOAD_TOO_LARGE: {
    code: 1007,
    http: 413,
    retriable: false,
    description: "Request body above the size limit.",
  },
  UNSUPPORTED_MEDIA_TYPE: {
    code: 1008,
    http: 415,
    retriable: false,
    description: "Request body is not application/json.",
  },
  TOO_MANY_ORDERS_IN_BATCH: {
    code: 1009,
    http: 400,
    retriable: false,
    description: "A batch holds more than 10 orders.",
  },
  UNAUTHORIZED: {
    code: 2000,
    http: 401,
    retriable: false,
    description: "Missing or unknown API key, or a missing, malformed or expired JWT.",
  },
  INVALID_SIGNATURE: {
    code: 2001,
    http: 401,
    retriable: false,
    description: "The HMAC signature or JWT signature does not verify.",
  },
  TIMESTAMP_OUTSIDE_WINDOW: {
    code: 2002,
    http: 401,
    retriable: false,
    description: "The request timestamp is more than 60 s away from the server clock.",
  },
  REPLAYED_REQUEST: {
    code: 2003,
    http: 401,
    retriable: false,
    description: "The same (APIKEY, timestamp, signature) was already seen inside the window.",
  },
  FORBIDDEN: {
    code: 2004,
    http: 403,
    retriable: false,
    description: "Authenticated, but not allowed (admin route).",
  },
  ORDER_NOT_FOUND: {
    code: 3000,
    http: 404,
    retriable: false,
    description: "No such order, or it is no longer open.",
  },
  NOT_FOUND: { code: 3001, http: 404, retriable: false, description: "No such route or resource." },
  METHOD_NOT_ALLOWED: {
    code: 3002,
    http: 405,
    retriable: false,
    description: "The route exists for other methods.",
  },
  RATE_LIMITED: {
    code: 4000,
    http: 429,
    retriable: true,
    description: "Too many requests for this API key or IP; retry after the Retry-After header.",
  },
  INTERNAL_ERROR: {
    code: 5000,
    http: 500,
    retriable: true,
    description: "A bug. Never expected; reported with a request id.",
  },
  ENGINE_UNAVAILABLE: {
    code: 5001,
    http: 503,
    retriable: true,
    description: "The engine is not running or not caught up.",
  },
  LOG_UNAVAILABLE: {
    code: 5002,
    http: 503,
    retriable: true,
    description: "The command log (journal or Kafka) did not make the command durable; nothing was accepted.",
  },
  TIMEOUT: {
    code: 5003,
    http: 504,
    retriable: true,
    description: "The engine did not answer in time; reconcile by clientOrderId.",
  },
} as const satisfies Record<string, CatalogEntry>;

export type HttpErrorName = keyof typeof HTTP_ERRORS;

/**
 * Engine reject reasons (SPEC §8.5), carried as u8 in binary events. 0 means "no reject".
 * Numbers are part of the log and event formats: never renumber, only append.
 */
export const RejectReason = {
  NONE: 0,
  MARGIN_INSUFFICIENT: 1,
  REDUCE_ONLY_REJECTED: 2,
  POST_ONLY_REJECTED: 3,
  FOK_REJECTED: 4,
  MAX_OPEN_ORDERS: 5,
  MAX_POSITION_EXCEEDED: 6,
  PRICE_OUT_OF_BAND: 7,
  WOULD_TRIGGER_IMMEDIATELY: 8,
  ACCOUNT_IN_LIQUIDATION: 9,
  UNKNOWN_ORDER: 10,
  BALANCE_INSUFFICIENT: 11,
  UNKNOWN_SYMBOL: 12,
  UNKNOWN_ACCOUNT: 13,
  INVALID_PARAMETER: 14,
  DUPLICATE: 15,
  POSITION_OR_ORDERS_OPEN: 16,
} as const;
export type RejectReason = (typeof RejectReason)[keyof typeof RejectReason];
export type RejectReasonName = keyof typeof RejectReason;

export const REJECT_REASON_DESCRIPTIONS: Readonly<Record<RejectReasonName, string>> = {
  NONE: "Not rejected.",
  MARGIN_INSUFFICIENT: "Available balance does not cover the order's initial margin and open loss.",
  REDUCE_ONLY_REJECTED: "A reduce-only order that would open or increase a position (or there is none).",
  POST_ONLY_REJECTED: "A post-only (GTX) order that would have taken liquidity.",
  FOK_REJECTED: "A fill-or-kill order that could not fill completely.",
  MAX_OPEN_ORDERS: "The user already has maxOpenOrders open orders on this symbol.",
  MAX_POSITION_EXCEEDED: "The resulting position notional exceeds the bracket cap for the chosen leverage.",
  PRICE_OUT_OF_BAND: "Limit price outside the band around the engine's mark, or no mark for a market order.",
  WOULD_TRIGGER_IMMEDIATELY: "A stop/take-profit whose trigger condition already holds.",
  ACCOUNT_IN_LIQUIDATION: "The account is being liquidated; only the engine may trade it.",
  UNKNOWN_ORDER: "The order to cancel or amend is not open in the engine.",
  BALANCE_INSUFFICIENT: "A withdrawal or margin transfer larger than the available balance.",
  UNKNOWN_SYMBOL: "The symbol is not listed in the engine.",
  UNKNOWN_ACCOUNT: "The user has no account in the engine.",
  INVALID_PARAMETER: "A command field the engine cannot accept (e.g. leverage above the bracket maximum).",
  DUPLICATE: "A command with an id the engine has already applied (idempotent no-op).",
  POSITION_OR_ORDERS_OPEN:
    "A margin type change refused while the symbol has open orders or a position (Binance -4047/-4048).",
};

const REJECT_NAMES: readonly RejectReasonName[] = (() => {
  const out: RejectReasonName[] = [];
  for (const [name, code] of Object.entries(RejectReason)) out[code] = name as RejectReasonName;
  return out;
})();

export function rejectReasonName(code: number): RejectReasonName {
  const n = REJECT_NAMES[code];
  if (n === undefined) throw new RangeError(`unknown reject reason ${code}`);
  return n;
}

/** An error that crosses a thread or process: a code and a retriable flag, never a class. */
export interface WireError {
  readonly error: HttpErrorName;
  readonly code: number;
  readonly retriable: boolean;
  readonly msg: string;
}

export function wireError(name: HttpErrorName, msg: string): WireError {
  const e = HTTP_ERRORS[name];
  return { error: name, code: e.code, retriable: e.retriable, msg };
}

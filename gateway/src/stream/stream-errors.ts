// The stream's error replies and close codes: one catalog, stable numbers, never renumbered.
// A reply is `{"op"?, "id"?, "error": {"code", "name", "msg"}}`; names shared with the REST catalog
// (SPEC §8.4) keep its code, stream-only errors are 6xxx. docs/stream.md documents every entry and a test
// keeps the two in step.
import { HTTP_ERRORS } from "@perpx/shared/errors";

export interface StreamErrorEntry {
  readonly code: number;
  readonly description: string;
}

export const STREAM_ERRORS = {
  INVALID_PARAMETER: {
    code: HTTP_ERRORS.INVALID_PARAMETER.code,
    description: "Malformed JSON, a binary frame, not an object, or a field of the wrong type.",
  },
  UNKNOWN_SYMBOL: {
    code: HTTP_ERRORS.UNKNOWN_SYMBOL.code,
    description: "A channel names a symbol that is not listed.",
  },
  PAYLOAD_TOO_LARGE: {
    code: HTTP_ERRORS.PAYLOAD_TOO_LARGE.code,
    description: "A client message above maxMessageBytes (above maxPayloadBytes uWS drops the connection).",
  },
  UNAUTHORIZED: {
    code: HTTP_ERRORS.UNAUTHORIZED.code,
    description: "Unknown API key, or a missing, malformed or expired JWT.",
  },
  INVALID_SIGNATURE: {
    code: HTTP_ERRORS.INVALID_SIGNATURE.code,
    description: 'The HMAC of timestamp + "GET" + "/ws" (or the JWT signature) does not verify.',
  },
  TIMESTAMP_OUTSIDE_WINDOW: {
    code: HTTP_ERRORS.TIMESTAMP_OUTSIDE_WINDOW.code,
    description: "The auth timestamp is more than 60 s away from the server clock.",
  },
  REPLAYED_REQUEST: {
    code: HTTP_ERRORS.REPLAYED_REQUEST.code,
    description: "The same (apiKey, timestamp, signature) was already used inside the window.",
  },
  RATE_LIMITED: {
    code: HTTP_ERRORS.RATE_LIMITED.code,
    description:
      "More client messages than messagesPerSecond (burst messagesBurst); the message was ignored.",
  },
  INTERNAL_ERROR: {
    code: HTTP_ERRORS.INTERNAL_ERROR.code,
    description: "The auth verifier failed or timed out; retry later.",
  },
  UNKNOWN_OP: { code: 6000, description: "`op` is not subscribe, unsubscribe, auth or ping." },
  UNKNOWN_CHANNEL: { code: 6001, description: "A channel name that is not one of the documented channels." },
  TOO_MANY_SUBSCRIPTIONS: {
    code: 6002,
    description: "The subscription would pass maxSubscriptions for this connection; nothing was subscribed.",
  },
  AUTH_REQUIRED: { code: 6003, description: "The `user` channel needs a successful `auth` first." },
  ALREADY_AUTHENTICATED: {
    code: 6004,
    description: "This connection is already authenticated (one user per connection).",
  },
} as const satisfies Record<string, StreamErrorEntry>;

export type StreamErrorName = keyof typeof STREAM_ERRORS;

/** WebSocket close codes the server sends (4000–4999 are private use, RFC 6455 §7.4.2). */
export const CLOSE_CODES = {
  /** server shutting down */
  GOING_AWAY: 1001,
  /** the client's unread backlog passed maxBufferedBytes; reconnect and resubscribe */
  SLOW_CONSUMER: 4001,
  /** too many error replies (bad messages, rate limited) in a short time */
  TOO_MANY_ERRORS: 4002,
  /** maxAuthFailures failed auth attempts */
  AUTH_FAILED: 4003,
} as const;
export type CloseCodeName = keyof typeof CLOSE_CODES;

export const CLOSE_REASONS: Readonly<Record<CloseCodeName, string>> = {
  GOING_AWAY: "server shutdown",
  SLOW_CONSUMER: "slow consumer",
  TOO_MANY_ERRORS: "too many errors",
  AUTH_FAILED: "too many failed auth attempts",
};

/** The JSON text of an error reply; `op` and `id` echo the request when known. */
export function errorReply(name: StreamErrorName, msg: string, op?: string, id?: string | number): string {
  const error = { code: STREAM_ERRORS[name].code, name, msg };
  return JSON.stringify(op === undefined ? { error } : id === undefined ? { op, error } : { op, id, error });
}

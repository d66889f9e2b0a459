// The stream server's knobs: defaults with units, one env var each, validated once and frozen.
export interface StreamLimits {
  /** frame size uWS accepts at all; a bigger frame drops the connection (1006). WS_MAX_PAYLOAD_BYTES */
  readonly maxPayloadBytes: number;
  /** client message size answered normally; above it a PAYLOAD_TOO_LARGE error. WS_MAX_MESSAGE_BYTES */
  readonly maxMessageBytes: number;
  /** channels per connection. WS_MAX_SUBSCRIPTIONS */
  readonly maxSubscriptions: number;
  /** unread backlog (bytes) after which a client is closed with 4001. WS_MAX_BUFFERED_BYTES */
  readonly maxBufferedBytes: number;
  /** uWS hard backpressure cap (bytes); past it uWS itself drops the socket (1006). WS_HARD_BACKPRESSURE_BYTES */
  readonly hardBackpressureBytes: number;
  /** ms between backlog sweeps over all connections. WS_BACKPRESSURE_CHECK_MS */
  readonly backpressureCheckMs: number;
  /** s without traffic before uWS closes; it pings automatically before that. WS_IDLE_TIMEOUT_S */
  readonly idleTimeoutSec: number;
  /** sustained client messages per second per connection. WS_MESSAGES_PER_SECOND */
  readonly messagesPerSecond: number;
  /** client message burst per connection. WS_MESSAGES_BURST */
  readonly messagesBurst: number;
  /** error replies a connection may provoke in a burst (refilled 1 per second) before close 4002. WS_ERRORS_BURST */
  readonly errorsBurst: number;
  /** failed auth attempts before close 4003. WS_MAX_AUTH_FAILURES */
  readonly maxAuthFailures: number;
  /** ms an auth verifier may take before INTERNAL_ERROR. WS_AUTH_TIMEOUT_MS */
  readonly authTimeoutMs: number;
  /** ±ms an API-key auth timestamp may differ from the server clock. WS_AUTH_WINDOW_MS */
  readonly authWindowMs: number;
  /** levels per side in a depth snapshot on subscribe. WS_SNAPSHOT_LEVELS */
  readonly snapshotLevels: number;
  /** ms between depth20 snapshots of a changed book. WS_DEPTH20_INTERVAL_MS */
  readonly depth20IntervalMs: number;
  /** ms between ticker updates of a symbol that traded. WS_TICKER_INTERVAL_MS */
  readonly tickerIntervalMs: number;
  /** open connections; further upgrades get HTTP 503. WS_MAX_CONNECTIONS */
  readonly maxConnections: number;
}

export const DEFAULT_STREAM_LIMITS: StreamLimits = Object.freeze({
  maxPayloadBytes: 64 * 1024, // 64 KiB
  maxMessageBytes: 4 * 1024, // 4 KiB
  maxSubscriptions: 64,
  maxBufferedBytes: 1024 * 1024, // 1 MiB
  hardBackpressureBytes: 8 * 1024 * 1024, // 8 MiB
  backpressureCheckMs: 50,
  idleTimeoutSec: 60, // uWS resolution is ~4 s
  messagesPerSecond: 50,
  messagesBurst: 100,
  errorsBurst: 20,
  maxAuthFailures: 3,
  authTimeoutMs: 5_000,
  authWindowMs: 60_000, // SPEC §8.1: ±60 s
  snapshotLevels: 5_000, // a ±5 % band at BTC 50 000 / tick 0.1 holds at most 25 000 prices per side
  depth20IntervalMs: 100,
  tickerIntervalMs: 1_000,
  maxConnections: 50_000,
});

const ENV_NAMES: Readonly<Record<keyof StreamLimits, string>> = {
  maxPayloadBytes: "WS_MAX_PAYLOAD_BYTES",
  maxMessageBytes: "WS_MAX_MESSAGE_BYTES",
  maxSubscriptions: "WS_MAX_SUBSCRIPTIONS",
  maxBufferedBytes: "WS_MAX_BUFFERED_BYTES",
  hardBackpressureBytes: "WS_HARD_BACKPRESSURE_BYTES",
  backpressureCheckMs: "WS_BACKPRESSURE_CHECK_MS",
  idleTimeoutSec: "WS_IDLE_TIMEOUT_S",
  messagesPerSecond: "WS_MESSAGES_PER_SECOND",
  messagesBurst: "WS_MESSAGES_BURST",
  errorsBurst: "WS_ERRORS_BURST",
  maxAuthFailures: "WS_MAX_AUTH_FAILURES",
  authTimeoutMs: "WS_AUTH_TIMEOUT_MS",
  authWindowMs: "WS_AUTH_WINDOW_MS",
  snapshotLevels: "WS_SNAPSHOT_LEVELS",
  depth20IntervalMs: "WS_DEPTH20_INTERVAL_MS",
  tickerIntervalMs: "WS_TICKER_INTERVAL_MS",
  maxConnections: "WS_MAX_CONNECTIONS",
};

/** Defaults overridden by `overrides`, then by env vars; every value must be a positive safe integer. */
export function resolveStreamLimits(
  overrides: Partial<StreamLimits> = {},
  env: Readonly<Record<string, string | undefined>> = {},
): StreamLimits {
  const out: Record<string, number> = { ...DEFAULT_STREAM_LIMITS, ...overrides };
  for (const [key, name] of Object.entries(ENV_NAMES)) {
    const text = env[name];
    if (text !== undefined && text !== "") {
      if (!/^\d+$/.test(text)) throw new RangeError(`${name} must be a positive integer, got "${text}"`);
      out[key] = Number(text);
    }
    const v = out[key];
    if (v === undefined || !Number.isSafeInteger(v) || v <= 0) {
      throw new RangeError(`stream limit ${key} (${name}) must be a positive integer, got ${v}`);
    }
  }
  if (out.maxMessageBytes! > out.maxPayloadBytes!) throw new RangeError("maxMessageBytes > maxPayloadBytes");
  // uWS aborts the process (not an exception) for an idle timeout between 1 and 7 s
  if (out.idleTimeoutSec! < 8) throw new RangeError("idleTimeoutSec (WS_IDLE_TIMEOUT_S) must be at least 8");
  if (out.maxBufferedBytes! >= out.hardBackpressureBytes!) {
    throw new RangeError("maxBufferedBytes must be below hardBackpressureBytes");
  }
  return Object.freeze(out as unknown as StreamLimits);
}

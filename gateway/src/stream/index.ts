// The WebSocket stream (SPEC §9): start it with startStreamServer, feed it with a StreamSource.
export { MemoryStreamSource } from "./memory-source.js";
export type { StreamAuth, StreamAuthRefusal, StreamAuthResult, StreamPrincipal } from "./stream-auth.js";
export { createHmacApiKeyVerifier, signStreamAuth, streamAuthPayload } from "./stream-auth.js";
export { CLOSE_CODES, STREAM_ERRORS } from "./stream-errors.js";
export { DEFAULT_STREAM_LIMITS, resolveStreamLimits, type StreamLimits } from "./stream-limits.js";
export {
  type StreamServer,
  type StreamServerOptions,
  type StreamStats,
  startStreamServer,
} from "./stream-server.js";
export type { DepthSnapshot, StreamSource } from "./stream-source.js";

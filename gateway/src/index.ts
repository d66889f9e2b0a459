// @perpx/gateway public surface.
export { ApiError } from "./api-error.js";
export { API_VERSION, type BuildOptions, buildApp, REDACT_PATHS } from "./app.js";
export { ADMIN_USER_ID, ensureAdminKey } from "./auth/admin-bootstrap.js";
export { signRequest } from "./auth/hmac.js";
export { type ApiKeyEntry, type CreatedApiKey, EncryptedKeyStore, type KeyStore } from "./auth/key-store.js";
export { loadMasterKey } from "./auth/secret-box.js";
export { type GatewayParts, type PreparedGateway, prepareGateway } from "./bootstrap.js";
export { configFromEnv, DEFAULT_CONFIG, type GatewayConfig, makeConfig } from "./config.js";
export { MonotonicIdGen } from "./ids.js";
export { MemoryReadModel } from "./read-model/memory-read-model.js";
export type { RangeQuery, ReadModel } from "./read-model/read-model.js";
export type * from "./read-model/views.js";
export type { EngineLink, GatewayDeps, IdGen, ReadinessProbe } from "./types.js";

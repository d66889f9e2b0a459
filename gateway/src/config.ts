// Gateway configuration (STYLE §13): one schema, validated once at boot, deep-frozen, passed down.
// Every knob has a default with its unit and an env var. Secrets (JWT public keys are not secret, API
// secrets and the master key are) never live here: the key store reads the master key itself.
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { Ajv } from "ajv";

export interface RateLimitConfig {
  readonly enabled: boolean;
  /** fixed window length, ms */
  readonly windowMs: number;
  /** requests per window per client IP (every /api route) */
  readonly perIp: number;
  /** requests per window per authenticated API key or JWT subject */
  readonly perKey: number;
  /** distinct clients tracked per window before new ones are limited (memory bound) */
  readonly maxTracked: number;
}

export interface AuthConfig {
  /** accepted distance between a request's `timestamp` header and the server clock, ms */
  readonly windowMs: number;
  /** replay cache capacity, entries (~150 B each); when full, signed requests get 429 */
  readonly replayCacheMax: number;
  /** RS256 public keys by `kid` (PEM text) */
  readonly jwtPublicKeys: Readonly<Record<string, string>>;
  /** clock skew tolerated on `exp` / `nbf`, ms */
  readonly jwtLeewayMs: number;
  /** when set, the JWT `iss` / `aud` claims must match */
  readonly jwtIssuer?: string;
  readonly jwtAudience?: string;
}

export interface GatewayConfig {
  readonly host: string;
  readonly port: number;
  readonly dataDir: string;
  /** 0..15, part of every id this instance assigns (ids.ts) */
  readonly nodeId: number;
  /** maximum request body, bytes */
  readonly bodyLimit: number;
  /** default and maximum wait of `?wait=true`, ms */
  readonly waitTimeoutMs: number;
  readonly logLevel: string;
  readonly trustProxy: boolean;
  /** built web UI (web/dist) served at / and /admin; "" = no UI (docs/ui.md) */
  readonly webDir: string;
  /** WebSocket URL the UI connects to; "" = ws://<host the page came from>:<stream port>/ws */
  readonly publicWsUrl: string;
  readonly auth: AuthConfig;
  readonly rateLimit: RateLimitConfig;
}

export const DEFAULT_CONFIG: GatewayConfig = {
  host: "127.0.0.1",
  port: 8080,
  dataDir: "./data",
  nodeId: 0,
  bodyLimit: 16 * 1024, // 16 KiB: a batch of 10 orders is ~3 KiB
  waitTimeoutMs: 5_000, // 5 s
  logLevel: "info",
  trustProxy: false,
  webDir: "",
  publicWsUrl: "",
  auth: {
    windowMs: 60_000, // ±60 s (SPEC §8.1)
    replayCacheMax: 500_000, // 32 MiB table at the cap (16 B per slot, ≤ 1/4 live after a rebuild); rate limits keep it far lower
    jwtPublicKeys: {},
    jwtLeewayMs: 0,
  },
  rateLimit: {
    enabled: true,
    windowMs: 10_000, // 10 s
    perIp: 2_000, // 200 req/s per IP
    perKey: 1_000, // 100 req/s per key
    maxTracked: 100_000,
  },
};

const SCHEMA = {
  type: "object",
  additionalProperties: false,
  required: [
    "host",
    "port",
    "dataDir",
    "nodeId",
    "bodyLimit",
    "waitTimeoutMs",
    "logLevel",
    "auth",
    "rateLimit",
  ],
  properties: {
    host: { type: "string", minLength: 1 },
    port: { type: "integer", minimum: 0, maximum: 65535 },
    dataDir: { type: "string", minLength: 1 },
    nodeId: { type: "integer", minimum: 0, maximum: 15 },
    bodyLimit: { type: "integer", minimum: 1024, maximum: 1024 * 1024 },
    waitTimeoutMs: { type: "integer", minimum: 1, maximum: 60_000 },
    logLevel: { enum: ["fatal", "error", "warn", "info", "debug", "trace", "silent"] },
    trustProxy: { type: "boolean" },
    webDir: { type: "string" },
    publicWsUrl: { type: "string", pattern: "^(|wss?://.+)$" },
    auth: {
      type: "object",
      additionalProperties: false,
      required: ["windowMs", "replayCacheMax", "jwtPublicKeys", "jwtLeewayMs"],
      properties: {
        windowMs: { type: "integer", minimum: 1_000, maximum: 600_000 },
        replayCacheMax: { type: "integer", minimum: 100 },
        jwtPublicKeys: { type: "object", additionalProperties: { type: "string", minLength: 1 } },
        jwtLeewayMs: { type: "integer", minimum: 0, maximum: 300_000 },
        jwtIssuer: { type: "string" },
        jwtAudience: { type: "string" },
      },
    },
    rateLimit: {
      type: "object",
      additionalProperties: false,
      required: ["enabled", "windowMs", "perIp", "perKey", "maxTracked"],
      properties: {
        enabled: { type: "boolean" },
        windowMs: { type: "integer", minimum: 100 },
        perIp: { type: "integer", minimum: 1 },
        perKey: { type: "integer", minimum: 1 },
        maxTracked: { type: "integer", minimum: 1 },
      },
    },
  },
} as const;

const validate = new Ajv({ allErrors: true }).compile(SCHEMA);

type DeepPartial<T> = { [K in keyof T]?: T[K] extends object ? DeepPartial<T[K]> : T[K] };

function deepFreeze<T>(o: T): T {
  if (o && typeof o === "object" && !Object.isFrozen(o)) {
    Object.freeze(o);
    for (const v of Object.values(o)) deepFreeze(v);
  }
  return o;
}

/** Defaults merged with `overrides`, validated and frozen. Throws with every problem listed. */
export function makeConfig(overrides: DeepPartial<GatewayConfig> = {}): GatewayConfig {
  const cfg = {
    ...DEFAULT_CONFIG,
    ...overrides,
    auth: { ...DEFAULT_CONFIG.auth, ...overrides.auth },
    rateLimit: { ...DEFAULT_CONFIG.rateLimit, ...overrides.rateLimit },
  } as GatewayConfig;
  if (!validate(cfg)) {
    const why = (validate.errors ?? []).map((e) => `${e.instancePath || "/"} ${e.message}`).join("; ");
    throw new Error(`invalid gateway config: ${why}`);
  }
  return deepFreeze(cfg);
}

/** web/dist of this checkout, seen from gateway/dist/src/config.js (what `make build-web` writes) */
export const DEFAULT_WEB_DIR = fileURLToPath(new URL("../../../web/dist", import.meta.url));

const int = (v: string | undefined): number | undefined => (v === undefined ? undefined : Number(v));

/**
 * Reads the environment. JWT public keys come from JWT_PUBLIC_KEYS (JSON `{kid: pem}`) and from
 * `<JWT_KEYS_DIR or DATA_DIR/jwt>/<kid>.pub.pem` files.
 */
export function configFromEnv(env: NodeJS.ProcessEnv = process.env): GatewayConfig {
  const dataDir = env.DATA_DIR ?? DEFAULT_CONFIG.dataDir;
  const keys: Record<string, string> = {};
  const dir = env.JWT_KEYS_DIR ?? join(dataDir, "jwt");
  if (existsSync(dir)) {
    for (const f of readdirSync(dir)) {
      if (f.endsWith(".pub.pem")) keys[f.slice(0, -".pub.pem".length)] = readFileSync(join(dir, f), "utf8");
    }
  }
  if (env.JWT_PUBLIC_KEYS) Object.assign(keys, JSON.parse(env.JWT_PUBLIC_KEYS) as Record<string, string>);
  const o: DeepPartial<GatewayConfig> = {
    host: env.HOST,
    port: int(env.HTTP_PORT),
    dataDir,
    nodeId: int(env.GATEWAY_NODE_ID),
    bodyLimit: int(env.BODY_LIMIT_BYTES),
    waitTimeoutMs: int(env.WAIT_TIMEOUT_MS),
    logLevel: env.LOG_LEVEL,
    trustProxy: env.TRUST_PROXY === undefined ? undefined : env.TRUST_PROXY === "true",
    webDir: env.WEB_DIR ?? DEFAULT_WEB_DIR,
    publicWsUrl: env.PUBLIC_WS_URL,
    auth: {
      jwtPublicKeys: keys,
      windowMs: int(env.AUTH_WINDOW_MS),
      jwtLeewayMs: int(env.JWT_LEEWAY_MS),
      jwtIssuer: env.JWT_ISSUER,
      jwtAudience: env.JWT_AUDIENCE,
    },
    rateLimit: {
      enabled: env.RATE_LIMIT === undefined ? undefined : env.RATE_LIMIT !== "off",
      windowMs: int(env.RATE_LIMIT_WINDOW_MS),
      perIp: int(env.RATE_LIMIT_PER_IP),
      perKey: int(env.RATE_LIMIT_PER_KEY),
    },
  };
  return makeConfig(stripUndefined(o));
}

function stripUndefined<T>(o: T): T {
  if (!o || typeof o !== "object") return o;
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(o)) if (v !== undefined) out[k] = stripUndefined(v);
  return out as T;
}

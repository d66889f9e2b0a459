// Authentication and authorization, in one hook (preValidation: after the raw body is read, which the
// HMAC needs, and before anything looks at the body). Routes declare `config.auth`: public | user | admin.
//   Authorization: Bearer <JWT>   → RS256 JWT (auth/jwt.ts)
//   APIKEY + timestamp + signature → HMAC over timestamp + METHOD + path?query + raw body (auth/hmac.ts),
//                                   ±window, single use inside the window (auth/replay-cache.ts)
// Admin routes need the JWT role `admin` or an admin API key (403 FORBIDDEN otherwise).
import type { FastifyInstance, FastifyRequest } from "fastify";
import { ApiError } from "../api-error.js";
import { verifySignature } from "../auth/hmac.js";
import { JwtVerifier } from "../auth/jwt.js";
import { API_KEY_RE, type KeyStore } from "../auth/key-store.js";
import { ReplayCache } from "../auth/replay-cache.js";
import type { AuthConfig } from "../config.js";
import type { RateLimiter } from "./rate-limit.js";
import type { Principal } from "./request-context.js";

const EMPTY = Buffer.alloc(0);
const TS_RE = /^[0-9]{1,16}$/;
const BEARER_RE = /^Bearer ([A-Za-z0-9._-]+)$/;

export interface AuthDeps {
  cfg: AuthConfig;
  keys: KeyStore;
  clock: () => number;
  limiter: RateLimiter;
}

export class Authenticator {
  readonly replay: ReplayCache;
  readonly jwt: JwtVerifier;

  constructor(private readonly d: AuthDeps) {
    this.replay = new ReplayCache(d.cfg.windowMs, d.cfg.replayCacheMax);
    const jwtOpts: ConstructorParameters<typeof JwtVerifier>[1] = { leewayMs: d.cfg.jwtLeewayMs };
    if (d.cfg.jwtIssuer !== undefined) jwtOpts.issuer = d.cfg.jwtIssuer;
    if (d.cfg.jwtAudience !== undefined) jwtOpts.audience = d.cfg.jwtAudience;
    this.jwt = new JwtVerifier(d.cfg.jwtPublicKeys, jwtOpts);
  }

  async authenticate(req: FastifyRequest): Promise<Principal> {
    const authz = req.headers.authorization;
    if (authz !== undefined) {
      const m = BEARER_RE.exec(authz);
      if (!m?.[1]) throw new ApiError("UNAUTHORIZED", "Authorization must be `Bearer <JWT>`");
      const p = await this.jwt.verify(m[1], this.d.clock());
      return { userId: p.userId, admin: p.admin, via: "jwt", rateKey: `jwt:${p.userId}` };
    }
    const apiKey = req.headers.apikey;
    if (typeof apiKey !== "string" || !API_KEY_RE.test(apiKey)) {
      throw new ApiError("UNAUTHORIZED", "missing APIKEY header or Bearer token");
    }
    const entry = await this.d.keys.lookup(apiKey);
    if (!entry) throw new ApiError("UNAUTHORIZED", "unknown API key");
    const ts = req.headers.timestamp;
    const sig = req.headers.signature;
    if (typeof ts !== "string" || !TS_RE.test(ts))
      throw new ApiError("UNAUTHORIZED", "missing or malformed timestamp header");
    if (typeof sig !== "string") throw new ApiError("UNAUTHORIZED", "missing signature header");
    const t = Number(ts);
    const now = this.d.clock();
    if (Math.abs(now - t) > this.d.cfg.windowMs) {
      throw new ApiError(
        "TIMESTAMP_OUTSIDE_WINDOW",
        `timestamp is more than ${this.d.cfg.windowMs / 1000} s away`,
      );
    }
    if (!verifySignature(entry.secret, ts, req.method, req.url, req.rawBody ?? EMPTY, sig)) {
      throw new ApiError("INVALID_SIGNATURE", "signature does not match");
    }
    const verdict = this.replay.check(apiKey, sig, t, now);
    if (verdict === "replay") throw new ApiError("REPLAYED_REQUEST", "this signed request was already used");
    if (verdict === "full") {
      throw new ApiError("RATE_LIMITED", "replay cache full", { headers: { "Retry-After": "1" } });
    }
    return { userId: entry.userId, admin: entry.admin, via: "apikey", rateKey: `key:${apiKey}` };
  }
}

export function registerAuth(app: FastifyInstance, auth: Authenticator, limiter: RateLimiter): void {
  app.decorateRequest("principal", null);
  app.addHook("preValidation", async (req) => {
    const level = req.routeOptions.config.auth ?? "public";
    if (level === "public") return;
    const p = await auth.authenticate(req);
    if (level === "admin" && !p.admin) throw new ApiError("FORBIDDEN", "admin role required");
    limiter.hitKey(p.rateKey);
    req.principal = p;
  });
}

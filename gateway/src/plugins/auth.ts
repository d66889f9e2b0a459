// Authentication and authorization, in one route-level hook (preValidation: after the raw body is read,
// which the HMAC needs, and before anything looks at the body). Routes declare `config.auth`:
// public | user | admin.
//   Authorization: Bearer <JWT>   → RS256 JWT (auth/jwt.ts)
//   APIKEY + timestamp + signature → HMAC over timestamp + METHOD + path?query + raw body (auth/hmac.ts),
//                                   ±window, single use inside the window (auth/replay-cache.ts)
// Admin routes need the JWT role `admin` or an admin API key (403 FORBIDDEN otherwise).
import type { FastifyInstance, FastifyReply, FastifyRequest, RouteOptions } from "fastify";
import { ApiError } from "../api-error.js";
import { HmacVerifier } from "../auth/hmac-verifier.js";
import { type JwtPrincipal, JwtVerifier } from "../auth/jwt.js";
import { API_KEY_RE, type ApiKeyEntry, type KeyStore } from "../auth/key-store.js";
import { ReplayCache } from "../auth/replay-cache.js";
import type { AuthConfig } from "../config.js";
import type { RateLimiter } from "./rate-limit.js";
import type { AuthLevel, Principal } from "./request-context.js";

const EMPTY = Buffer.alloc(0);
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
  private readonly hmac = new HmacVerifier();
  /** one principal object per key entry (a revoked or re-created key is a new entry) */
  private readonly principals = new WeakMap<ApiKeyEntry, Principal>();

  constructor(private readonly d: AuthDeps) {
    this.replay = new ReplayCache(d.cfg.windowMs, d.cfg.replayCacheMax);
    const jwtOpts: ConstructorParameters<typeof JwtVerifier>[1] = { leewayMs: d.cfg.jwtLeewayMs };
    if (d.cfg.jwtIssuer !== undefined) jwtOpts.issuer = d.cfg.jwtIssuer;
    if (d.cfg.jwtAudience !== undefined) jwtOpts.audience = d.cfg.jwtAudience;
    this.jwt = new JwtVerifier(d.cfg.jwtPublicKeys, jwtOpts);
  }

  /**
   * The request's principal. Synchronous when everything it needs is in memory (an API key of a store
   * with lookupNow, a JWT verified before); a promise otherwise (first sight of a JWT: async RSA verify).
   */
  authenticate(req: FastifyRequest): Principal | Promise<Principal> {
    const authz = req.headers.authorization;
    if (authz !== undefined) {
      const m = BEARER_RE.exec(authz);
      if (!m?.[1]) throw new ApiError("UNAUTHORIZED", "Authorization must be `Bearer <JWT>`");
      const token = m[1];
      const now = this.d.clock();
      const hit = this.jwt.cached(token, now);
      return hit ? jwtPrincipal(hit) : this.jwt.verify(token, now).then(jwtPrincipal);
    }
    const apiKey = req.headers.apikey;
    if (typeof apiKey !== "string" || !API_KEY_RE.test(apiKey)) {
      throw new ApiError("UNAUTHORIZED", "missing APIKEY header or Bearer token");
    }
    const keys = this.d.keys;
    if (keys.lookupNow) return this.signed(req, apiKey, keys.lookupNow(apiKey));
    return keys.lookup(apiKey).then((entry) => this.signed(req, apiKey, entry));
  }

  private signed(req: FastifyRequest, apiKey: string, entry: ApiKeyEntry | undefined): Principal {
    if (!entry) throw new ApiError("UNAUTHORIZED", "unknown API key");
    const ts = req.headers.timestamp;
    const sig = req.headers.signature;
    const t = typeof ts === "string" ? timestampOf(ts) : -1;
    if (typeof ts !== "string" || t < 0)
      throw new ApiError("UNAUTHORIZED", "missing or malformed timestamp header");
    if (typeof sig !== "string") throw new ApiError("UNAUTHORIZED", "missing signature header");
    const now = this.d.clock();
    if (Math.abs(now - t) > this.d.cfg.windowMs) {
      throw new ApiError(
        "TIMESTAMP_OUTSIDE_WINDOW",
        `timestamp is more than ${this.d.cfg.windowMs / 1000} s away`,
      );
    }
    if (!this.hmac.verify(entry.secret, ts, req.method, req.url, req.rawBody ?? EMPTY, sig)) {
      throw new ApiError("INVALID_SIGNATURE", "signature does not match");
    }
    const verdict = this.replay.check(apiKey, sig, t, now);
    if (verdict === "replay") throw new ApiError("REPLAYED_REQUEST", "this signed request was already used");
    if (verdict === "full") {
      throw new ApiError("RATE_LIMITED", "replay cache full", { headers: { "Retry-After": "1" } });
    }
    let p = this.principals.get(entry);
    if (!p) {
      p = { userId: entry.userId, admin: entry.admin, via: "apikey", rateKey: `key:${apiKey}` };
      this.principals.set(entry, p);
    }
    return p;
  }
}

/** The timestamp header's value: 1 to 16 ASCII digits (ms), or -1. One pass, no regex. */
export function timestampOf(ts: string): number {
  const n = ts.length;
  if (n === 0 || n > 16) return -1;
  let t = 0;
  for (let i = 0; i < n; i++) {
    const d = ts.charCodeAt(i) - 48;
    if (d < 0 || d > 9) return -1;
    t = t * 10 + d;
  }
  return t;
}

function jwtPrincipal(p: JwtPrincipal): Principal {
  return { userId: p.userId, admin: p.admin, via: "jwt", rateKey: `jwt:${p.userId}` };
}

type Done = (err?: Error) => void;

/**
 * One route-level preValidation hook (attached by onRoute to every route; callback style, synchronous
 * unless a JWT needs its first RSA verify): authentication and authorization on user and admin routes
 * (after the raw body is read, which the HMAC needs), the per-key rate limit, then the body problem
 * recorded while parsing (so an unauthenticated client learns nothing about its body).
 */
export function registerAuth(app: FastifyInstance, auth: Authenticator, limiter: RateLimiter): void {
  app.decorateRequest("principal", null);
  const gate = (req: FastifyRequest, done: Done): void => {
    if (req.bodyError) done(req.bodyError);
    else done();
  };
  const admit = (req: FastifyRequest, level: AuthLevel, p: Principal, done: Done): void => {
    try {
      if (level === "admin" && !p.admin) throw new ApiError("FORBIDDEN", "admin role required");
      limiter.hitKey(p.rateKey);
    } catch (e) {
      done(e as Error);
      return;
    }
    req.principal = p;
    gate(req, done);
  };
  const publicHook = (req: FastifyRequest, _reply: FastifyReply, done: Done): void => gate(req, done);
  const guarded =
    (level: AuthLevel) =>
    (req: FastifyRequest, _reply: FastifyReply, done: Done): void => {
      let r: Principal | Promise<Principal>;
      try {
        r = auth.authenticate(req);
      } catch (e) {
        done(e as Error);
        return;
      }
      if (r instanceof Promise) r.then((p) => admit(req, level, p, done), done);
      else admit(req, level, r, done);
    };
  const userHook = guarded("user");
  const adminHook = guarded("admin");
  app.addHook("onRoute", (r: RouteOptions) => {
    const level = (r.config as { auth?: AuthLevel } | undefined)?.auth ?? "public";
    const hook = level === "admin" ? adminHook : level === "user" ? userHook : publicHook;
    const own = r.preValidation;
    r.preValidation = own === undefined ? [hook] : [hook, ...(Array.isArray(own) ? own : [own])];
  });
}

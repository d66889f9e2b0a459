// JWT bearer tokens (SPEC §8.1): RS256 only, key chosen by `kid` among configured RSA public keys
// (≥ 2048 bits), `exp` required, `sub` = user id, `roles` may hold "admin". Anything else (alg none,
// HS*, PS*, ES*, unknown kid, `crit` extensions) is refused. Verification uses the async
// crypto.verify (libuv thread pool): its throughput is close to the sync call on 2 shared cores
// (bench/rest.bench.ts), but it keeps the event loop free for other requests during the ~70 µs RSA
// operation. Verified tokens are cached until they expire, so a client reusing its token costs one RSA
// verify; piscina is not used (a thread round trip costs more than one verify unless batched).
import { createPublicKey, type KeyObject, verify } from "node:crypto";
import { ApiError } from "../api-error.js";

export interface JwtPrincipal {
  userId: number;
  admin: boolean;
  kid: string;
  /** ms */
  exp: number;
}

export interface JwtOptions {
  leewayMs: number;
  issuer?: string;
  audience?: string;
  /** verified tokens remembered (bounded) */
  cacheMax?: number;
}

const B64URL = /^[A-Za-z0-9_-]+$/;
const MAX_TOKEN = 8192; // bytes

function unauthorized(msg: string): ApiError {
  return new ApiError("UNAUTHORIZED", msg);
}

function decodeJson(part: string, what: string): Record<string, unknown> {
  let v: unknown;
  try {
    v = JSON.parse(Buffer.from(part, "base64url").toString("utf8"));
  } catch {
    throw unauthorized(`malformed JWT ${what}`);
  }
  if (typeof v !== "object" || v === null || Array.isArray(v)) throw unauthorized(`malformed JWT ${what}`);
  return v as Record<string, unknown>;
}

function verifyAsync(data: Buffer, key: KeyObject, sig: Buffer): Promise<boolean> {
  return new Promise((resolve) => {
    verify("sha256", data, key, sig, (err, ok) => resolve(!err && ok));
  });
}

export class JwtVerifier {
  private readonly keys = new Map<string, KeyObject>();
  private readonly cache = new Map<string, JwtPrincipal>();
  private readonly cacheMax: number;

  constructor(
    publicKeys: Readonly<Record<string, string>>,
    private readonly opts: JwtOptions,
  ) {
    for (const [kid, pem] of Object.entries(publicKeys)) {
      const key = createPublicKey(pem);
      const bits = key.asymmetricKeyDetails?.modulusLength ?? 0;
      if (key.asymmetricKeyType !== "rsa" || bits < 2048) {
        throw new Error(`JWT key ${kid}: an RSA public key of at least 2048 bits is required`);
      }
      this.keys.set(kid, key);
    }
    this.cacheMax = opts.cacheMax ?? 10_000;
  }

  get keyCount(): number {
    return this.keys.size;
  }

  /** A token verified before and not expired since (synchronous); undefined when not cached. */
  cached(token: string, now: number): JwtPrincipal | undefined {
    const hit = this.cache.get(token);
    if (!hit) return undefined;
    if (hit.exp + this.opts.leewayMs > now) return hit;
    this.cache.delete(token);
    throw unauthorized("JWT expired");
  }

  async verify(token: string, now: number): Promise<JwtPrincipal> {
    const hit = this.cached(token, now);
    if (hit) return hit;
    if (token.length > MAX_TOKEN) throw unauthorized("JWT too long");
    const parts = token.split(".");
    if (parts.length !== 3 || !parts.every((p) => B64URL.test(p))) throw unauthorized("malformed JWT");
    const [h, p, s] = parts as [string, string, string];
    const header = decodeJson(h, "header");
    if (header.alg !== "RS256") throw unauthorized("JWT alg must be RS256");
    if (header.crit !== undefined) throw unauthorized("JWT crit extensions are not supported");
    const kid = header.kid;
    const key = typeof kid === "string" ? this.keys.get(kid) : undefined;
    if (!key || typeof kid !== "string") throw unauthorized("unknown JWT kid");
    if (!(await verifyAsync(Buffer.from(`${h}.${p}`, "latin1"), key, Buffer.from(s, "base64url")))) {
      throw new ApiError("INVALID_SIGNATURE", "JWT signature does not verify");
    }
    const claims = decodeJson(p, "payload");
    const principal = this.claims(claims, kid, now);
    if (this.cache.size >= this.cacheMax) this.cache.clear();
    this.cache.set(token, principal);
    return principal;
  }

  private claims(c: Record<string, unknown>, kid: string, now: number): JwtPrincipal {
    const leeway = this.opts.leewayMs;
    if (typeof c.exp !== "number" || !Number.isFinite(c.exp)) throw unauthorized("JWT exp is required");
    const exp = c.exp * 1000;
    if (exp + leeway <= now) throw unauthorized("JWT expired");
    if (c.nbf !== undefined && (typeof c.nbf !== "number" || c.nbf * 1000 - leeway > now)) {
      throw unauthorized("JWT not valid yet");
    }
    if (this.opts.issuer !== undefined && c.iss !== this.opts.issuer) throw unauthorized("JWT issuer");
    if (this.opts.audience !== undefined) {
      const aud = Array.isArray(c.aud) ? c.aud : [c.aud];
      if (!aud.includes(this.opts.audience)) throw unauthorized("JWT audience");
    }
    const sub = typeof c.sub === "string" && /^[0-9]{1,16}$/.test(c.sub) ? Number(c.sub) : c.sub;
    if (typeof sub !== "number" || !Number.isSafeInteger(sub) || sub < 0) {
      throw unauthorized("JWT sub must be a user id");
    }
    const roles = Array.isArray(c.roles) ? c.roles : [];
    return { userId: sub, admin: roles.includes("admin"), kid, exp };
  }
}

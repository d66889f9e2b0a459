// Rate limits (SPEC §8.1): fixed windows per client IP (every /api request, before the body is read)
// and per authenticated key (API key or JWT subject, after authentication, so a stranger cannot spend
// someone else's quota). Over the limit: 429 RATE_LIMITED with Retry-After (seconds to the window end).
// Memory is bounded: counters live for one window, and at most `maxTracked` clients are counted per
// window (new clients beyond that are limited until the window turns).
import type { FastifyRequest } from "fastify";
import { ApiError } from "../api-error.js";
import type { RateLimitConfig } from "../config.js";

export class RateLimiter {
  private window = -1;
  private readonly counts = new Map<string, number>();

  constructor(
    private readonly cfg: RateLimitConfig,
    private readonly clock: () => number,
  ) {}

  /** Counts one request of `client`; throws RATE_LIMITED above `limit` in the current window. */
  hit(client: string, limit: number): void {
    if (!this.cfg.enabled) return;
    const now = this.clock();
    const w = Math.floor(now / this.cfg.windowMs);
    if (w !== this.window) {
      this.window = w;
      this.counts.clear();
    }
    const prev = this.counts.get(client);
    if (prev === undefined && this.counts.size >= this.cfg.maxTracked) this.limited(w, now);
    const c = (prev ?? 0) + 1;
    this.counts.set(client, c);
    if (c > limit) this.limited(w, now);
  }

  get enabled(): boolean {
    return this.cfg.enabled;
  }

  hitKey(rateKey: string): void {
    if (this.cfg.enabled) this.hit(`k:${rateKey}`, this.cfg.perKey);
  }

  private limited(w: number, now: number): never {
    const retry = Math.max(1, Math.ceil(((w + 1) * this.cfg.windowMs - now) / 1000));
    throw new ApiError("RATE_LIMITED", "too many requests", { headers: { "Retry-After": String(retry) } });
  }
}

/**
 * The per-IP check of every /api request (run by the app's one onRequest hook, before the body is read);
 * with limits off, nothing: no client string is built and `req.ip` (proxy headers) is never read.
 */
export function ipRateCheck(limiter: RateLimiter, perIp: number): (req: FastifyRequest) => void {
  if (!limiter.enabled) return () => {};
  return (req) => {
    if (req.url.startsWith("/api/")) limiter.hit(`ip:${req.ip}`, perIp);
  };
}

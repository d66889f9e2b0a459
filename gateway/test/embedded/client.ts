// A tiny signed REST client over real HTTP (fetch), for tests against a running exchange.
import { signRequest } from "../../src/auth/hmac.js";

export interface KeyPair {
  apiKey: string;
  apiSecret: string;
}

export interface Reply {
  status: number;
  body: unknown;
}

let lastTs = 0;
/** Strictly increasing ms timestamps: identical requests must not look like replays (SPEC §8.1). */
function timestamp(): string {
  lastTs = Math.max(Date.now(), lastTs + 1);
  return String(lastTs);
}

export class RestClient {
  constructor(
    private readonly base: string,
    private readonly key?: KeyPair,
  ) {}

  as(key: KeyPair): RestClient {
    return new RestClient(this.base, key);
  }

  async call(method: string, pathWithQuery: string, body?: unknown): Promise<Reply> {
    const raw = body === undefined ? "" : JSON.stringify(body);
    const headers: Record<string, string> = {};
    if (raw) headers["content-type"] = "application/json";
    if (this.key) {
      const ts = timestamp();
      headers.APIKEY = this.key.apiKey;
      headers.timestamp = ts;
      headers.signature = signRequest(this.key.apiSecret, ts, method, pathWithQuery, raw);
    }
    const res = await fetch(this.base + pathWithQuery, { method, headers, ...(raw ? { body: raw } : {}) });
    const text = await res.text();
    return { status: res.status, body: text ? (JSON.parse(text) as unknown) : undefined };
  }

  get = (p: string) => this.call("GET", p);
  post = (p: string, b: unknown) => this.call("POST", p, b);
  put = (p: string, b: unknown) => this.call("PUT", p, b);
  del = (p: string) => this.call("DELETE", p);
}

/** Narrow an unknown JSON body to a record for assertions. */
export function obj(v: unknown): Record<string, unknown> {
  if (typeof v !== "object" || v === null || Array.isArray(v))
    throw new Error(`not an object: ${JSON.stringify(v)}`);
  return v as Record<string, unknown>;
}
export function arr(v: unknown): Record<string, unknown>[] {
  if (!Array.isArray(v)) throw new Error(`not an array: ${JSON.stringify(v)}`);
  return v as Record<string, unknown>[];
}

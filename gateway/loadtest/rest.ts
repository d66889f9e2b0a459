// A signed REST client for the load test: keep-alive HTTP/1.1 on loopback, every response recorded
// (latency, status, catalog error name). Signing is the gateway's own (src/auth/hmac.ts, SPEC §8.1).
import { Agent, request } from "node:http";
import { signRequest } from "../src/auth/hmac.js";
import type { Recorder } from "./stats.js";

/** client-side bound on one request, ms (the gateway's own ?wait bound is 5 s) */
const REQUEST_TIMEOUT_MS = 30_000;

export interface KeyPair {
  apiKey: string;
  apiSecret: string;
}

export interface Reply {
  status: number;
  body: unknown;
}

export class LoadClient {
  private readonly agent: Agent;
  private readonly lastTs = new Map<string, number>();
  inFlight = 0;

  constructor(
    private readonly base: URL,
    private readonly rec: Recorder,
    maxSockets: number,
  ) {
    this.agent = new Agent({ keepAlive: true, maxSockets });
  }

  /** strictly increasing per key: two identical requests must not look like a replay */
  private timestamp(key: string): string {
    const t = Math.max(Date.now(), (this.lastTs.get(key) ?? 0) + 1);
    this.lastTs.set(key, t);
    return String(t);
  }

  /**
   * One request. `route` is the route pattern /metrics labels it with (the path without its query).
   * Resolves with undefined on a transport error (recorded).
   */
  call(method: string, pathWithQuery: string, key?: KeyPair, body?: unknown): Promise<Reply | undefined> {
    const raw = body === undefined ? "" : JSON.stringify(body);
    const headers: Record<string, string> = {};
    if (raw) {
      headers["content-type"] = "application/json";
      headers["content-length"] = String(Buffer.byteLength(raw));
    }
    if (key) {
      const ts = this.timestamp(key.apiKey);
      headers.APIKEY = key.apiKey;
      headers.timestamp = ts;
      headers.signature = signRequest(key.apiSecret, ts, method, pathWithQuery, raw);
    }
    const q = pathWithQuery.indexOf("?");
    const route = q < 0 ? pathWithQuery : pathWithQuery.slice(0, q);
    this.rec.onSent();
    this.inFlight++;
    const t0 = performance.now();
    return new Promise((resolve) => {
      const req = request(
        {
          host: this.base.hostname,
          port: this.base.port,
          method,
          path: pathWithQuery,
          headers,
          agent: this.agent,
        },
        (res) => {
          const chunks: Buffer[] = [];
          res.on("data", (c: Buffer) => chunks.push(c));
          res.on("end", () => {
            const ms = performance.now() - t0;
            this.inFlight--;
            const text = Buffer.concat(chunks).toString("utf8");
            let parsed: unknown;
            try {
              parsed = text ? JSON.parse(text) : undefined;
            } catch {
              parsed = text;
            }
            const status = res.statusCode ?? 0;
            const name =
              status >= 400 && parsed && typeof parsed === "object" && "error" in parsed
                ? String((parsed as { error: unknown }).error)
                : undefined;
            this.rec.onResponse(method, route, status, ms, name);
            resolve({ status, body: parsed });
          });
          res.on("error", (e) => {
            this.inFlight--;
            this.rec.onTransportError(e);
            resolve(undefined);
          });
        },
      );
      // an answer later than this is a failure of the run, not a latency sample
      req.setTimeout(REQUEST_TIMEOUT_MS, () =>
        req.destroy(Object.assign(new Error("no answer in time"), { code: "CLIENT_TIMEOUT" })),
      );
      req.on("error", (e) => {
        this.inFlight--;
        this.rec.onTransportError(e);
        resolve(undefined);
      });
      req.end(raw);
    });
  }

  /** An unsigned, unrecorded GET (metrics scrapes, readiness). */
  async raw(path: string): Promise<{ status: number; text: string }> {
    const res = await fetch(new URL(path, this.base));
    return { status: res.status, text: await res.text() };
  }

  close(): void {
    this.agent.destroy();
  }
}

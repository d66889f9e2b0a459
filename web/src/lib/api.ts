// REST client (SPEC §8): API-key requests are signed in the browser with WebCrypto —
// lowercase hex HMAC-SHA256(secret, timestamp + METHOD + pathWithQuery + rawBody) — or carry a JWT.
// Errors come back as ApiFailure with the catalog name (`MARGIN_INSUFFICIENT`, `INVALID_TICK_SIZE`, …).

export type Credentials = { kind: "key"; apiKey: string; apiSecret: string } | { kind: "jwt"; token: string };

/** A non-2xx answer: `error` is the catalog name of SPEC §8.4 (or NETWORK_ERROR when nothing came back). */
export class ApiFailure extends Error {
  constructor(
    readonly status: number,
    readonly error: string,
    msg: string,
  ) {
    super(msg);
  }
  /** "NAME: message", as the UI shows it */
  get text(): string {
    return this.message ? `${this.error}: ${this.message}` : this.error;
  }
}

const enc = new TextEncoder();
const keyCache = new Map<string, Promise<CryptoKey>>();

function hmacKey(secret: string): Promise<CryptoKey> {
  let k = keyCache.get(secret);
  if (!k) {
    if (!globalThis.crypto?.subtle) {
      throw new ApiFailure(
        0,
        "INSECURE_CONTEXT",
        "this page is not a secure context (use https or localhost): WebCrypto cannot sign requests",
      );
    }
    k = crypto.subtle.importKey("raw", enc.encode(secret), { name: "HMAC", hash: "SHA-256" }, false, [
      "sign",
    ]);
    keyCache.set(secret, k);
  }
  return k;
}

/** Lowercase hex HMAC-SHA256 of `message` under `secret`. */
export async function hmacHex(secret: string, message: string): Promise<string> {
  const sig = new Uint8Array(await crypto.subtle.sign("HMAC", await hmacKey(secret), enc.encode(message)));
  let hex = "";
  for (const b of sig) hex += b.toString(16).padStart(2, "0");
  return hex;
}

/**
 * The server's clock as seen from here: signed timestamps must be within ±60 s of it, and two identical
 * requests must differ in timestamp (replay protection), so timestamps strictly increase.
 */
export class ServerClock {
  private offset = 0;
  private last = 0;
  async sync(): Promise<void> {
    const t0 = Date.now();
    const res = await fetch("/api/v1/time");
    const t1 = Date.now();
    const { serverTime } = (await res.json()) as { serverTime: number };
    this.offset = serverTime - Math.round((t0 + t1) / 2);
  }
  now(): number {
    return Date.now() + this.offset;
  }
  /** strictly increasing ms timestamps for signatures */
  stamp(): number {
    this.last = Math.max(this.now(), this.last + 1);
    return this.last;
  }
}

export class Api {
  private creds: Credentials | null = null;

  constructor(readonly clock: ServerClock) {}

  setCredentials(c: Credentials | null): void {
    this.creds = c;
  }
  get signedIn(): boolean {
    return this.creds !== null;
  }

  get<T>(pathWithQuery: string): Promise<T> {
    return this.call<T>("GET", pathWithQuery);
  }
  post<T>(pathWithQuery: string, body: unknown): Promise<T> {
    return this.call<T>("POST", pathWithQuery, body);
  }
  put<T>(pathWithQuery: string, body: unknown): Promise<T> {
    return this.call<T>("PUT", pathWithQuery, body);
  }
  del<T>(pathWithQuery: string): Promise<T> {
    return this.call<T>("DELETE", pathWithQuery);
  }

  private async call<T>(method: string, pathWithQuery: string, body?: unknown): Promise<T> {
    const raw = body === undefined ? "" : JSON.stringify(body);
    const headers: Record<string, string> = {};
    if (raw) headers["content-type"] = "application/json";
    const c = this.creds;
    if (c?.kind === "key") {
      const ts = String(this.clock.stamp());
      headers.APIKEY = c.apiKey;
      headers.timestamp = ts;
      headers.signature = await hmacHex(c.apiSecret, `${ts}${method}${pathWithQuery}${raw}`);
    } else if (c?.kind === "jwt") headers.authorization = `Bearer ${c.token}`;
    let res: Response;
    try {
      res = await fetch(pathWithQuery, { method, headers, ...(raw ? { body: raw } : {}) });
    } catch (e) {
      throw new ApiFailure(
        0,
        "NETWORK_ERROR",
        e instanceof Error ? e.message : "the exchange is unreachable",
      );
    }
    const text = await res.text();
    let parsed: unknown;
    try {
      parsed = text ? JSON.parse(text) : undefined;
    } catch {
      parsed = undefined;
    }
    if (!res.ok) {
      const b = (parsed ?? {}) as { error?: string; msg?: string; status?: string };
      const name = b.error ?? (res.status === 504 ? "TIMEOUT" : `HTTP_${res.status}`);
      throw new ApiFailure(res.status, name, b.msg ?? (b.status ? `status ${b.status}` : text.slice(0, 200)));
    }
    return parsed as T;
  }
}

/** The message of anything thrown, catalog name first when there is one. */
export function errorText(e: unknown): string {
  if (e instanceof ApiFailure) return e.text;
  return e instanceof Error ? e.message : String(e);
}

// How a stream connection proves who it is (SPEC §8.1, §9). The server checks the shape and the ±60 s
// timestamp window itself and asks a StreamAuth for the rest, so the gateway's own API-key store and JWT
// verifier plug in unchanged. createHmacApiKeyVerifier is the reference API-key check.
import { createHmac, timingSafeEqual } from "node:crypto";

export interface StreamPrincipal {
  userId: number;
}
/** A refusal with a specific catalog name; plain `null` means INVALID_SIGNATURE (api key) / UNAUTHORIZED (jwt). */
export interface StreamAuthRefusal {
  reject: "UNAUTHORIZED" | "INVALID_SIGNATURE" | "REPLAYED_REQUEST";
}
export type StreamAuthResult = StreamPrincipal | StreamAuthRefusal | null;

export interface StreamAuth {
  /**
   * `signature` = lowercase hex HMAC-SHA256(apiSecret, timestamp + "GET" + "/ws"); the server has already
   * checked that `timestamp` (ms) is inside the window and that `signature` is 64 hex characters.
   */
  verifyApiKey(apiKey: string, timestamp: number, signature: string): Promise<StreamAuthResult>;
  /** A JWT RS256 bearer token (the gateway's verifier: kid, exp, `sub` = user id). */
  verifyJwt(token: string): Promise<StreamAuthResult>;
}

/** The string a client signs to authenticate on the stream. */
export function streamAuthPayload(timestamp: number): string {
  return `${timestamp}GET/ws`;
}

/** Client side: the `auth` message for an API key. */
export function signStreamAuth(apiKey: string, apiSecret: string, timestamp: number): string {
  const signature = createHmac("sha256", apiSecret).update(streamAuthPayload(timestamp)).digest("hex");
  return JSON.stringify({ op: "auth", apiKey, timestamp, signature });
}

export interface ApiKeyRecord {
  userId: number;
  /** the plain secret (decrypted by the key store) */
  secret: string;
}

/**
 * The reference API-key check: looks the key up, recomputes the HMAC and compares in constant time; a
 * (key, timestamp, signature) seen again inside `windowMs` is a replay (the memory is bounded: entries
 * expire with the window, and at most `maxRemembered` are kept).
 */
export function createHmacApiKeyVerifier(
  lookup: (apiKey: string) => Promise<ApiKeyRecord | null>,
  opts: { windowMs?: number; maxRemembered?: number; now?: () => number } = {},
): (apiKey: string, timestamp: number, signature: string) => Promise<StreamAuthResult> {
  const windowMs = opts.windowMs ?? 60_000;
  const maxRemembered = opts.maxRemembered ?? 100_000;
  const now = opts.now ?? Date.now;
  /** `${apiKey}:${timestamp}:${signature}` → time first seen; Map iteration order = insertion order */
  const seen = new Map<string, number>();
  return async (apiKey, timestamp, signature) => {
    const rec = await lookup(apiKey);
    if (!rec) return { reject: "UNAUTHORIZED" };
    const expected = createHmac("sha256", rec.secret).update(streamAuthPayload(timestamp)).digest();
    const given = Buffer.from(signature, "hex");
    if (given.length !== expected.length || !timingSafeEqual(given, expected)) {
      return { reject: "INVALID_SIGNATURE" };
    }
    const t = now();
    for (const [k, at] of seen) {
      if (at > t - 2 * windowMs && seen.size < maxRemembered) break;
      seen.delete(k);
    }
    const id = `${apiKey}:${timestamp}:${signature}`;
    if (seen.has(id)) return { reject: "REPLAYED_REQUEST" };
    seen.set(id, t);
    return { userId: rec.userId };
  };
}

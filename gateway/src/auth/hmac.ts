// API-key request signatures (SPEC §8.1): lowercase hex HMAC-SHA256(secret, timestamp + METHOD +
// pathWithQuery + rawBody), over the raw body bytes exactly as received. The gateway checks them with
// HmacVerifier (hmac-verifier.ts: the same digest, compared in constant time).
import { createHmac } from "node:crypto";

export function signRequest(
  secret: Buffer | string,
  timestamp: string,
  method: string,
  url: string,
  body: Buffer | string,
): string {
  return createHmac("sha256", secret)
    .update(`${timestamp}${method}${url}`, "utf8")
    .update(body)
    .digest("hex");
}

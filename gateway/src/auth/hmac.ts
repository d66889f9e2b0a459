// API-key request signatures (SPEC §8.1): lowercase hex HMAC-SHA256(secret, timestamp + METHOD +
// pathWithQuery + rawBody), over the raw body bytes exactly as received. Compared in constant time.
import { createHmac, timingSafeEqual } from "node:crypto";

const SIG_RE = /^[0-9a-f]{64}$/;

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

/** true when `signature` (as sent) equals the expected digest; constant time on equal lengths. */
export function verifySignature(
  secret: Buffer,
  timestamp: string,
  method: string,
  url: string,
  body: Buffer,
  signature: string,
): boolean {
  if (!SIG_RE.test(signature)) return false;
  const expected = createHmac("sha256", secret)
    .update(`${timestamp}${method}${url}`, "utf8")
    .update(body)
    .digest();
  return timingSafeEqual(expected, Buffer.from(signature, "hex"));
}

// The stream server's collaborators in the embedded deployment: StreamAuth backed by the gateway's key
// store (HMAC over `timestamp + "GET" + "/ws"`) and its RS256 JWT verifier, so one credential works on
// REST and WebSocket alike.
import { JwtVerifier } from "../auth/jwt.js";
import type { KeyStore } from "../auth/key-store.js";
import type { GatewayConfig } from "../config.js";
import { createHmacApiKeyVerifier, type StreamAuth } from "../stream/stream-auth.js";

export function streamAuthFor(keys: KeyStore, config: GatewayConfig, clock: () => number): StreamAuth {
  const verifyApiKey = createHmacApiKeyVerifier(
    async (apiKey) => {
      const k = await keys.lookup(apiKey);
      return k ? { userId: k.userId, secret: k.secret.toString("utf8") } : null;
    },
    { windowMs: config.auth.windowMs, now: clock },
  );
  const jwtOpts: ConstructorParameters<typeof JwtVerifier>[1] = { leewayMs: config.auth.jwtLeewayMs };
  if (config.auth.jwtIssuer !== undefined) jwtOpts.issuer = config.auth.jwtIssuer;
  if (config.auth.jwtAudience !== undefined) jwtOpts.audience = config.auth.jwtAudience;
  const jwt = new JwtVerifier(config.auth.jwtPublicKeys, jwtOpts);
  return {
    verifyApiKey,
    async verifyJwt(token) {
      try {
        return { userId: (await jwt.verify(token, clock())).userId };
      } catch {
        return { reject: "UNAUTHORIZED" };
      }
    },
  };
}

// What the gateway hangs on Fastify's request and route config (declaration merging, one place).
import type { ApiError } from "../api-error.js";

export type AuthLevel = "public" | "user" | "admin";

export interface Principal {
  userId: number;
  admin: boolean;
  via: "apikey" | "jwt";
  /** rate-limit bucket: the API key, or the JWT subject */
  rateKey: string;
}

declare module "fastify" {
  /** OpenAPI annotations (plugins/openapi.ts) */
  interface FastifySchema {
    summary?: string;
    description?: string;
    tags?: readonly string[];
    /** left out of the OpenAPI document (the web UI's static files) */
    hide?: boolean;
  }
  interface FastifyContextConfig {
    /** who may call the route (default public) */
    auth?: AuthLevel;
  }
  interface FastifyRequest {
    /** body bytes exactly as received (HMAC input); null without a body */
    rawBody: Buffer | null;
    /** a body problem found while parsing, reported after authentication */
    bodyError: ApiError | null;
    /** set by the auth hook on user and admin routes */
    principal: Principal | null;
  }
}

/** The principal of an authenticated route (the auth hook guarantees it). */
export function principalOf(req: { principal: Principal | null }): Principal {
  if (!req.principal) throw new Error("route without auth: principal missing");
  return req.principal;
}

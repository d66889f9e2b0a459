// Request bodies: only application/json is accepted (anything else is 415 UNSUPPORTED_MEDIA_TYPE); the
// raw bytes are kept for the HMAC; malformed JSON and inexact numbers are recorded and reported after
// authentication (so an unauthenticated client learns nothing about the body). Validation uses two Ajv
// instances: bodies are never coerced (wrong types are INVALID_PARAMETER), query strings are.
import { Ajv } from "ajv";
import type { FastifyInstance } from "fastify";
import { ApiError } from "../api-error.js";
import { scanJsonNumbers } from "../filters/json-numbers.js";
import "./request-context.js";

const AJV_COMMON = {
  removeAdditional: false,
  useDefaults: true,
  allErrors: false,
  allowUnionTypes: true,
  strict: false,
} as const;

/** The body validator (exported for per-item validation of batches). */
export const bodyAjv = new Ajv({ ...AJV_COMMON, coerceTypes: false });
const queryAjv = new Ajv({ ...AJV_COMMON, coerceTypes: true });

export function registerBodyParsing(app: FastifyInstance, bodyLimit: number): void {
  app.decorateRequest("rawBody", null);
  app.decorateRequest("bodyError", null);
  app.setValidatorCompiler(({ schema, httpPart }) =>
    (httpPart === "body" ? bodyAjv : queryAjv).compile(schema as object),
  );
  app.removeAllContentTypeParsers();
  app.addContentTypeParser("application/json", { parseAs: "buffer", bodyLimit }, (req, buf, done) => {
    const raw = buf as Buffer;
    req.rawBody = raw;
    if (raw.length === 0) {
      req.bodyError = new ApiError("INVALID_PARAMETER", "empty JSON body");
      return done(null, undefined);
    }
    const text = raw.toString("utf8");
    let body: unknown;
    try {
      body = JSON.parse(text);
    } catch {
      req.bodyError = new ApiError("INVALID_PARAMETER", "malformed JSON body");
      return done(null, undefined);
    }
    const bad = scanJsonNumbers(text);
    if (bad) req.bodyError = new ApiError("INVALID_PRECISION", `number ${bad.literal}: ${bad.why}`);
    done(null, bad ? undefined : body);
  });
}

/** Reports a recorded body problem; registered after the auth hook so it runs after authentication. */
export function registerBodyErrorGate(app: FastifyInstance): void {
  app.addHook("preValidation", async (req) => {
    if (req.bodyError) throw req.bodyError;
  });
}

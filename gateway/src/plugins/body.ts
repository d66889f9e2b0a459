// Request bodies: only application/json is accepted (anything else is 415 UNSUPPORTED_MEDIA_TYPE); the
// raw bytes are kept for the HMAC; malformed JSON and inexact numbers are recorded and reported after
// authentication (so an unauthenticated client learns nothing about the body: plugins/auth.ts reports it). Validation uses two Ajv
// instances without type coercion: bodies keep their JSON types (wrong types are INVALID_PARAMETER), and
// query strings are converted strictly before validation — an integer only from plain digits, a
// boolean only from "true"/"false" — so `limit=1e3`, `limit=+5` or `limit=0x10` are refused (Ajv's own
// coercion would take them).
import { Ajv } from "ajv";
import type { FastifyInstance, FastifySchemaValidationError } from "fastify";
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

const INTEGER_TEXT = /^-?(0|[1-9][0-9]{0,15})$/;

interface QueryValidator {
  (data: Record<string, unknown> | null): boolean;
  errors?: FastifySchemaValidationError[] | null;
}

/** A querystring validator that converts declared integer/boolean properties strictly, then validates. */
function queryValidator(schema: { properties?: Record<string, { type?: unknown }> }): QueryValidator {
  const validate = bodyAjv.compile(schema);
  const convert: [string, "integer" | "boolean"][] = [];
  for (const [name, p] of Object.entries(schema.properties ?? {})) {
    if (p.type === "integer" || p.type === "boolean") convert.push([name, p.type]);
  }
  const fn: QueryValidator = (data) => {
    if (data) {
      for (const [name, type] of convert) {
        const v = data[name];
        if (typeof v !== "string") continue;
        if (type === "integer" && INTEGER_TEXT.test(v)) data[name] = Number(v);
        else if (type === "boolean" && (v === "true" || v === "false")) data[name] = v === "true";
      }
    }
    const ok = validate(data);
    fn.errors = validate.errors as FastifySchemaValidationError[] | null | undefined;
    return ok;
  };
  return fn;
}

export function registerBodyParsing(app: FastifyInstance, bodyLimit: number): void {
  app.decorateRequest("rawBody", null);
  app.decorateRequest("bodyError", null);
  app.setValidatorCompiler(({ schema, httpPart }) =>
    httpPart === "body" ? bodyAjv.compile(schema as object) : queryValidator(schema as object),
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

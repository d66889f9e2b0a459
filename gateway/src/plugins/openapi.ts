// OpenAPI 3.1 document generated from the route schemas (the same objects Ajv validates with and
// fast-json-stringify serializes with), served at GET /docs. The error catalog is listed in
// `x-error-catalog` and as a table in the description, so the error names are documented with the API.
import { HTTP_ERRORS } from "@perpx/shared/errors";
import type { FastifyInstance, RouteOptions } from "fastify";
import { errorSchema } from "../schemas/common.js";
import "./request-context.js";
import type { AuthLevel } from "./request-context.js";

interface Collected {
  method: string;
  url: string;
  schema: Record<string, unknown>;
  auth: AuthLevel;
}

type JsonObject = Record<string, unknown>;

function parameters(qs: unknown): JsonObject[] {
  const s = qs as { properties?: Record<string, JsonObject>; required?: string[] } | undefined;
  if (!s?.properties) return [];
  return Object.entries(s.properties).map(([name, schema]) => ({
    name,
    in: "query",
    required: s.required?.includes(name) ?? false,
    schema,
  }));
}

export function buildOpenApi(routes: readonly Collected[], version: string): JsonObject {
  const paths: Record<string, Record<string, JsonObject>> = {};
  for (const r of routes) {
    const op: JsonObject = {
      summary: (r.schema.summary as string | undefined) ?? `${r.method} ${r.url}`,
      tags: (r.schema.tags as string[] | undefined) ?? [],
      parameters: parameters(r.schema.querystring),
      responses: {} as JsonObject,
    };
    if (r.schema.description) op.description = r.schema.description;
    if (r.schema.body)
      op.requestBody = { required: true, content: { "application/json": { schema: r.schema.body } } };
    const responses = op.responses as JsonObject;
    for (const [code, schema] of Object.entries((r.schema.response as JsonObject | undefined) ?? {})) {
      responses[code] = {
        description: code.startsWith("2") ? "OK" : "error",
        content: { "application/json": { schema } },
      };
    }
    responses.default = {
      description: "error (see x-error-catalog)",
      content: { "application/json": { schema: { $ref: "#/components/schemas/ApiError" } } },
    };
    if (r.auth !== "public") op.security = [{ apiKey: [], timestamp: [], signature: [] }, { bearer: [] }];
    if (r.auth === "admin") op["x-admin"] = true;
    const byMethod = paths[r.url] ?? {};
    byMethod[r.method.toLowerCase()] = op;
    paths[r.url] = byMethod;
  }
  const catalog = Object.entries(HTTP_ERRORS).map(([name, e]) => ({ name, ...e }));
  const table = catalog.map((e) => `| ${e.code} | ${e.http} | \`${e.name}\` | ${e.description} |`).join("\n");
  const { $id: _id, ...apiError } = errorSchema;
  return {
    openapi: "3.1.0",
    info: {
      title: "perpx REST API",
      version,
      description: `Perpetual-futures exchange gateway. Decimals are strings; times are ms since epoch.\n\nErrors answer \`{code, error, msg}\`:\n\n| code | HTTP | error | meaning |\n|---|---|---|---|\n${table}`,
    },
    paths,
    components: {
      schemas: { ApiError: apiError },
      securitySchemes: {
        apiKey: { type: "apiKey", in: "header", name: "APIKEY" },
        timestamp: { type: "apiKey", in: "header", name: "timestamp", description: "ms since epoch, ±60 s" },
        signature: {
          type: "apiKey",
          in: "header",
          name: "signature",
          description: "hex HMAC-SHA256(secret, timestamp + METHOD + path?query + raw body)",
        },
        bearer: { type: "http", scheme: "bearer", bearerFormat: "JWT (RS256)" },
      },
    },
    "x-error-catalog": catalog,
  };
}

export function registerOpenApi(app: FastifyInstance, version: string): void {
  const routes: Collected[] = [];
  app.addHook("onRoute", (r: RouteOptions) => {
    const methods = Array.isArray(r.method) ? r.method : [r.method];
    if (r.schema?.hide) return; // static files of the web UI
    for (const method of methods) {
      if (method === "HEAD") continue;
      routes.push({
        method,
        url: r.url,
        schema: (r.schema ?? {}) as JsonObject,
        auth: r.config?.auth ?? "public",
      });
    }
  });
  let doc: JsonObject | undefined;
  app.get("/docs", { schema: { summary: "OpenAPI document of this API", tags: ["ops"] } }, async () => {
    doc ??= buildOpenApi(routes, version);
    return doc;
  });
}

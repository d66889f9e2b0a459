// One error answer for everything (SPEC §8.4): `{code, error, msg}` with the catalog's HTTP status.
// Fastify's own errors (validation, media type, body size, bad URL, unknown route) and Node's HTTP
// parser errors are mapped to catalog names; a 500 is only ever a bug and is logged with the request id.
import type { Socket } from "node:net";
import type { HttpErrorName } from "@perpx/shared/errors";
import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from "fastify";
import { ApiError, errorBody } from "../api-error.js";

const BY_CODE: Record<string, HttpErrorName> = {
  FST_ERR_CTP_BODY_TOO_LARGE: "PAYLOAD_TOO_LARGE",
  FST_ERR_CTP_INVALID_MEDIA_TYPE: "UNSUPPORTED_MEDIA_TYPE",
  FST_ERR_CTP_INVALID_CONTENT_LENGTH: "INVALID_PARAMETER",
  FST_ERR_CTP_EMPTY_JSON_BODY: "INVALID_PARAMETER",
  FST_ERR_CTP_INVALID_JSON_BODY: "INVALID_PARAMETER",
  FST_ERR_BAD_URL: "INVALID_PARAMETER",
  FST_ERR_VALIDATION: "INVALID_PARAMETER",
  FST_ERR_NOT_FOUND: "NOT_FOUND",
};

const BY_STATUS: Record<number, HttpErrorName> = {
  404: "NOT_FOUND",
  405: "METHOD_NOT_ALLOWED",
  413: "PAYLOAD_TOO_LARGE",
  415: "UNSUPPORTED_MEDIA_TYPE",
  429: "RATE_LIMITED",
};

export function toApiError(err: unknown, reqId: string): ApiError {
  if (ApiError.is(err)) return err;
  const e = err as Partial<FastifyError>;
  if (e.validation) return new ApiError("INVALID_PARAMETER", e.message ?? "invalid request");
  const byCode = e.code ? BY_CODE[e.code] : undefined;
  if (byCode) return new ApiError(byCode, e.message ?? byCode);
  const status = e.statusCode ?? 500;
  if (status >= 400 && status < 500)
    return new ApiError(BY_STATUS[status] ?? "INVALID_PARAMETER", e.message ?? "bad request");
  return new ApiError("INTERNAL_ERROR", `internal error (request ${reqId})`);
}

export function sendError(reply: FastifyReply, e: ApiError): FastifyReply {
  if (e.headers) reply.headers(e.headers);
  return reply.code(e.statusCode).send({ ...errorBody(e.error, e.message), ...e.extra });
}

/** Fastify `frameworkErrors` option: errors raised before routing (bad URL encoding). */
export function frameworkErrors(err: FastifyError, req: FastifyRequest, reply: FastifyReply): void {
  void sendError(reply, toApiError(err, String(req.id)));
}

/** Fastify `clientErrorHandler` option: Node's HTTP parser refused the request (bad headers...). */
export function clientErrorHandler(err: Error & { code?: string }, socket: Socket): void {
  if (!socket.writable) return;
  const body = JSON.stringify(
    errorBody("INVALID_PARAMETER", `malformed HTTP request (${err.code ?? "parse error"})`),
  );
  socket.end(
    `HTTP/1.1 400 Bad Request\r\nContent-Type: application/json\r\nContent-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n${body}`,
  );
}

export function registerErrorHandling(app: FastifyInstance): void {
  /** path → methods, to tell 405 from 404 (routes have no path parameters) */
  const methods = new Map<string, Set<string>>();
  app.addHook("onRoute", (r) => {
    const set = methods.get(r.url) ?? new Set<string>();
    for (const m of Array.isArray(r.method) ? r.method : [r.method]) set.add(m);
    methods.set(r.url, set);
  });

  app.setErrorHandler((err, req, reply) => {
    const e = toApiError(err, String(req.id));
    if (e.statusCode >= 500 && e.error === "INTERNAL_ERROR") req.log.error({ err }, "unhandled error");
    return sendError(reply, e);
  });

  app.setNotFoundHandler((req, reply) => {
    const path = req.url.split("?", 1)[0] ?? "";
    const allowed = methods.get(path);
    if (allowed) {
      reply.header("Allow", [...allowed].filter((m) => m !== "HEAD").join(", "));
      return sendError(reply, new ApiError("METHOD_NOT_ALLOWED", `${req.method} is not allowed on ${path}`));
    }
    return sendError(reply, new ApiError("NOT_FOUND", "no such route"));
  });
}

// Request ids and request logging. Every request gets an id: the client's `x-request-id` when it is a
// short token (letters, digits, `._:-`, ≤ 64), otherwise `<instance prefix>-<counter>`; it is the
// `reqId` of every log line of the request (Fastify's per-request child logger) and is echoed in the
// `x-request-id` response header. Fastify's two lines per request are off: one "request completed" line
// is written when the request ends — at info for 4xx, error for 5xx, debug otherwise — and only when
// that level is enabled (a 2xx costs nothing at the default level). Lines carry the method, the path
// and the status, never headers or bodies.
import { randomBytes } from "node:crypto";
import type { IncomingMessage } from "node:http";
import type { FastifyReply, FastifyRequest } from "fastify";

export const REQUEST_ID_HEADER = "x-request-id";
const VALID_ID = /^[A-Za-z0-9._:-]{1,64}$/;

/** Fastify `genReqId`: the client's valid id or a fresh one, unique across gateway instances. */
export function requestIds(): (req: IncomingMessage) => string {
  const prefix = randomBytes(4).toString("hex");
  let n = 0;
  return (req) => {
    const given = req.headers[REQUEST_ID_HEADER];
    if (typeof given === "string" && VALID_ID.test(given)) return given;
    n++;
    return `${prefix}-${n.toString(36)}`;
  };
}

/** pino's level numbers */
const LEVELS: Record<string, number> = {
  trace: 10,
  debug: 20,
  info: 30,
  warn: 40,
  error: 50,
  fatal: 60,
  silent: Number.POSITIVE_INFINITY,
};

/** The one line logged when a request ends (onResponse). */
export function logCompleted(req: FastifyRequest, reply: FastifyReply): void {
  const status = reply.statusCode;
  const level = status >= 500 ? "error" : status >= 400 ? "info" : "debug";
  if ((LEVELS[req.log.level] ?? 0) > (LEVELS[level] as number)) return;
  req.log[level](
    {
      method: req.method,
      path: req.url.split("?", 1)[0],
      statusCode: status,
      ms: Math.round(reply.elapsedTime * 1000) / 1000,
    },
    "request completed",
  );
}

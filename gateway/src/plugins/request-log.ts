// Request ids and request logging. Every request gets an id: the client's `x-request-id` when it is a
// short token (letters, digits, `._:-`, ≤ 64), otherwise `<instance prefix>-<counter>`; it is the
// `reqId` of every log line of the request (Fastify's per-request child logger) and is echoed in the
// `x-request-id` response header. Fastify's two lines per request are off: one "request completed" line
// is written when the request ends — at info for 4xx, error for 5xx, debug otherwise — and only when
// that level is enabled (a 2xx costs nothing at the default level), and the request's child logger is
// only made when a line is written. Lines carry the method, the path and the status, never headers or
// bodies.
import { randomBytes } from "node:crypto";
import type { IncomingMessage } from "node:http";
import type { FastifyBaseLogger, FastifyReply, FastifyRequest } from "fastify";

type Bindings = Parameters<FastifyBaseLogger["child"]>[0];
type ChildLoggerOptions = NonNullable<Parameters<FastifyBaseLogger["child"]>[1]>;

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

type Emit = (...args: unknown[]) => void;
type Level = "fatal" | "error" | "warn" | "info" | "debug" | "trace" | "silent";

/**
 * A request's logger that makes its pino child (bindings: the reqId) only when a line is written: most
 * requests write none at the default level, and a child costs its binding serialisation and redaction.
 */
class LazyRequestLogger {
  private real: FastifyBaseLogger | undefined;

  constructor(
    private readonly parent: FastifyBaseLogger,
    private readonly bindings: Bindings,
    private readonly opts: ChildLoggerOptions,
  ) {}

  private get log(): FastifyBaseLogger {
    this.real ??= this.parent.child(this.bindings, this.opts);
    return this.real;
  }
  get level(): string {
    return this.real?.level ?? this.opts.level ?? this.parent.level;
  }
  set level(l: string) {
    this.log.level = l;
  }
  private emit(level: Level, args: unknown[]): void {
    (this.log[level] as Emit).apply(this.log, args);
  }
  fatal(...a: unknown[]): void {
    this.emit("fatal", a);
  }
  error(...a: unknown[]): void {
    this.emit("error", a);
  }
  warn(...a: unknown[]): void {
    this.emit("warn", a);
  }
  info(...a: unknown[]): void {
    this.emit("info", a);
  }
  debug(...a: unknown[]): void {
    this.emit("debug", a);
  }
  trace(...a: unknown[]): void {
    this.emit("trace", a);
  }
  silent(...a: unknown[]): void {
    this.emit("silent", a);
  }
  child(b: Bindings, o?: ChildLoggerOptions): FastifyBaseLogger {
    return this.log.child(b, o);
  }
}

/** Fastify `childLoggerFactory`: the per-request logger, made lazily. */
export function lazyChildLogger(
  logger: FastifyBaseLogger,
  bindings: Bindings,
  opts: ChildLoggerOptions,
): FastifyBaseLogger {
  return new LazyRequestLogger(logger, bindings, opts) as unknown as FastifyBaseLogger;
}

// buildApp: the gateway wired in one place (fastify/demo layout). Order matters and is the point of
// this file: errors → request id, shutdown and IP rate limit (one onRequest hook) → body parsing →
// auth, per-key limit and body errors (one route-level preValidation hook) → metrics and log line (the log controller, when a request ends) →
// OpenAPI collector → routes → the web UI's files (docs/ui.md). The gateway keeps no exchange state: commands go to the log, queries to
// the read model.
import Fastify, { type FastifyInstance, type FastifyServerOptions } from "fastify";
import { ApiError } from "./api-error.js";
import { CommandWriter } from "./commands/command-writer.js";
import { CommandContext } from "./commands/context.js";
import { OrderChanges } from "./commands/order-changes.js";
import { OrderEntry } from "./commands/order-entry.js";
import { Authenticator, registerAuth } from "./plugins/auth.js";
import { registerBodyParsing } from "./plugins/body.js";
import { clientErrorHandler, frameworkErrors, registerErrorHandling } from "./plugins/errors.js";
import { CompletionLog, type Gauge, Metrics } from "./plugins/metrics.js";
import { registerOpenApi } from "./plugins/openapi.js";
import { ipRateCheck, RateLimiter } from "./plugins/rate-limit.js";
import { lazyChildLogger, REQUEST_ID_HEADER, requestIds } from "./plugins/request-log.js";
import { webUiRoutes } from "./plugins/web-ui.js";
import { accountRoutes } from "./routes/account.js";
import { adminRoutes } from "./routes/admin.js";
import { opsRoutes } from "./routes/ops.js";
import { orderRoutes } from "./routes/orders.js";
import { publicRoutes } from "./routes/public.js";
import type { GatewayDeps } from "./types.js";

export const API_VERSION = "0.1.0";

/** Never logged: secrets, signatures and tokens wherever they appear in a log object. */
export const REDACT_PATHS = [
  "req.headers.signature",
  "req.headers.authorization",
  "req.headers.apikey",
  "headers.signature",
  "headers.authorization",
  "signature",
  "authorization",
  "apiSecret",
  "*.apiSecret",
  "*.signature",
  "*.authorization",
  "*.headers.signature",
  "*.headers.authorization",
  "*.headers.apikey",
  "token",
  "*.token",
];

export interface BuildOptions {
  /**
   * Fastify logger option; default: pino at config.logLevel with redaction, to stdout or `logStream`.
   * `false` is a silent pino logger (Fastify reports request completion, hence metrics, only to a logger).
   */
  logger?: FastifyServerOptions["logger"];
  /** where the default logger writes (tests capture it); stdout when absent */
  logStream?: { write(line: string): void };
}

export function buildApp(deps: GatewayDeps, opts: BuildOptions = {}): FastifyInstance {
  const { config } = deps;
  const metrics = new Metrics();
  const app = Fastify({
    logger:
      opts.logger === false
        ? { level: "silent" }
        : (opts.logger ?? {
            level: config.logLevel,
            redact: { paths: REDACT_PATHS, censor: "[redacted]" },
            ...(opts.logStream ? { stream: opts.logStream } : {}),
          }),
    bodyLimit: config.bodyLimit,
    trustProxy: config.trustProxy,
    frameworkErrors,
    clientErrorHandler,
    // closing is answered by our own hook below, in the catalog format
    return503OnClosing: false,
    requestTimeout: 30_000, // ms: slow-loris bound
    // request ids and the one completion line per request: plugins/request-log.ts; metrics and that
    // line are written by the log controller when a request ends (plugins/metrics.ts)
    requestIdHeader: false,
    genReqId: requestIds(),
    childLoggerFactory: lazyChildLogger,
    logController: new CompletionLog(metrics),
    routerOptions: { maxParamLength: 100 },
  });

  const limiter = new RateLimiter(config.rateLimit, deps.clock);
  const auth = new Authenticator({ cfg: config.auth, keys: deps.keys, clock: deps.clock, limiter });
  const writer = new CommandWriter(deps.log, deps.engine, deps.readModel, config.waitTimeoutMs);
  const ctx = new CommandContext(deps, writer);
  const gauges: Gauge[] = [
    {
      name: "perpx_engine_seq",
      help: "Highest engine seq applied to the read model.",
      value: () => deps.readModel.lastSeq(),
    },
    { name: "perpx_log_seq", help: "Last durable command seq of the log.", value: () => deps.log.lastSeq() },
    {
      name: "perpx_log_lag",
      help: "Commands durable in the log but not yet reflected by the read model.",
      value: () => Math.max(0, deps.log.lastSeq() - deps.readModel.lastSeq()),
    },
    {
      name: "perpx_engine_ready",
      help: "1 when the engine is running and caught up.",
      value: () => (deps.engine.ready() ? 1 : 0),
    },
    {
      name: "perpx_replay_cache_entries",
      help: "Signed requests remembered for replay protection.",
      value: () => auth.replay.size,
    },
    {
      name: "perpx_inflight_orders",
      help: "Orders accepted here not yet seen by the read model.",
      value: () => ctx.orders.size,
    },
  ];

  registerErrorHandling(app);
  let closing = false;
  app.addHook("preClose", async () => {
    closing = true;
  });
  const ipLimit = ipRateCheck(limiter, config.rateLimit.perIp);
  // the one onRequest hook (synchronous): request id header, shutdown, per-IP limit
  app.addHook("onRequest", (req, reply, done) => {
    reply.header(REQUEST_ID_HEADER, req.id);
    if (closing)
      return done(
        new ApiError("ENGINE_UNAVAILABLE", "the gateway is shutting down; retry on another instance"),
      );
    try {
      ipLimit(req);
    } catch (e) {
      return done(e as Error);
    }
    done();
  });
  registerBodyParsing(app, config.bodyLimit);
  registerAuth(app, auth, limiter);
  registerOpenApi(app, API_VERSION);

  app.register(publicRoutes(ctx));
  app.register(orderRoutes(ctx, new OrderEntry(ctx), new OrderChanges(ctx)));
  app.register(accountRoutes(ctx));
  app.register(adminRoutes(ctx));
  app.register(opsRoutes(deps, metrics, gauges));
  app.register(webUiRoutes(config, { streamPort: deps.streamPort ?? (() => undefined) }));
  return app;
}

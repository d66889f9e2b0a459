// Operations routes: liveness, readiness (log, engine, configured stores), Prometheus metrics.
import type { FastifyInstance } from "fastify";
import { errorBody } from "../api-error.js";
import type { Gauge, Metrics } from "../plugins/metrics.js";
import type { GatewayDeps } from "../types.js";

const PROBE_TIMEOUT_MS = 1_000;

async function probe(check: () => Promise<boolean> | boolean): Promise<boolean> {
  let timer: NodeJS.Timeout | undefined;
  try {
    return await Promise.race([
      Promise.resolve().then(check),
      new Promise<boolean>((resolve) => {
        timer = setTimeout(() => resolve(false), PROBE_TIMEOUT_MS);
      }),
    ]);
  } catch {
    return false;
  } finally {
    clearTimeout(timer);
  }
}

export function opsRoutes(deps: GatewayDeps, metrics: Metrics, gauges: readonly Gauge[]) {
  return async (app: FastifyInstance): Promise<void> => {
    const tags = ["ops"];
    app.get("/health/live", { schema: { summary: "The process answers", tags } }, async () => ({
      status: "ok",
    }));

    app.get(
      "/health/ready",
      { schema: { summary: "Log, engine and every configured store reachable", tags } },
      async (_req, reply) => {
        const checks: Record<string, boolean> = {
          log: await probe(() => Number.isSafeInteger(deps.log.lastSeq())),
          engine: await probe(() => deps.engine.ready()),
        };
        for (const p of deps.probes ?? []) checks[p.name] = await probe(() => p.check());
        if (Object.values(checks).every(Boolean)) return { status: "ready", checks };
        const name = checks.log ? "ENGINE_UNAVAILABLE" : "LOG_UNAVAILABLE";
        return reply.code(503).send({ ...errorBody(name, "not ready"), status: "unavailable", checks });
      },
    );

    app.get(
      "/metrics",
      { schema: { summary: "Prometheus metrics (text format 0.0.4)", tags } },
      async (_req, reply) =>
        reply.type("text/plain; version=0.0.4").send(metrics.render(gauges) + (deps.metricsText?.() ?? "")),
    );
  };
}

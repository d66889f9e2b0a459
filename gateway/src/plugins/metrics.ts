// Prometheus metrics, hand-rolled text format 0.0.4: request counts and a latency histogram by method,
// route (the route pattern, never the raw URL: bounded cardinality) and status, plus gauges the
// operator needs (engine seq seen by the read model, log seq, log lag, replay cache size).
import { type FastifyReply, type FastifyRequest, LogController } from "fastify";
import { logCompleted } from "./request-log.js";

/** latency buckets, seconds */
const BUCKETS = [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];

interface Series {
  labels: string;
  count: number;
  sum: number;
  buckets: number[];
}

export interface Gauge {
  name: string;
  help: string;
  value: () => number;
}

export class Metrics {
  private readonly series = new Map<string, Series>();
  /** method → route → status → series: no label string is built per request */
  private readonly index = new Map<string, Map<string, Map<number, Series>>>();

  observe(method: string, route: string, status: number, seconds: number): void {
    let byRoute = this.index.get(method);
    if (!byRoute) {
      byRoute = new Map();
      this.index.set(method, byRoute);
    }
    let byStatus = byRoute.get(route);
    if (!byStatus) {
      byStatus = new Map();
      byRoute.set(route, byStatus);
    }
    let s = byStatus.get(status);
    if (!s) {
      const labels = `method="${method}",route="${route}",status="${status}"`;
      s = this.series.get(labels);
      if (!s) {
        s = { labels, count: 0, sum: 0, buckets: new Array<number>(BUCKETS.length).fill(0) };
        this.series.set(labels, s);
      }
      byStatus.set(status, s);
    }
    s.count++;
    s.sum += seconds;
    for (let i = 0; i < BUCKETS.length; i++)
      if (seconds <= (BUCKETS[i] as number)) s.buckets[i] = (s.buckets[i] ?? 0) + 1;
  }

  render(gauges: readonly Gauge[]): string {
    const out: string[] = [];
    out.push("# HELP perpx_http_requests_total HTTP requests answered.");
    out.push("# TYPE perpx_http_requests_total counter");
    for (const s of this.series.values()) out.push(`perpx_http_requests_total{${s.labels}} ${s.count}`);
    out.push("# HELP perpx_http_request_duration_seconds Time from request received to response sent.");
    out.push("# TYPE perpx_http_request_duration_seconds histogram");
    for (const s of this.series.values()) {
      BUCKETS.forEach((le, i) => {
        out.push(`perpx_http_request_duration_seconds_bucket{${s.labels},le="${le}"} ${s.buckets[i]}`);
      });
      out.push(`perpx_http_request_duration_seconds_bucket{${s.labels},le="+Inf"} ${s.count}`);
      out.push(`perpx_http_request_duration_seconds_sum{${s.labels}} ${s.sum}`);
      out.push(`perpx_http_request_duration_seconds_count{${s.labels}} ${s.count}`);
    }
    for (const g of gauges) {
      out.push(`# HELP ${g.name} ${g.help}`);
      out.push(`# TYPE ${g.name} gauge`);
      out.push(`${g.name} ${g.value()}`);
    }
    return `${out.join("\n")}\n`;
  }
}

/**
 * Fastify's log controller, told by Fastify when each request ends (response finished, or the response
 * failed): the request's metrics, then its completion log line (plugins/request-log.ts). This is what an
 * onResponse hook would do, without a hook runner per request (its closures and iteration). Fastify's
 * own per-request lines stay off. Fastify calls `requestCompleted` only when it has a logger: buildApp
 * always gives it one (a silent one when logging is off).
 */
export class CompletionLog extends LogController {
  constructor(private readonly metrics: Metrics) {
    super({ disableRequestLogging: true });
  }

  override requestCompleted(_err: Error | null | undefined, req: FastifyRequest, reply: FastifyReply): void {
    const route = req.routeOptions.url ?? "unmatched";
    this.metrics.observe(req.method, route, reply.statusCode, reply.elapsedTime / 1000);
    logCompleted(req, reply);
  }
}

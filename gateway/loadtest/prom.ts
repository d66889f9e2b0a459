// Reads the Prometheus text /metrics answers (format 0.0.4) into name{labels} → value, and the deltas the
// load test checks its own counts against.
export type Samples = Map<string, number>;

/** `name{a="x",b="y"} 12` lines → Map("name{a=\"x\",b=\"y\"}" → 12); comments skipped. */
export function parseProm(text: string): Samples {
  const out: Samples = new Map();
  for (const line of text.split("\n")) {
    if (line === "" || line.startsWith("#")) continue;
    const sp = line.lastIndexOf(" ");
    if (sp <= 0) continue;
    const v = Number(line.slice(sp + 1));
    if (!Number.isNaN(v)) out.set(line.slice(0, sp), v);
  }
  return out;
}

export function value(s: Samples, key: string): number {
  return s.get(key) ?? 0;
}

/** perpx_http_requests_total deltas by "METHOD route status", only for routes under /api/. */
export function requestDeltas(before: Samples, after: Samples): Map<string, number> {
  const re = /^perpx_http_requests_total\{method="([A-Z]+)",route="([^"]*)",status="(\d+)"\}$/;
  const out = new Map<string, number>();
  for (const [k, v] of after) {
    const m = re.exec(k);
    if (!m || !m[2]?.startsWith("/api/")) continue;
    const d = v - value(before, k);
    if (d !== 0) out.set(`${m[1]} ${m[2]} ${m[3]}`, d);
  }
  return out;
}

export interface BucketPercentiles {
  count: number;
  /** upper bound of the bucket holding the percentile, ms (Infinity past the last bucket) */
  p50: number;
  p90: number;
  p99: number;
  p999: number;
  meanMs: number;
}

/** Percentiles (bucket upper bounds) of a histogram's delta between two scrapes. */
export function histogramDelta(before: Samples, after: Samples, name: string): BucketPercentiles {
  const re = new RegExp(`^${name}_bucket\\{le="([^"]+)"\\}$`);
  const buckets: { le: number; n: number }[] = [];
  for (const [k, v] of after) {
    const m = re.exec(k);
    if (!m?.[1]) continue;
    buckets.push({ le: m[1] === "+Inf" ? Number.POSITIVE_INFINITY : Number(m[1]), n: v - value(before, k) });
  }
  buckets.sort((a, b) => a.le - b.le);
  const count = value(after, `${name}_count`) - value(before, `${name}_count`);
  const sum = value(after, `${name}_sum`) - value(before, `${name}_sum`);
  const at = (q: number): number => {
    const want = Math.ceil(count * q);
    for (const b of buckets) if (b.n >= want) return b.le * 1000;
    return Number.POSITIVE_INFINITY;
  };
  return {
    count,
    p50: at(0.5),
    p90: at(0.9),
    p99: at(0.99),
    p999: at(0.999),
    meanMs: count > 0 ? (sum / count) * 1000 : 0,
  };
}

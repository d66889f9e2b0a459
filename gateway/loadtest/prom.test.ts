// The load test's /metrics reading: request deltas by method/route/status (only /api routes) and
// histogram percentiles from bucket deltas.
import assert from "node:assert/strict";
import { test } from "node:test";
import { histogramDelta, parseProm, requestDeltas } from "./prom.js";

const before = parseProm(`# HELP x
perpx_http_requests_total{method="POST",route="/api/v1/order",status="202"} 5
perpx_http_requests_total{method="GET",route="/metrics",status="200"} 1
h_bucket{le="0.001"} 1
h_bucket{le="0.01"} 2
h_bucket{le="+Inf"} 2
h_sum 0.004
h_count 2
`);
const after = parseProm(`perpx_http_requests_total{method="POST",route="/api/v1/order",status="202"} 12
perpx_http_requests_total{method="POST",route="/api/v1/order",status="400"} 1
perpx_http_requests_total{method="GET",route="/metrics",status="200"} 3
h_bucket{le="0.001"} 51
h_bucket{le="0.01"} 101
h_bucket{le="+Inf"} 102
h_sum 0.304
h_count 102
`);

test("request deltas cover /api routes only, by method, route and status", () => {
  assert.deepEqual(
    [...requestDeltas(before, after)],
    [
      ["POST /api/v1/order 202", 7],
      ["POST /api/v1/order 400", 1],
    ],
  );
});

test("histogram percentiles are the upper bounds of the buckets holding them", () => {
  const p = histogramDelta(before, after, "h");
  assert.equal(p.count, 100);
  assert.equal(p.p50, 1); // 50 of 100 within 1 ms
  assert.equal(p.p90, 10);
  assert.equal(p.p999, Number.POSITIVE_INFINITY); // the last one is past the last finite bucket
  assert.equal(p.meanMs, 3);
});

// Ops and cross-cutting behaviour: health, metrics, OpenAPI docs, rate limits, error mapping of
// Fastify's own errors, public market routes.
import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import { HTTP_ERRORS } from "@perpx/shared/errors";
import { type Harness, makeHarness, tick } from "../helpers/harness.js";

let h: Harness;
before(async () => {
  h = await makeHarness();
});
after(() => h.close());

describe("health, metrics, docs", () => {
  test("live and ready; ready fails with the engine down", async () => {
    assert.equal((await h.app.inject("/health/live")).statusCode, 200);
    const ok = await h.app.inject("/health/ready");
    assert.equal(ok.statusCode, 200);
    assert.deepEqual(ok.json().checks, { log: true, engine: true });
    h.engine.isReady = false;
    const down = await h.app.inject("/health/ready");
    h.engine.isReady = true;
    assert.equal(down.statusCode, 503);
    assert.equal(down.json().error, "ENGINE_UNAVAILABLE");
  });

  test("/metrics is Prometheus text with route labels and gauges", async () => {
    tick(h);
    await h.signed({
      method: "POST",
      url: "/api/v1/order",
      body: { symbol: "BTCUSDT", side: "BUY", type: "LIMIT", quantity: "1", price: "100.0" },
    });
    const m = await h.app.inject("/metrics");
    assert.equal(m.statusCode, 200);
    assert.match(m.headers["content-type"] as string, /text\/plain/);
    assert.match(
      m.body,
      /perpx_http_requests_total\{method="POST",route="\/api\/v1\/order",status="202"\} 1/,
    );
    assert.match(
      m.body,
      /perpx_http_request_duration_seconds_bucket\{method="POST",route="\/api\/v1\/order",status="202",le="\+Inf"\} 1/,
    );
    assert.match(m.body, /perpx_log_seq \d+/);
    assert.match(m.body, /perpx_log_lag 0/);
    assert.match(m.body, /perpx_engine_seq \d+/);
  });

  test("/metrics labels: the route pattern for routed requests (errors too), unmatched for 404 and 405", async () => {
    await h.app.inject({
      method: "POST",
      url: "/api/v1/order",
      payload: "x",
      headers: { "content-type": "text/plain" },
    });
    await h.app.inject({ method: "GET", url: "/no/such/route" });
    await h.app.inject({ method: "PATCH", url: "/api/v1/order" });
    await h.app.inject({ method: "HEAD", url: "/health/live" });
    const m = (await h.app.inject("/metrics")).body;
    assert.match(m, /perpx_http_requests_total\{method="POST",route="\/api\/v1\/order",status="415"\} 1/);
    assert.match(m, /perpx_http_requests_total\{method="GET",route="unmatched",status="404"\} 1/);
    assert.match(m, /perpx_http_requests_total\{method="PATCH",route="unmatched",status="405"\} 1/);
    assert.match(m, /perpx_http_requests_total\{method="HEAD",route="\/health\/live",status="200"\} 1/);
  });

  test("/docs is an OpenAPI document of every route that lists the error catalog", async () => {
    const d = await h.app.inject("/docs");
    assert.equal(d.statusCode, 200);
    const doc = d.json();
    assert.equal(doc.openapi, "3.1.0");
    for (const p of [
      "/api/v1/order",
      "/api/v1/orders/batch",
      "/api/v1/account",
      "/api/v1/admin/solvency",
      "/api/v1/depth",
    ]) {
      assert.ok(doc.paths[p], p);
    }
    assert.equal(
      doc.paths["/api/v1/order"].post.requestBody.content["application/json"].schema.additionalProperties,
      false,
    );
    assert.ok(doc.paths["/api/v1/order"].post.security);
    assert.equal(doc["x-error-catalog"].length, Object.keys(HTTP_ERRORS).length);
    assert.match(doc.info.description, /LOG_UNAVAILABLE/);
  });
});

describe("rate limits", () => {
  test("per IP and per key: 429 RATE_LIMITED with Retry-After", async () => {
    const r = await makeHarness({ config: { rateLimit: { perIp: 5, perKey: 3, windowMs: 10_000 } } });
    try {
      const codes: number[] = [];
      for (let i = 0; i < 4; i++) {
        tick(r);
        codes.push((await r.signed({ method: "GET", url: "/api/v1/account" })).statusCode);
      }
      assert.deepEqual(codes, [200, 200, 200, 429]);
      tick(r);
      const limited = await r.signed({ method: "GET", url: "/api/v1/account" });
      assert.equal(limited.json().error, "RATE_LIMITED");
      assert.ok(Number(limited.headers["retry-after"]) >= 1);
      // the IP limit (5) is now spent too, even for public routes
      const pub = await r.app.inject("/api/v1/time");
      assert.equal(pub.statusCode, 429);
      assert.equal((await r.app.inject("/health/live")).statusCode, 200, "ops routes are not limited");
      r.time.now += 10_000;
      assert.equal((await r.app.inject("/api/v1/time")).statusCode, 200, "a new window");
    } finally {
      await r.close();
    }
  });
});

describe("Fastify's own errors map to the catalog", () => {
  test("unknown route 404 NOT_FOUND, wrong method 405 METHOD_NOT_ALLOWED", async () => {
    const nf = await h.app.inject("/api/v1/nope");
    assert.equal(nf.statusCode, 404);
    assert.equal(nf.json().error, "NOT_FOUND");
    const m = await h.app.inject({ method: "PATCH", url: "/api/v1/order" });
    assert.equal(m.statusCode, 405);
    assert.equal(m.json().error, "METHOD_NOT_ALLOWED");
  });

  test("415 for non-JSON bodies, 413 for oversized ones, 400 for malformed JSON and bad URLs", async () => {
    tick(h);
    const t = await h.signed({
      method: "POST",
      url: "/api/v1/order",
      raw: "symbol=BTCUSDT",
      headers: { "content-type": "application/x-www-form-urlencoded" },
    });
    assert.equal(t.statusCode, 415);
    assert.equal(t.json().error, "UNSUPPORTED_MEDIA_TYPE");
    tick(h);
    const big = await h.signed({
      method: "POST",
      url: "/api/v1/order",
      raw: `{"x":"${"a".repeat(20_000)}"}`,
    });
    assert.equal(big.statusCode, 413);
    assert.equal(big.json().error, "PAYLOAD_TOO_LARGE");
    tick(h);
    const bad = await h.signed({ method: "POST", url: "/api/v1/order", raw: `{"symbol":` });
    assert.equal(bad.statusCode, 400);
    assert.equal(bad.json().error, "INVALID_PARAMETER");
    const unauth = await h.app.inject({
      method: "POST",
      url: "/api/v1/order",
      payload: "{bad",
      headers: { "content-type": "application/json" },
    });
    assert.equal(unauth.statusCode, 401, "authentication comes before body errors");
    const url = await h.app.inject("/api/v1/%E0%A4%A");
    assert.equal(url.statusCode, 400);
    assert.equal(url.json().error, "INVALID_PARAMETER");
  });
});

describe("public market routes", () => {
  test("time, instruments, depth, trades, ticker, premium index, funding rate, insurance fund, brackets", async () => {
    assert.equal((await h.app.inject("/api/v1/time")).json().serverTime, h.time.now);
    const inst = (await h.app.inject("/api/v1/instruments")).json();
    assert.deepEqual(
      inst.map((i: { symbol: string }) => i.symbol),
      ["BTCUSDT", "ETHUSDT"],
    );
    assert.equal(inst[0].tickSize, "0.10");
    assert.equal(inst[0].takerFeeRate, "0.00050000");
    assert.deepEqual((await h.app.inject("/api/v1/depth?symbol=BTCUSDT")).json(), {
      lastUpdateId: 0,
      bids: [],
      asks: [],
    });
    assert.equal(
      (await h.app.inject("/api/v1/depth?symbol=BTCUSDT&limit=0")).json().error,
      "INVALID_PARAMETER",
    );
    assert.equal((await h.app.inject("/api/v1/depth?symbol=XXX")).json().error, "UNKNOWN_SYMBOL");
    assert.equal((await h.app.inject("/api/v1/depth")).json().error, "INVALID_PARAMETER");
    assert.deepEqual((await h.app.inject("/api/v1/trades/recent?symbol=ETHUSDT")).json(), []);
    assert.equal((await h.app.inject("/api/v1/ticker?symbol=BTCUSDT")).json().count, 0);
    assert.equal(
      (await h.app.inject("/api/v1/premium-index?symbol=BTCUSDT")).json().interestRate,
      "0.00010000",
    );
    assert.deepEqual((await h.app.inject("/api/v1/funding-rate?symbol=BTCUSDT")).json(), []);
    assert.deepEqual((await h.app.inject("/api/v1/insurance-fund")).json(), {
      asset: "USDT",
      balance: "0.000000",
      updateTime: 0,
    });
    assert.equal((await h.app.inject("/api/v1/leverage-brackets")).json().length, 2);
  });
});

// SPEC §8.1 acceptance: API-key signatures (signed, unsigned, wrong secret, old timestamp, replay),
// JWT (RS256 only, exp, kid), admin authorization, and log redaction of secrets.
import assert from "node:assert/strict";
import { createHmac, generateKeyPairSync } from "node:crypto";
import { Writable } from "node:stream";
import { after, before, describe, test } from "node:test";
import { buildApp, REDACT_PATHS } from "../../src/app.js";
import { type Harness, makeHarness, makeJwt, testRsa, tick } from "../helpers/harness.js";

let h: Harness;
before(async () => {
  h = await makeHarness();
});
after(() => h.close());

const order = { symbol: "BTCUSDT", side: "BUY", type: "LIMIT", quantity: "0.010", price: "50000.0" };

describe("API key + HMAC", () => {
  test("a signed request is accepted", async () => {
    tick(h);
    const r = await h.signed({ method: "GET", url: "/api/v1/account" });
    assert.equal(r.statusCode, 200, r.body);
    assert.equal(r.json().userId, 1);
  });

  test("a signed POST with a body is accepted (signature over the raw body)", async () => {
    tick(h);
    const raw = `{"symbol":"BTCUSDT",  "side":"BUY","type":"LIMIT","quantity":"0.010","price":"50000.0"}`;
    const r = await h.signed({ method: "POST", url: "/api/v1/order", raw });
    assert.equal(r.statusCode, 202, r.body);
  });

  test("the query string is part of the signed text", async () => {
    tick(h);
    const ts = String(h.time.now);
    const sig = createHmac("sha256", h.user.apiSecret).update(`${ts}GET/api/v1/orders/open`).digest("hex");
    const r = await h.app.inject({
      method: "GET",
      url: "/api/v1/orders/open?symbol=BTCUSDT",
      headers: { APIKEY: h.user.apiKey, timestamp: ts, signature: sig },
    });
    assert.equal(r.statusCode, 401);
    assert.equal(r.json().error, "INVALID_SIGNATURE");
  });

  test("an unsigned request is UNAUTHORIZED", async () => {
    const r = await h.app.inject({ method: "GET", url: "/api/v1/account" });
    assert.equal(r.statusCode, 401);
    assert.deepEqual(Object.keys(r.json()).sort(), ["code", "error", "msg"]);
    assert.equal(r.json().error, "UNAUTHORIZED");
    assert.equal(r.json().code, 2000);
  });

  test("an unknown key is UNAUTHORIZED", async () => {
    tick(h);
    const r = await h.signed({
      method: "GET",
      url: "/api/v1/account",
      creds: { ...h.user, apiKey: "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA" },
    });
    assert.equal(r.json().error, "UNAUTHORIZED");
  });

  test("a wrong secret is INVALID_SIGNATURE", async () => {
    tick(h);
    const r = await h.signed({
      method: "POST",
      url: "/api/v1/order",
      body: order,
      creds: { ...h.user, apiSecret: "not-the-secret-at-all" },
    });
    assert.equal(r.statusCode, 401);
    assert.equal(r.json().error, "INVALID_SIGNATURE");
    assert.equal(h.log.entries.filter((e) => e.cmd.ts === h.time.now).length, 0);
  });

  test("a body changed after signing is INVALID_SIGNATURE", async () => {
    tick(h);
    const ts = String(h.time.now);
    const sig = createHmac("sha256", h.user.apiSecret)
      .update(`${ts}POST/api/v1/order${JSON.stringify(order)}`)
      .digest("hex");
    const r = await h.app.inject({
      method: "POST",
      url: "/api/v1/order",
      headers: { APIKEY: h.user.apiKey, timestamp: ts, signature: sig, "content-type": "application/json" },
      payload: JSON.stringify({ ...order, quantity: "1.000" }),
    });
    assert.equal(r.json().error, "INVALID_SIGNATURE");
  });

  test("uppercase or short signatures are INVALID_SIGNATURE", async () => {
    tick(h);
    const r = await h.signed({ method: "GET", url: "/api/v1/account", headers: { signature: "ABCDEF" } });
    assert.equal(r.json().error, "INVALID_SIGNATURE");
  });

  test("a timestamp older or newer than 60 s is TIMESTAMP_OUTSIDE_WINDOW", async () => {
    tick(h);
    for (const skew of [-60_001, 60_001, -3_600_000]) {
      const r = await h.signed({ method: "GET", url: "/api/v1/account", timestamp: h.time.now + skew });
      assert.equal(r.statusCode, 401);
      assert.equal(r.json().error, "TIMESTAMP_OUTSIDE_WINDOW", String(skew));
    }
    const ok = await h.signed({ method: "GET", url: "/api/v1/account", timestamp: h.time.now - 59_000 });
    assert.equal(ok.statusCode, 200);
  });

  test("a missing or malformed timestamp is UNAUTHORIZED", async () => {
    const r = await h.app.inject({
      method: "GET",
      url: "/api/v1/account",
      headers: { APIKEY: h.user.apiKey, timestamp: "soon", signature: "00" },
    });
    assert.equal(r.json().error, "UNAUTHORIZED");
  });

  test("the same signed request twice is REPLAYED_REQUEST; a new timestamp is fine", async () => {
    tick(h);
    const ts = h.time.now;
    const first = await h.signed({ method: "POST", url: "/api/v1/order", body: order, timestamp: ts });
    assert.equal(first.statusCode, 202);
    const again = await h.signed({ method: "POST", url: "/api/v1/order", body: order, timestamp: ts });
    assert.equal(again.statusCode, 401);
    assert.equal(again.json().error, "REPLAYED_REQUEST");
    tick(h);
    const fresh = await h.signed({ method: "POST", url: "/api/v1/order", body: order });
    assert.equal(fresh.statusCode, 202);
  });

  test("a key created by the admin endpoint works at once", async () => {
    tick(h);
    const r = await h.signed({
      method: "POST",
      url: "/api/v1/admin/api-keys",
      body: { userId: 2 },
      creds: h.admin,
    });
    assert.equal(r.statusCode, 200, r.body);
    const { apiKey, apiSecret } = r.json();
    tick(h);
    const me = await h.signed({
      method: "GET",
      url: "/api/v1/account",
      creds: { apiKey, apiSecret, userId: 2 },
    });
    assert.equal(me.statusCode, 200);
    assert.equal(me.json().userId, 2);
  });
});

describe("JWT", () => {
  const bearer = (t: string) => ({ authorization: `Bearer ${t}` });

  test("a valid RS256 token is accepted", async () => {
    const r = await h.app.inject({ method: "GET", url: "/api/v1/account", headers: bearer(h.jwt()) });
    assert.equal(r.statusCode, 200, r.body);
    assert.equal(r.json().userId, 1);
  });

  test("alg none is refused", async () => {
    const t = `${Buffer.from(JSON.stringify({ alg: "none", kid: "test" })).toString("base64url")}.${Buffer.from(
      JSON.stringify({ sub: "1", exp: h.time.now / 1000 + 60 }),
    ).toString("base64url")}.`;
    const r = await h.app.inject({ method: "GET", url: "/api/v1/account", headers: bearer(t) });
    assert.equal(r.statusCode, 401);
    const r2 = await h.app.inject({ method: "GET", url: "/api/v1/account", headers: bearer(`${t}AAAA`) });
    assert.equal(r2.statusCode, 401);
  });

  test("HS256 signed with the public key as secret is refused (alg confusion)", async () => {
    const header = Buffer.from(JSON.stringify({ alg: "HS256", kid: "test" })).toString("base64url");
    const payload = Buffer.from(
      JSON.stringify({ sub: "1", exp: Math.floor(h.time.now / 1000) + 60 }),
    ).toString("base64url");
    const sig = createHmac("sha256", testRsa().publicKey).update(`${header}.${payload}`).digest("base64url");
    const r = await h.app.inject({
      method: "GET",
      url: "/api/v1/account",
      headers: bearer(`${header}.${payload}.${sig}`),
    });
    assert.equal(r.statusCode, 401);
    assert.equal(r.json().error, "UNAUTHORIZED");
  });

  test("an expired token, or one without exp, is refused", async () => {
    const expired = h.jwt({ exp: Math.floor(h.time.now / 1000) - 1 });
    const r = await h.app.inject({ method: "GET", url: "/api/v1/account", headers: bearer(expired) });
    assert.equal(r.statusCode, 401);
    assert.equal(r.json().error, "UNAUTHORIZED");
    const noExp = makeJwt({ sub: "1" });
    assert.equal(
      (await h.app.inject({ method: "GET", url: "/api/v1/account", headers: bearer(noExp) })).statusCode,
      401,
    );
  });

  test("a cached token stops working when it expires", async () => {
    const t = h.jwt({ exp: Math.floor(h.time.now / 1000) + 5 });
    assert.equal(
      (await h.app.inject({ method: "GET", url: "/api/v1/account", headers: bearer(t) })).statusCode,
      200,
    );
    h.time.now += 6_000;
    assert.equal(
      (await h.app.inject({ method: "GET", url: "/api/v1/account", headers: bearer(t) })).statusCode,
      401,
    );
  });

  test("an unknown kid, or a token signed by another key, is refused", async () => {
    const wrongKid = makeJwt(
      { sub: "1", exp: Math.floor(h.time.now / 1000) + 60 },
      { alg: "RS256", kid: "other" },
    );
    const r = await h.app.inject({ method: "GET", url: "/api/v1/account", headers: bearer(wrongKid) });
    assert.equal(r.statusCode, 401);
    assert.equal(r.json().error, "UNAUTHORIZED");
    const other = generateKeyPairSync("rsa", {
      modulusLength: 2048,
      privateKeyEncoding: { type: "pkcs8", format: "pem" },
      publicKeyEncoding: { type: "spki", format: "pem" },
    });
    const forged = makeJwt(
      { sub: "1", exp: Math.floor(h.time.now / 1000) + 60 },
      undefined,
      other.privateKey,
    );
    const r2 = await h.app.inject({ method: "GET", url: "/api/v1/account", headers: bearer(forged) });
    assert.equal(r2.statusCode, 401);
    assert.equal(r2.json().error, "INVALID_SIGNATURE");
  });

  test("a tampered payload is INVALID_SIGNATURE", async () => {
    const [hd, , s] = h.jwt().split(".");
    const p = Buffer.from(JSON.stringify({ sub: "2", exp: Math.floor(h.time.now / 1000) + 60 })).toString(
      "base64url",
    );
    const r = await h.app.inject({
      method: "GET",
      url: "/api/v1/account",
      headers: bearer(`${hd}.${p}.${s}`),
    });
    assert.equal(r.json().error, "INVALID_SIGNATURE");
  });

  test("garbage bearer tokens are 401", async () => {
    for (const t of ["x", "a.b", "a.b.c.d", "!!!.???.###", "Bearer", ""]) {
      const r = await h.app.inject({
        method: "GET",
        url: "/api/v1/account",
        headers: { authorization: `Bearer ${t}` },
      });
      assert.equal(r.statusCode, 401, t);
    }
    const basic = await h.app.inject({
      method: "GET",
      url: "/api/v1/account",
      headers: { authorization: "Basic dTpw" },
    });
    assert.equal(basic.statusCode, 401);
  });
});

describe("admin authorization", () => {
  test("a user key or a user JWT on an admin route is FORBIDDEN", async () => {
    tick(h);
    const r = await h.signed({ method: "GET", url: "/api/v1/admin/solvency" });
    assert.equal(r.statusCode, 403);
    assert.equal(r.json().error, "FORBIDDEN");
    const j = await h.app.inject({
      method: "GET",
      url: "/api/v1/admin/solvency",
      headers: { authorization: `Bearer ${h.jwt()}` },
    });
    assert.equal(j.statusCode, 403);
  });

  test("an admin key or a JWT with role admin is allowed", async () => {
    tick(h);
    assert.equal(
      (await h.signed({ method: "GET", url: "/api/v1/admin/solvency", creds: h.admin })).statusCode,
      200,
    );
    const t = h.jwt({ sub: "0", roles: ["admin"] });
    const j = await h.app.inject({
      method: "GET",
      url: "/api/v1/admin/solvency",
      headers: { authorization: `Bearer ${t}` },
    });
    assert.equal(j.statusCode, 200, j.body);
  });

  test("unauthenticated admin calls are 401, not 403", async () => {
    const r = await h.app.inject({ method: "GET", url: "/api/v1/admin/solvency" });
    assert.equal(r.statusCode, 401);
  });
});

test("secrets, signatures and tokens are redacted from logs", async () => {
  const lines: string[] = [];
  const stream = new Writable({
    write(chunk, _enc, cb) {
      lines.push(String(chunk));
      cb();
    },
  });
  const app = buildApp(
    {
      config: h.config,
      log: h.log,
      readModel: h.rm,
      engine: h.engine,
      keys: h.keys,
      clock: () => h.time.now,
      idGen: { next: () => 1 },
    },
    { logger: { level: "info", stream, redact: { paths: REDACT_PATHS, censor: "[redacted]" } } },
  );
  await app.ready();
  app.log.info(
    {
      req: { headers: { signature: "deadbeef", authorization: "Bearer abc", apikey: "k" } },
      apiSecret: "s3cr3t",
    },
    "x",
  );
  app.log.info({ body: { apiSecret: "s3cr3t" } }, "y");
  await app.close();
  const all = lines.join("");
  assert.ok(!all.includes("deadbeef") && !all.includes("s3cr3t") && !all.includes("Bearer abc"), all);
  assert.ok(all.includes("[redacted]"));
});

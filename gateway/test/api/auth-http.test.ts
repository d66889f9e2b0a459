// SPEC §8.1 acceptance over real HTTP: the gateway listens on 127.0.0.1 (ephemeral port) and every
// request goes through a socket with fetch. The bytes on the wire are what is signed: bodies are sent
// with unusual whitespace, exactly as signed. Unsigned, wrong secret, old timestamp, replayed signature,
// body changed after signing, JWT alg none / HS256 / expired / unknown kid → 401 with their catalog
// codes; user key or user JWT on an admin route → 403; a signed order → 202, a JWT → 200.
import assert from "node:assert/strict";
import { createHmac } from "node:crypto";
import { after, before, describe, test } from "node:test";
import { HTTP_ERRORS, type HttpErrorName } from "@perpx/shared/errors";
import { signRequest } from "../../src/auth/hmac.js";
import {
  type Creds,
  type Harness,
  listenLoopback,
  makeHarness,
  makeJwt,
  testRsa,
  tick,
} from "../helpers/harness.js";

let h: Harness;
let base: string;
before(async () => {
  h = await makeHarness();
  ({ base } = await listenLoopback(h));
});
after(() => h.close());

/** an order body as a client might format it: tabs, newlines, spaces around separators */
const ODD_BODY =
  '{\n\t"symbol" : "BTCUSDT",  "side":"BUY",\r\n "type":\t"LIMIT", "quantity": "0.010" ,"price":"50000.0"   }\n';

interface Signing {
  method: string;
  path: string;
  body?: string;
  creds?: Creds;
  ts?: number;
  /** the body actually sent, when it differs from the one signed */
  sendBody?: string;
  secret?: string;
}

function signedHeaders(o: Signing): Record<string, string> {
  const creds = o.creds ?? h.user;
  const ts = String(o.ts ?? h.time.now);
  const headers: Record<string, string> = {
    APIKEY: creds.apiKey,
    timestamp: ts,
    signature: signRequest(o.secret ?? creds.apiSecret, ts, o.method, o.path, o.body ?? ""),
  };
  if (o.body !== undefined) headers["content-type"] = "application/json";
  return headers;
}

function send(method: string, path: string, headers: Record<string, string>, body?: string) {
  return fetch(base + path, { method, headers, ...(body !== undefined ? { body } : {}) });
}

function signed(o: Signing): Promise<Response> {
  tick(h);
  return send(o.method, o.path, signedHeaders(o), o.sendBody ?? o.body);
}

async function expectError(r: Response, status: number, name: HttpErrorName): Promise<void> {
  const body = (await r.json()) as { code: number; error: string; msg: string };
  assert.equal(r.status, status, JSON.stringify(body));
  assert.equal(body.error, name);
  assert.equal(body.code, HTTP_ERRORS[name].code);
  assert.equal(typeof body.msg, "string");
}

const bearer = (t: string) => ({ authorization: `Bearer ${t}` });
const b64 = (o: unknown) => Buffer.from(JSON.stringify(o)).toString("base64url");
const expIn = (s: number) => Math.floor(h.time.now / 1000) + s;

describe("API key + HMAC over HTTP", () => {
  test("a signed order with odd whitespace is 202: the raw bytes sent are what is signed", async () => {
    const before = h.log.entries.length;
    const r = await signed({ method: "POST", path: "/api/v1/order", body: ODD_BODY });
    const ack = (await r.json()) as { status: string; orderId: string };
    assert.equal(r.status, 202, JSON.stringify(ack));
    assert.equal(ack.status, "ACCEPTED");
    assert.equal(h.log.entries.length, before + 1, "one command made durable");
    // the same body signed in its compact form does not verify against the bytes sent
    const compact = JSON.stringify(JSON.parse(ODD_BODY));
    assert.notEqual(compact, ODD_BODY);
    const r2 = await signed({ method: "POST", path: "/api/v1/order", body: compact, sendBody: ODD_BODY });
    await expectError(r2, 401, "INVALID_SIGNATURE");
    assert.equal(h.log.entries.length, before + 1, "nothing logged for a refused request");
  });

  test("an unsigned request is 401 UNAUTHORIZED", async () => {
    await expectError(await send("GET", "/api/v1/account", {}), 401, "UNAUTHORIZED");
    const post = await send("POST", "/api/v1/order", { "content-type": "application/json" }, ODD_BODY);
    await expectError(post, 401, "UNAUTHORIZED");
  });

  test("a wrong secret is 401 INVALID_SIGNATURE", async () => {
    const r = await signed({
      method: "POST",
      path: "/api/v1/order",
      body: ODD_BODY,
      secret: "not-the-secret-of-this-key",
    });
    await expectError(r, 401, "INVALID_SIGNATURE");
  });

  test("a timestamp outside ±60 s is 401 TIMESTAMP_OUTSIDE_WINDOW", async () => {
    for (const skew of [-61_000, 61_000, -3_600_000]) {
      const r = await signed({ method: "GET", path: "/api/v1/account", ts: h.time.now + skew });
      await expectError(r, 401, "TIMESTAMP_OUTSIDE_WINDOW");
    }
    const inside = await signed({ method: "GET", path: "/api/v1/account", ts: h.time.now - 59_000 });
    assert.equal(inside.status, 200);
  });

  test("the same signed request sent twice is 401 REPLAYED_REQUEST the second time", async () => {
    tick(h);
    const headers = signedHeaders({ method: "POST", path: "/api/v1/order", body: ODD_BODY });
    const first = await send("POST", "/api/v1/order", headers, ODD_BODY);
    assert.equal(first.status, 202, await first.text());
    await expectError(await send("POST", "/api/v1/order", headers, ODD_BODY), 401, "REPLAYED_REQUEST");
  });

  test("a body changed after signing is 401 INVALID_SIGNATURE", async () => {
    const r = await signed({
      method: "POST",
      path: "/api/v1/order",
      body: ODD_BODY,
      sendBody: ODD_BODY.replace('"0.010"', '"1.000"'),
    });
    await expectError(r, 401, "INVALID_SIGNATURE");
    // one extra space is a change too
    const r2 = await signed({
      method: "POST",
      path: "/api/v1/order",
      body: ODD_BODY,
      sendBody: `${ODD_BODY} `,
    });
    await expectError(r2, 401, "INVALID_SIGNATURE");
  });
});

describe("JWT over HTTP", () => {
  test("a valid RS256 token is 200 on a user route, and it can place an order", async () => {
    const t = h.jwt();
    const r = await send("GET", "/api/v1/account", bearer(t));
    assert.equal(r.status, 200);
    assert.equal(((await r.json()) as { userId: number }).userId, 1);
    const o = await send(
      "POST",
      "/api/v1/order",
      { ...bearer(t), "content-type": "application/json" },
      ODD_BODY.replace("BUY", "SELL").replace("50000.0", "50100.0"),
    );
    assert.equal(o.status, 202, await o.text());
  });

  test("alg none is 401 UNAUTHORIZED", async () => {
    const unsigned = `${b64({ alg: "none", typ: "JWT", kid: "test" })}.${b64({ sub: "1", exp: expIn(60) })}.`;
    await expectError(await send("GET", "/api/v1/account", bearer(unsigned)), 401, "UNAUTHORIZED");
  });

  test("HS256 keyed with the public key is 401 UNAUTHORIZED", async () => {
    const input = `${b64({ alg: "HS256", typ: "JWT", kid: "test" })}.${b64({ sub: "1", exp: expIn(60) })}`;
    const mac = createHmac("sha256", testRsa().publicKey).update(input).digest("base64url");
    await expectError(await send("GET", "/api/v1/account", bearer(`${input}.${mac}`)), 401, "UNAUTHORIZED");
  });

  test("an expired token is 401 UNAUTHORIZED", async () => {
    const expired = h.jwt({ exp: expIn(-1) });
    await expectError(await send("GET", "/api/v1/account", bearer(expired)), 401, "UNAUTHORIZED");
  });

  test("an unknown kid is 401 UNAUTHORIZED", async () => {
    const t = makeJwt({ sub: "1", exp: expIn(60) }, { alg: "RS256", typ: "JWT", kid: "nobody" });
    await expectError(await send("GET", "/api/v1/account", bearer(t)), 401, "UNAUTHORIZED");
  });
});

describe("admin routes over HTTP", () => {
  test("a user API key is 403 FORBIDDEN", async () => {
    await expectError(await signed({ method: "GET", path: "/api/v1/admin/solvency" }), 403, "FORBIDDEN");
  });

  test("a user JWT is 403 FORBIDDEN", async () => {
    await expectError(await send("GET", "/api/v1/admin/solvency", bearer(h.jwt())), 403, "FORBIDDEN");
  });

  test("an unauthenticated call is 401, an admin key is 200", async () => {
    await expectError(await send("GET", "/api/v1/admin/solvency", {}), 401, "UNAUTHORIZED");
    const ok = await signed({ method: "GET", path: "/api/v1/admin/solvency", creds: h.admin });
    assert.equal(ok.status, 200, await ok.text());
  });
});

describe("request ids", () => {
  test("every answer carries x-request-id; a valid incoming one is kept, an invalid one replaced", async () => {
    const a = await send("GET", "/api/v1/account", {});
    const b = await send("GET", "/api/v1/account", {});
    const ida = a.headers.get("x-request-id");
    const idb = b.headers.get("x-request-id");
    assert.ok(ida && idb, "x-request-id on 401 answers");
    assert.notEqual(ida, idb);
    const mine = await send("GET", "/api/v1/account", { "x-request-id": "client-trace.42:a_b" });
    assert.equal(mine.headers.get("x-request-id"), "client-trace.42:a_b");
    const bad = await send("GET", "/api/v1/account", { "x-request-id": "has spaces and\ttabs" });
    const got = bad.headers.get("x-request-id");
    assert.ok(got && /^[A-Za-z0-9._:-]{1,64}$/.test(got), String(got));
    const ok = await signed({ method: "GET", path: "/api/v1/account" });
    assert.equal(ok.status, 200);
    assert.ok(ok.headers.get("x-request-id"));
  });
});

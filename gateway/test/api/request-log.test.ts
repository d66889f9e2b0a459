// The gateway's own pino logger (buildApp's default: config.logLevel, REDACT_PATHS) writing into a
// capture stream, over real HTTP: every request's log lines carry its request id (reqId), which is the
// x-request-id answered; and no secret appears anywhere in the captured log — API secrets, signature
// header values, bearer tokens (not even their signature part) or the admin secret.
import assert from "node:assert/strict";
import { after, before, test } from "node:test";
import { signRequest } from "../../src/auth/hmac.js";
import { type Creds, type Harness, listenLoopback, makeHarness, tick } from "../helpers/harness.js";

interface Line {
  level: number;
  reqId?: string;
  msg?: string;
  statusCode?: number;
  [k: string]: unknown;
}

const captured: string[] = [];
let h: Harness;
let base: string;
before(async () => {
  h = await makeHarness({
    config: { logLevel: "debug" },
    logStream: {
      write(line: string) {
        captured.push(line);
      },
    },
  });
  ({ base } = await listenLoopback(h));
});
after(() => h.close());

const BODY = '{"symbol":"BTCUSDT", "side":"BUY","type":"LIMIT","quantity":"0.010","price":"50000.0"}';

/** headers of one signed request, and the signature sent */
function sign(method: string, path: string, body: string, creds: Creds = h.user): Record<string, string> {
  tick(h);
  const ts = String(h.time.now);
  const headers: Record<string, string> = {
    APIKEY: creds.apiKey,
    timestamp: ts,
    signature: signRequest(creds.apiSecret, ts, method, path, body),
  };
  if (body) headers["content-type"] = "application/json";
  return headers;
}

function lines(): Line[] {
  return captured
    .join("")
    .split("\n")
    .filter((l) => l.trim() !== "")
    .map((l) => JSON.parse(l) as Line);
}

test("log lines carry the request id answered in x-request-id, and no secret is logged", async () => {
  const signatures: string[] = [];
  const ids: string[] = [];
  const call = async (method: string, path: string, headers: Record<string, string>, body?: string) => {
    if (headers.signature) signatures.push(headers.signature);
    const r = await fetch(base + path, { method, headers, ...(body ? { body } : {}) });
    await r.arrayBuffer();
    const id = r.headers.get("x-request-id");
    assert.ok(id, `${method} ${path}: x-request-id answered`);
    ids.push(id);
    return r;
  };

  // signed order (202), signed query (200), JWT order (202) and query (200), admin call (200)
  assert.equal((await call("POST", "/api/v1/order", sign("POST", "/api/v1/order", BODY), BODY)).status, 202);
  assert.equal((await call("GET", "/api/v1/account", sign("GET", "/api/v1/account", ""))).status, 200);
  const token = h.jwt();
  const jwtHeaders = { authorization: `Bearer ${token}`, "content-type": "application/json" };
  assert.equal((await call("POST", "/api/v1/order", jwtHeaders, BODY.replace("BUY", "SELL"))).status, 202);
  assert.equal((await call("GET", "/api/v1/account", { authorization: `Bearer ${token}` })).status, 200);
  const adminHeaders = sign("GET", "/api/v1/admin/solvency", "", h.admin);
  assert.equal((await call("GET", "/api/v1/admin/solvency", adminHeaders)).status, 200);
  // refused ones: a wrong secret, a user on an admin route, a tampered bearer token
  const wrong = sign("POST", "/api/v1/order", BODY, { ...h.user, apiSecret: "x".repeat(40) });
  assert.equal((await call("POST", "/api/v1/order", wrong, BODY)).status, 401);
  assert.equal(
    (await call("GET", "/api/v1/admin/solvency", sign("GET", "/api/v1/admin/solvency", ""))).status,
    403,
  );
  const forged = `${token.slice(0, -6)}AAAAAA`;
  assert.equal((await call("GET", "/api/v1/account", { authorization: `Bearer ${forged}` })).status, 401);
  // a client's own request id is used for its log lines
  const mine = "trace-7f3a.1";
  const own = await call("GET", "/api/v1/account", {
    ...sign("GET", "/api/v1/account", ""),
    "x-request-id": mine,
  });
  assert.equal(own.status, 200);
  assert.equal(ids.at(-1), mine);

  const all = lines();
  assert.equal(new Set(ids).size, ids.length, "ids are distinct");
  for (const id of ids) {
    const mineLines = all.filter((l) => l.reqId === id);
    assert.ok(mineLines.length >= 1, `log lines for request ${id}`);
    assert.ok(
      mineLines.some((l) => l.msg === "request completed" && typeof l.statusCode === "number"),
      `completion line for ${id}`,
    );
  }
  // every line written while serving a request carries a reqId (no anonymous request lines)
  assert.ok(all.filter((l) => l.msg === "request completed").every((l) => typeof l.reqId === "string"));
  // refused requests are logged at info, successful ones at debug
  const byId = (id: string | undefined) => all.find((l) => l.reqId === id && l.msg === "request completed");
  assert.equal(byId(ids[0])?.level, 20);
  assert.equal(byId(ids[5])?.level, 30);

  const text = captured.join("");
  const secrets = [
    h.user.apiSecret,
    h.admin.apiSecret,
    "x".repeat(40),
    token,
    forged,
    token.split(".")[2] as string,
    ...signatures,
  ];
  for (const s of secrets) assert.ok(!text.includes(s), `a secret leaked into the log: ${s.slice(0, 12)}…`);
  assert.ok(!/Bearer /.test(text), "no Authorization header value in the log");
});

test("an object logged with request headers or secrets is redacted by the app's logger", async () => {
  const before = captured.length;
  h.app.log.info(
    {
      req: { headers: { signature: "sig-abc123", authorization: "Bearer tok-abc123", apikey: "k" } },
      request: { headers: { signature: "sig-def456" } },
      apiSecret: "sec-abc123",
      key: { apiSecret: "sec-def456" },
      token: "tok-def456",
    },
    "headers",
  );
  const text = captured.slice(before).join("");
  assert.ok(text.includes("[redacted]"), text);
  for (const s of ["sig-abc123", "tok-abc123", "sig-def456", "sec-abc123", "sec-def456", "tok-def456"])
    assert.ok(!text.includes(s), `${s} in ${text}`);
});

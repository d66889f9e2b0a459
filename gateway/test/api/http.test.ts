// The same gateway over real HTTP (listen on an ephemeral port + fetch / raw sockets): what inject
// cannot show — Node's HTTP parser errors, real content-length limits, keep-alive.
import assert from "node:assert/strict";
import { connect } from "node:net";
import { after, before, test } from "node:test";
import { signRequest } from "../../src/auth/hmac.js";
import { type Harness, listenLoopback, makeHarness, tick } from "../helpers/harness.js";

let h: Harness;
let base: string;
let port: number;
before(async () => {
  h = await makeHarness();
  ({ base, port } = await listenLoopback(h));
});
after(() => h.close());

function signed(method: string, path: string, body = ""): Promise<Response> {
  tick(h);
  const ts = String(h.time.now);
  const headers: Record<string, string> = {
    APIKEY: h.user.apiKey,
    timestamp: ts,
    signature: signRequest(h.user.apiSecret, ts, method, path, body),
  };
  if (body) headers["content-type"] = "application/json";
  return fetch(base + path, { method, headers, ...(body ? { body } : {}) });
}

function rawHttp(request: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const s = connect(port, "127.0.0.1", () => s.write(request));
    let out = "";
    s.on("data", (d) => {
      out += d.toString();
    });
    s.on("end", () => resolve(out));
    s.on("error", reject);
    s.setTimeout(2000, () => {
      s.destroy();
      resolve(out);
    });
  });
}

test("a signed order over HTTP: 202, and the same order waits for the engine with ?wait=true", async () => {
  const body = `{ "symbol": "BTCUSDT", "side": "SELL", "type": "LIMIT", "quantity": 0.5, "price": 61000.5 }`;
  const r = await signed("POST", "/api/v1/order", body);
  assert.equal(r.status, 202);
  const ack = (await r.json()) as { orderId: string; status: string };
  assert.equal(ack.status, "ACCEPTED");
  const w = await signed("POST", "/api/v1/order?wait=true", body.replace("0.5", "0.6"));
  assert.equal(w.status, 200);
  assert.equal(((await w.json()) as { origQty: string }).origQty, "0.600");
  const g = await signed("GET", `/api/v1/order?symbol=BTCUSDT&orderId=${ack.orderId}`);
  assert.equal(((await g.json()) as { price: string }).price, "61000.5");
});

test("errors over HTTP keep the catalog shape and headers", async () => {
  const unauth = await fetch(`${base}/api/v1/account`);
  assert.equal(unauth.status, 401);
  assert.match(unauth.headers.get("content-type") ?? "", /application\/json/);
  assert.deepEqual(Object.keys((await unauth.json()) as object).sort(), ["code", "error", "msg"]);
  const big = await signed("POST", "/api/v1/order", `{"x":"${"a".repeat(40_000)}"}`);
  assert.equal(big.status, 413);
  assert.equal(((await big.json()) as { error: string }).error, "PAYLOAD_TOO_LARGE");
});

test("a request Node's HTTP parser refuses gets a catalog JSON 400", async () => {
  const bad = await rawHttp("GET /api/v1/time HTTP/1.1\r\nHost: x\r\nBad Header\r\n\r\n");
  assert.match(bad, /^HTTP\/1.1 400/);
  assert.match(bad, /"error":"INVALID_PARAMETER"/);
  const ok = await rawHttp("GET /api/v1/time HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n");
  assert.match(ok, /^HTTP\/1.1 200/);
});

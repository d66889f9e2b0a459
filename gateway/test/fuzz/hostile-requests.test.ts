// SPEC issue acceptance: ≥ 10 000 malformed or hostile requests through inject — bad JSON, huge numbers,
// exponents, negative and non-multiple quantities, unknown symbols, wrong types, unknown fields,
// oversized bodies, bad headers, bad routes and query strings. Every answer must be a 4xx carrying a
// catalog `{code, error, msg}`, nothing hostile may reach the command log, and the app must stay up.
// Seeded (PERPX_FUZZ_SEED); PERPX_STRESS=long sends 100 000.
import assert from "node:assert/strict";
import { after, before, test } from "node:test";
import { seededRandom } from "@perpx/engine/util/prng";
import { HTTP_ERRORS, type HttpErrorName } from "@perpx/shared/errors";
import type { InjectOptions } from "fastify";
import { signRequest } from "../../src/auth/hmac.js";
import { type Harness, makeHarness, tick } from "../helpers/harness.js";

const N = process.env.PERPX_STRESS === "long" ? 100_000 : 10_000;
const SEED = Number(process.env.PERPX_FUZZ_SEED ?? 20250601);

const rnd = seededRandom(SEED);
const int = (n: number) => Math.floor(rnd() * n);
const pick = <T>(xs: readonly T[]): T => xs[int(xs.length)] as T;
const randStr = (n: number, alphabet = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789") =>
  Array.from({ length: n }, () => alphabet[int(alphabet.length)]).join("");

const BASE = `{"symbol":"BTCUSDT","side":"BUY","type":"LIMIT","quantity":"0.010","price":"50000.0"}`;
/** raw JSON values that are never a valid price nor a valid quantity */
const BAD_NUMBERS = [
  `"1e5"`,
  `"1E-3"`,
  `1e5`,
  `2E+2`,
  `"${"9".repeat(30)}"`,
  `${"9".repeat(30)}`,
  `"-1"`,
  `"-0.001"`,
  `-5`,
  `"0"`,
  `0`,
  `"0.0015"`,
  `0.0015`,
  `"0.0000000000000000001"`,
  `0.1000000000000000000001`,
  `"NaN"`,
  `"Infinity"`,
  `""`,
  `" "`,
  `"0x10"`,
  `"1_000"`,
  `"１"`,
  `null`,
  `true`,
  `[]`,
  `{}`,
  `"+1"`,
  `"1."`,
  `".5"`,
  `"1..2"`,
  `"1,5"`,
  `"0.000"`,
  `1.00000000000000001`,
  `"9007199254740993"`,
  `-0.0015`,
  `"\\u0031e3"`,
];
/** the same, minus the ones that are fine as USDT amounts (6 decimals) */
const BAD_MONEY = BAD_NUMBERS.filter((v) => v !== `"0.0015"` && v !== "0.0015");
const WRONG_TYPES: [string, string][] = [
  ["side", "1"],
  ["side", `"buy"`],
  ["type", "null"],
  ["type", `"LIMITED"`],
  ["reduceOnly", `"true"`],
  ["symbol", "123"],
  ["clientOrderId", "5"],
  ["clientOrderId", `"bad id"`],
  ["clientOrderId", `"\\u0000"`],
  ["timeInForce", `["GTC"]`],
  ["closePosition", "1"],
  ["workingType", `"LAST"`],
  ["positionSide", `"SHORT"`],
  ["selfTradePreventionMode", "{}"],
  ["symbol", `"btcusdt"`],
  ["symbol", `""`],
  ["symbol", `"${"A".repeat(50)}"`],
  ["symbol", `[[[[[[["BTCUSDT"]]]]]]]`],
];
const CONTENT_TYPES = [
  "text/plain",
  "application/xml",
  "multipart/form-data; boundary=x",
  "application/json-patch+json",
  "x/y",
  "application/x-www-form-urlencoded",
];
const PATHS = [
  "/api/v1/order",
  "/api/v1/orders/batch",
  "/api/v1/leverage",
  "/api/v1/withdrawals",
  "/api/v1/position-margin",
  "/api/v1/margin-type",
  "/api/v1/countdown-cancel-all",
];
const BAD_QUERIES = [
  "/api/v1/orders?limit=-1",
  "/api/v1/orders?limit=abc",
  "/api/v1/orders?limit=1e3",
  "/api/v1/orders?limit=1001",
  "/api/v1/orders?symbol=btcusdt",
  "/api/v1/orders?symbol=DOGEUSDT",
  "/api/v1/orders?startTime=-5",
  "/api/v1/orders?bogus=1",
  "/api/v1/order?symbol=BTCUSDT&orderId=abc",
  "/api/v1/order?symbol=BTCUSDT&orderId=99999999999999999999",
  "/api/v1/order?symbol=BTCUSDT",
  "/api/v1/order?orderId=1",
  "/api/v1/order?symbol=BTCUSDT&clientOrderId=nope&orderId=x",
  "/api/v1/orders/open?symbol=BTCUSDT&symbol=ETHUSDT",
  "/api/v1/trades?limit=0",
  "/api/v1/funding?endTime=x",
  "/api/v1/depth?symbol=BTCUSDT&limit=100000",
  "/api/v1/depth?symbol=%ZZ",
  "/api/v1/ticker",
  "/api/v1/funding-rate",
  "/api/v1/premium-index?symbol=NOPE",
  "/api/v1/order?symbol=BTCUSDT&clientOrderId=a%20b",
  "/api/v1/orders?wait=maybe&symbol=BTCUSDT",
];

let h: Harness;
before(async () => {
  h = await makeHarness();
});
after(() => h.close());

function signedHeaders(
  method: string,
  url: string,
  raw: string,
  extra: Record<string, string> = {},
): Record<string, string> {
  tick(h);
  const ts = String(h.time.now);
  return {
    APIKEY: h.user.apiKey,
    timestamp: ts,
    signature: signRequest(h.user.apiSecret, ts, method, url, raw),
    "content-type": "application/json",
    ...extra,
  };
}

function withField(raw: string, key: string, value: string): string {
  return `${raw.slice(0, -1)},"${key}":${value}}`;
}

/** One hostile request; all are built so that no valid request can come out. */
function hostile(): { kind: string; opts: InjectOptions } {
  const k = int(16);
  const post = (kind: string, raw: string, url = "/api/v1/order", extra?: Record<string, string>) => ({
    kind,
    opts: { method: "POST" as const, url, payload: raw, headers: signedHeaders("POST", url, raw, extra) },
  });
  switch (k) {
    case 0:
      return post("truncated JSON", BASE.slice(0, 1 + int(BASE.length - 2)));
    case 1:
      return post("random bytes", randStr(1 + int(200), `{}[]":,0123456789.eE+-abc \\\u0000\u00ff`));
    case 2: {
      const field = pick(["quantity", "price"]);
      const raw = BASE.replace(field === "price" ? `"50000.0"` : `"0.010"`, pick(BAD_NUMBERS));
      return post(`bad ${field}`, raw);
    }
    case 3: {
      const sym = `${randStr(1 + int(8), "ABCDEFGHIJKLMNOPQRSTUVWXYZ")}USD`;
      return post("unknown symbol", BASE.replace("BTCUSDT", sym));
    }
    case 4: {
      const [key, value] = pick(WRONG_TYPES);
      const raw = BASE.includes(`"${key}"`)
        ? BASE.replace(new RegExp(`"${key}":"[^"]*"`), `"${key}":${value}`)
        : withField(BASE, key, value);
      return post(`wrong type ${key}`, raw);
    }
    case 5:
      return post(
        "unknown field",
        withField(
          BASE,
          pick(["__proto__", "constructor", "leverage", "foo", randStr(6)]),
          pick(["1", `"x"`, "{}", "null"]),
        ),
      );
    case 6: {
      const raw = `{"symbol":"BTCUSDT","pad":"${"x".repeat(16 * 1024 + int(50_000))}"}`;
      return post("oversized", raw, pick(PATHS));
    }
    case 7: {
      const url = pick(PATHS);
      return post("content type", BASE, url, { "content-type": pick(CONTENT_TYPES) });
    }
    case 8: {
      const url = pick(PATHS);
      const headers = signedHeaders("POST", url, BASE);
      const mutate = int(7);
      if (mutate === 0) delete headers.APIKEY;
      if (mutate === 1) headers.APIKEY = randStr(int(70));
      if (mutate === 2)
        headers.timestamp = pick([
          "",
          "abc",
          "-1",
          "1e12",
          String(h.time.now - 61_000),
          String(h.time.now + 3_600_000),
          "9".repeat(40),
        ]);
      if (mutate === 3)
        headers.signature = pick([
          "",
          "00",
          randStr(64, "0123456789abcdef"),
          headers.signature?.toUpperCase() ?? "",
          `${headers.signature} `,
        ]);
      if (mutate === 4) delete headers.signature;
      if (mutate === 5)
        headers.authorization = pick([
          "Bearer",
          "Bearer x.y.z",
          `Bearer ${randStr(40)}`,
          "Basic Zm9vOmJhcg==",
          "bearer abc",
        ]);
      if (mutate === 6) headers.APIKEY = `${h.user.apiKey}x`;
      return { kind: "bad auth header", opts: { method: "POST", url, payload: BASE, headers } };
    }
    case 9: {
      const url = `/api/v1/${randStr(3 + int(10)).toLowerCase()}${pick(["", "/x", "?a=1", "/../order"])}`;
      return {
        kind: "unknown route",
        opts: { method: pick(["GET", "POST", "PUT", "DELETE", "PATCH", "OPTIONS"] as const), url },
      };
    }
    case 10: {
      const url = pick(BAD_QUERIES);
      const method = url.startsWith("/api/v1/order?") && rnd() < 0.5 ? "DELETE" : "GET";
      return { kind: "bad query", opts: { method, url, headers: signedHeaders(method, url, "") } };
    }
    case 11: {
      const raw = pick([
        `{"orders":[${Array.from({ length: 11 + int(20) }, () => BASE).join(",")}]}`,
        `{"orders":[]}`,
        `{"orders":{}}`,
        `{"orders":"${BASE.replaceAll('"', '\\"')}"}`,
        `[${BASE}]`,
        `{"orders":[${BASE}],"extra":1}`,
      ]);
      return post("bad batch", raw, "/api/v1/orders/batch");
    }
    case 12: {
      const url = pick([
        "/api/v1/admin/deposits",
        "/api/v1/admin/users",
        "/api/v1/admin/api-keys",
        "/api/v1/admin/index-price",
      ]);
      return post("admin as user", `{"userId":1,"asset":"USDT","amount":"1","txId":"t${int(1e9)}"}`, url);
    }
    case 13: {
      const raw = `{"symbol":${"[".repeat(1000 + int(3000))}${"]".repeat(1000)}`;
      return post("deep nesting", raw);
    }
    case 14:
      return post("duplicate keys", `${BASE.slice(0, -1)},"quantity":${pick(BAD_NUMBERS)}}`);
    default: {
      const raw = pick([
        `{"symbol":"BTCUSDT","leverage":${pick(["0", "126", "-1", "20.5", `"20"`, "1e1", "null"])}}`,
        `{"symbol":"BTCUSDT","marginType":${pick([`"crossed"`, `"BOTH"`, "0", "null"])}}`,
        `{"asset":"USDT","amount":${pick(BAD_MONEY)}}`,
        `{"asset":"BTC","amount":"1"}`,
        `{"symbol":"BTCUSDT","amount":"1","type":"SUBTRACT"}`,
        `{"symbol":"BTCUSDT","countdownTime":${pick(["-1", "86400001", `"1000"`, "1.5"])}}`,
      ]);
      const url = raw.includes("leverage")
        ? "/api/v1/leverage"
        : raw.includes("marginType")
          ? "/api/v1/margin-type"
          : raw.includes("countdownTime")
            ? "/api/v1/countdown-cancel-all"
            : raw.includes('"type"')
              ? "/api/v1/position-margin"
              : "/api/v1/withdrawals";
      return post("bad account command", raw, url);
    }
  }
}

test(`${N} hostile requests: every answer a 4xx with a catalog code, nothing logged, app up`, async () => {
  const logged = h.log.entries.length;
  const byKind = new Map<string, Map<string, number>>();
  for (let i = 0; i < N; i++) {
    const { kind, opts } = hostile();
    const r = await h.app.inject(opts);
    const where = `#${i} ${kind} (seed ${SEED}): ${opts.method} ${String(opts.url).slice(0, 80)} → ${r.statusCode} ${r.body.slice(0, 200)}`;
    assert.ok(r.statusCode >= 400 && r.statusCode < 500, where);
    const body = r.json() as { code: number; error: HttpErrorName; msg: string };
    const entry = HTTP_ERRORS[body.error];
    assert.ok(entry, where);
    assert.equal(body.code, entry.code, where);
    assert.equal(entry.http, r.statusCode, where);
    assert.equal(typeof body.msg, "string", where);
    const counts = byKind.get(kind) ?? new Map<string, number>();
    counts.set(body.error, (counts.get(body.error) ?? 0) + 1);
    byKind.set(kind, counts);
  }
  assert.equal(h.log.entries.length, logged, "no hostile request reached the command log");
  // the app is still up and still correct
  assert.equal((await h.app.inject("/health/live")).statusCode, 200);
  tick(h);
  const ok = await h.signed({ method: "POST", url: "/api/v1/order", raw: BASE });
  assert.equal(ok.statusCode, 202, ok.body);
  const summary = [...byKind].map(([k, m]) => `${k}: ${[...m].map(([e, n]) => `${e}×${n}`).join(" ")}`);
  console.log(`fuzz seed ${SEED}\n  ${summary.join("\n  ")}`);
});

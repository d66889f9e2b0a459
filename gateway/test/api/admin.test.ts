// Admin endpoints (SPEC §8.2): users, api keys, deposits idempotent by txId, instruments, index price,
// funding, insurance fund, solvency.
import assert from "node:assert/strict";
import { after, before, test } from "node:test";
import { Op } from "@perpx/shared/commands";
import { type Harness, makeHarness, tick } from "../helpers/harness.js";

let h: Harness;
before(async () => {
  h = await makeHarness();
});
after(() => h.close());

const admin = (method: "GET" | "POST" | "DELETE", url: string, body?: unknown) => {
  tick(h);
  return h.signed({ method, url, body, creds: h.admin });
};

test("create a user, give it a key, deposit once per txId", async () => {
  const u = await admin("POST", "/api/v1/admin/users", { name: "alice" });
  assert.equal(u.statusCode, 200, u.body);
  const userId = u.json().userId as number;
  assert.ok(Number.isSafeInteger(userId) && userId > 0);
  const k = await admin("POST", "/api/v1/admin/api-keys", { userId });
  assert.equal(k.statusCode, 200, k.body);
  assert.match(k.json().apiSecret, /^[0-9a-f]{64}$/);

  const dep = await admin("POST", "/api/v1/admin/deposits", {
    userId,
    asset: "USDT",
    amount: "100.5",
    txId: "tx-1",
  });
  assert.equal(dep.statusCode, 200, dep.body);
  assert.equal(dep.json().walletBalance, "100.500000");
  assert.equal(dep.json().status, "APPLIED");
  const again = await admin("POST", "/api/v1/admin/deposits", {
    userId,
    asset: "USDT",
    amount: "100.5",
    txId: "tx-1",
  });
  assert.equal(again.statusCode, 200);
  assert.equal(again.json().duplicate, true);
  assert.equal(again.json().walletBalance, "100.500000");
  assert.equal(h.log.commands().filter((c) => c.op === Op.DEPOSIT && c.txId === "tx-1").length, 1);

  tick(h);
  const acct = await h.signed({
    method: "GET",
    url: "/api/v1/account",
    creds: { apiKey: k.json().apiKey, apiSecret: k.json().apiSecret, userId },
  });
  assert.equal(acct.json().assets[0].walletBalance, "100.500000");
});

test("deposit to an unknown user: the engine's reject is reported; keys for unknown users are refused", async () => {
  const dep = await admin("POST", "/api/v1/admin/deposits", {
    userId: 999,
    asset: "USDT",
    amount: "1",
    txId: "tx-x",
  });
  assert.equal(dep.statusCode, 200);
  assert.equal(dep.json().status, "REJECTED");
  assert.equal(dep.json().rejectReason, "UNKNOWN_ACCOUNT");
  const k = await admin("POST", "/api/v1/admin/api-keys", { userId: 999 });
  assert.equal(k.statusCode, 404);
  assert.equal(k.json().error, "NOT_FOUND");
  const bad = await admin("POST", "/api/v1/admin/deposits", {
    userId: 1,
    asset: "BTC",
    amount: "1",
    txId: "tx-y",
  });
  assert.equal(bad.json().error, "INVALID_PARAMETER");
});

test("a deposit while the engine is slow: 504 UNKNOWN, and the retry is a duplicate", async () => {
  h.engine.paused = true;
  const r = await admin("POST", "/api/v1/admin/deposits", {
    userId: 1,
    asset: "USDT",
    amount: "5",
    txId: "tx-slow",
  });
  assert.equal(r.statusCode, 504);
  assert.equal(r.json().status, "UNKNOWN");
  h.engine.resume();
  const again = await admin("POST", "/api/v1/admin/deposits", {
    userId: 1,
    asset: "USDT",
    amount: "5",
    txId: "tx-slow",
  });
  assert.equal(again.json().duplicate, true);
  assert.equal(h.log.commands().filter((c) => c.op === Op.DEPOSIT && c.txId === "tx-slow").length, 1);
});

test("list an instrument with overrides and custom brackets", async () => {
  const body = {
    symbol: "SOLUSDT",
    baseAsset: "SOL",
    tickSize: "0.01",
    stepSize: "0.1",
    minQty: "0.1",
    maxQty: "100000",
    maxMarketQty: "5000",
    minNotional: "5",
    makerFeeRate: "-0.0001",
    brackets: [
      { notionalCap: "10000", maxLeverage: 50, maintMarginRate: "0.01" },
      { notionalCap: "100000", maxLeverage: 20, maintMarginRate: "0.025" },
    ],
  };
  const r = await admin("POST", "/api/v1/admin/instruments", body);
  assert.equal(r.statusCode, 200, r.body);
  assert.equal(r.json().symbolId, 3);
  assert.equal(r.json().instrument.makerFeeRate, "-0.00010000");
  const br = await h.app.inject({ method: "GET", url: "/api/v1/leverage-brackets?symbol=SOLUSDT" });
  assert.equal(br.json()[0].brackets[1].cum, "150.000000"); // 10000 × (2.5% − 1%)
  const badDecimals = await admin("POST", "/api/v1/admin/instruments", {
    ...body,
    symbol: "XUSDT",
    tickSize: "0.0001",
    stepSize: "0.001",
  });
  assert.equal(badDecimals.json().error, "INVALID_PARAMETER");
  const badBrackets = await admin("POST", "/api/v1/admin/instruments", {
    ...body,
    symbol: "YUSDT",
    brackets: [{ notionalCap: "1", maxLeverage: 200, maintMarginRate: "0.01" }],
  });
  assert.equal(badBrackets.json().error, "INVALID_PARAMETER");
});

test("index price, funding, insurance fund and solvency", async () => {
  const ip = await admin("POST", "/api/v1/admin/index-price", { symbol: "BTCUSDT", price: 51000.5 });
  assert.equal(ip.statusCode, 200, ip.body);
  assert.deepEqual(ip.json(), { symbol: "BTCUSDT", price: "51000.5" });
  assert.equal(h.rm.markPrice(1), 510_005);
  const offTick = await admin("POST", "/api/v1/admin/index-price", { symbol: "BTCUSDT", price: "51000.55" });
  assert.equal(offTick.json().error, "INVALID_TICK_SIZE");
  const f = await admin("POST", "/api/v1/admin/funding", {
    symbol: "BTCUSDT",
    fundingTime: 1_750_000_000_000,
  });
  assert.equal(f.statusCode, 200, f.body);
  assert.deepEqual(f.json(), []); // the sim engine publishes no funding rate
  const cmd = h.log.commands().at(-1);
  assert.ok(cmd?.op === Op.PAY_FUNDING && cmd.symbolId === 1 && cmd.fundingTime === 1_750_000_000_000);
  const ins = await admin("GET", "/api/v1/admin/insurance-fund");
  assert.deepEqual(ins.json(), { asset: "USDT", balance: "0.000000", updateTime: 0, history: [] });
  const s = await admin("GET", "/api/v1/admin/solvency");
  assert.equal(s.json().difference, "0.000000");
});

test("revoked keys stop working at once", async () => {
  const k = await admin("POST", "/api/v1/admin/api-keys", { userId: 2 });
  const creds = { apiKey: k.json().apiKey, apiSecret: k.json().apiSecret, userId: 2 };
  tick(h);
  assert.equal((await h.signed({ method: "GET", url: "/api/v1/account", creds })).statusCode, 200);
  const del = await admin("DELETE", `/api/v1/admin/api-keys?apiKey=${creds.apiKey}`);
  assert.equal(del.statusCode, 200);
  tick(h);
  assert.equal((await h.signed({ method: "GET", url: "/api/v1/account", creds })).statusCode, 401);
});

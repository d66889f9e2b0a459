// Issue 6 acceptance, end to end over real HTTP against the real embedded engine (journal, sequencer,
// books, read model): an admin creates two users, keys and deposits; the users trade; ?wait=true
// answers match the engine; positions, account and trades show hand-computed numbers; a retried
// clientOrderId returns the same order; a restart keeps balances, orders and positions.
import assert from "node:assert/strict";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, test } from "node:test";
import { makeConfig } from "../../src/config.js";
import { type EmbeddedExchange, launchEmbedded } from "../../src/embedded/launch.js";
import { arr, type KeyPair, obj, RestClient } from "./client.js";

const dataDir = mkdtempSync(join(tmpdir(), "perpx-flow-"));
const ADMIN: KeyPair = { apiKey: "flow-admin-key-0001", apiSecret: "flow-admin-secret-0123456789abcdef" };
const env = { ...process.env, EXCHANGE_ADMIN_KEY: ADMIN.apiKey, EXCHANGE_ADMIN_SECRET: ADMIN.apiSecret };
let ex: EmbeddedExchange | undefined;

async function boot(): Promise<RestClient> {
  ex = await launchEmbedded({
    config: makeConfig({ dataDir, port: 0, logLevel: "warn", rateLimit: { enabled: false } }),
    env,
    demoFeed: false,
    markSampleMs: 0,
    fundingScheduler: false,
    wsPort: 0,
  });
  return new RestClient(await ex.listen());
}

after(async () => {
  await ex?.close();
  rmSync(dataDir, { recursive: true, force: true });
});

test("admin sets up two users who trade; numbers match hand arithmetic; state survives a restart", async () => {
  let rest = await boot();
  const admin = rest.as(ADMIN);

  // index price 50 000.0 → mark 50 000.0 (no trade yet)
  let r = await admin.post("/api/v1/admin/index-price", { symbol: "BTCUSDT", price: "50000.0" });
  assert.equal(r.status, 200, JSON.stringify(r.body));

  const users: { id: number; key: KeyPair }[] = [];
  for (const name of ["alice", "bob"]) {
    r = await admin.post("/api/v1/admin/users", { name });
    assert.equal(r.status, 200, JSON.stringify(r.body));
    const id = Number(obj(r.body).userId);
    r = await admin.post("/api/v1/admin/api-keys", { userId: id });
    assert.equal(r.status, 200, JSON.stringify(r.body));
    const k = obj(r.body);
    users.push({ id, key: { apiKey: String(k.apiKey), apiSecret: String(k.apiSecret) } });
    r = await admin.post("/api/v1/admin/deposits", {
      userId: id,
      asset: "USDT",
      amount: "10000",
      txId: `dep-${name}`,
    });
    assert.equal(r.status, 200, JSON.stringify(r.body));
    assert.equal(obj(r.body).walletBalance, "10000.000000");
  }
  // the same txId again is credited once
  r = await admin.post("/api/v1/admin/deposits", {
    userId: users[0]!.id,
    asset: "USDT",
    amount: "10000",
    txId: "dep-alice",
  });
  assert.equal(obj(r.body).duplicate, true);

  const alice = rest.as(users[0]!.key);
  const bob = rest.as(users[1]!.key);

  // alice rests a sell 0.100 @ 50 000.0 (maker), bob buys it (taker)
  r = await alice.post("/api/v1/order?wait=true", {
    symbol: "BTCUSDT",
    side: "SELL",
    type: "LIMIT",
    quantity: "0.100",
    price: "50000.0",
    clientOrderId: "a-1",
  });
  assert.equal(r.status, 200, JSON.stringify(r.body));
  assert.equal(obj(r.body).status, "NEW");
  const aliceOrderId = obj(r.body).orderId;

  r = await bob.post("/api/v1/order?wait=true", {
    symbol: "BTCUSDT",
    side: "BUY",
    type: "LIMIT",
    quantity: "0.100",
    price: "50000.0",
    timeInForce: "IOC",
    clientOrderId: "b-1",
  });
  assert.equal(r.status, 200, JSON.stringify(r.body));
  const bobOrder = obj(r.body);
  assert.equal(bobOrder.status, "FILLED");
  assert.equal(bobOrder.executedQty, "0.100");

  // a retried clientOrderId returns the original order, changing nothing
  r = await bob.post("/api/v1/order", {
    symbol: "BTCUSDT",
    side: "BUY",
    type: "LIMIT",
    quantity: "0.500",
    price: "49000.0",
    clientOrderId: "b-1",
  });
  assert.equal(r.status, 202);
  assert.equal(obj(r.body).orderId, bobOrder.orderId);
  assert.equal(obj(r.body).duplicate, true);

  // notional 0.1 × 50 000 = 5 000 USDT; taker fee 0.05% = 2.5; maker fee 0.02% = 1.0
  r = await bob.get("/api/v1/trades?symbol=BTCUSDT");
  const bobTrades = arr(r.body);
  assert.equal(bobTrades.length, 1);
  assert.equal(bobTrades[0]!.price, "50000.0");
  assert.equal(bobTrades[0]!.qty, "0.100");
  assert.equal(bobTrades[0]!.commission, "2.500000");
  assert.equal(bobTrades[0]!.maker, false);

  r = await bob.get("/api/v1/positions");
  const bp = arr(r.body);
  assert.equal(bp.length, 1);
  assert.equal(bp[0]!.positionAmt, "0.100");
  assert.equal(bp[0]!.entryPrice, "50000.00000000");
  assert.equal(bp[0]!.unrealizedPnl, "0.000000");

  r = await alice.get("/api/v1/account");
  const aliceUsdt = arr(obj(r.body).assets).find((a) => a.asset === "USDT")!;
  assert.equal(aliceUsdt.walletBalance, "9999.000000"); // 10 000 − 1.0 maker fee
  r = await bob.get("/api/v1/account");
  const bobUsdt = arr(obj(r.body).assets).find((a) => a.asset === "USDT")!;
  assert.equal(bobUsdt.walletBalance, "9997.500000"); // 10 000 − 2.5 taker fee
  // cross IM at leverage 20: 5 000 / 20 = 250 → available 9 997.5 − 250
  assert.equal(bobUsdt.initialMargin, "250.000000");
  assert.equal(bobUsdt.availableBalance, "9747.500000");

  // alice leaves a resting order for the restart check
  r = await alice.post("/api/v1/order?wait=true", {
    symbol: "BTCUSDT",
    side: "SELL",
    type: "LIMIT",
    quantity: "0.010",
    price: "51000.0",
    clientOrderId: "a-2",
  });
  assert.equal(obj(r.body).status, "NEW");

  r = await admin.get("/api/v1/admin/solvency");
  assert.equal(obj(r.body).difference, "0.000000", JSON.stringify(r.body));
  // the fee account holds the 3.5 USDT of fees
  assert.equal(obj(r.body).feeAccount, "3.500000", JSON.stringify(r.body));

  // an engine snapshot on demand, written at the SNAPSHOT command's seq
  r = await admin.post("/api/v1/admin/snapshot", {});
  assert.equal(r.status, 200, JSON.stringify(r.body));
  assert.equal(obj(r.body).status, "TAKEN");
  await ex!.engine.runner.flushSnapshots();
  const snap = await ex!.engine.snapshots.latestValid();
  assert.equal(snap?.seq, obj(r.body).seq);

  // restart on the same data dir: everything is replayed from the journal
  await ex!.close();
  rest = await boot();
  const alice2 = rest.as(users[0]!.key);
  const bob2 = rest.as(users[1]!.key);
  r = await bob2.get("/api/v1/positions");
  assert.equal(arr(r.body)[0]!.positionAmt, "0.100");
  r = await alice2.get("/api/v1/orders/open?symbol=BTCUSDT");
  const open = arr(r.body);
  assert.equal(open.length, 1);
  assert.equal(open[0]!.clientOrderId, "a-2");
  r = await alice2.get(`/api/v1/order?symbol=BTCUSDT&orderId=${String(aliceOrderId)}`);
  assert.equal(obj(r.body).status, "FILLED");
  r = await alice2.get("/api/v1/account");
  assert.equal(arr(obj(r.body).assets).find((a) => a.asset === "USDT")!.walletBalance, "9999.000000");
});

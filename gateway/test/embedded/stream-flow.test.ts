// The live stream on the running embedded exchange (SPEC §9): a `ws` client following depth:BTCUSDT
// (snapshot on subscribe, then diffs) ends with the same book as REST depth, every pu chains and every
// checksum matches; an authenticated user channel carries that user's orders and nobody else's.
import assert from "node:assert/strict";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, test } from "node:test";
import { makeConfig } from "../../src/config.js";
import { type EmbeddedExchange, launchEmbedded } from "../../src/embedded/launch.js";
import { signStreamAuth } from "../../src/stream/stream-auth.js";
import { DepthFollower } from "../stream/depth-follower.js";
import { type Msg, TestClient } from "../stream/test-client.js";
import { arr, type KeyPair, obj, RestClient } from "./client.js";

const dataDir = mkdtempSync(join(tmpdir(), "perpx-stream-flow-"));
const ADMIN: KeyPair = { apiKey: "stream-admin-key-01", apiSecret: "stream-admin-secret-0123456789abcd" };
let ex: EmbeddedExchange | undefined;
const clients: TestClient[] = [];

after(async () => {
  for (const c of clients) c.close();
  await ex?.close();
  rmSync(dataDir, { recursive: true, force: true });
});

test("depth diffs rebuild the REST book; the user channel carries only its user's orders", async () => {
  ex = await launchEmbedded({
    config: makeConfig({ dataDir, port: 0, logLevel: "warn", rateLimit: { enabled: false } }),
    env: { ...process.env, EXCHANGE_ADMIN_KEY: ADMIN.apiKey, EXCHANGE_ADMIN_SECRET: ADMIN.apiSecret },
    demoFeed: false,
    markSampleMs: 0,
    fundingScheduler: false,
    wsPort: 0,
  });
  const rest = new RestClient(await ex.listen());
  const admin = rest.as(ADMIN);
  await admin.post("/api/v1/admin/index-price", { symbol: "BTCUSDT", price: "50000.0" });
  const keys: KeyPair[] = [];
  const ids: number[] = [];
  for (const name of ["maker", "taker"]) {
    const id = Number(obj((await admin.post("/api/v1/admin/users", { name })).body).userId);
    const k = obj((await admin.post("/api/v1/admin/api-keys", { userId: id })).body);
    await admin.post("/api/v1/admin/deposits", {
      userId: id,
      asset: "USDT",
      amount: "100000",
      txId: `d-${name}`,
    });
    ids.push(id);
    keys.push({ apiKey: String(k.apiKey), apiSecret: String(k.apiSecret) });
  }
  const maker = rest.as(keys[0]!);
  const taker = rest.as(keys[1]!);

  const port = ex.stream!.port;
  const market = await TestClient.connect(port);
  const userWs = await TestClient.connect(port);
  clients.push(market, userWs);
  const follower = new DepthFollower("depth:BTCUSDT", "snapshot");
  market.ws.on("message", (raw) => {
    const m = JSON.parse(String(raw)) as Msg;
    if (m.channel === "depth:BTCUSDT") follower.onMessage(m);
  });
  market.send({ op: "subscribe", channels: ["depth:BTCUSDT"] });
  userWs.send(signStreamAuth(keys[0]!.apiKey, keys[0]!.apiSecret, Date.now()));
  const authed = await userWs.take((m) => m.op === "auth");
  assert.equal(authed.result, "ok", JSON.stringify(authed));
  userWs.send({ op: "subscribe", channels: ["user"] });
  await userWs.take((m) => m.op === "subscribe");

  // the maker quotes a ladder; the taker sweeps part of it; the maker cancels one level
  const makerOrders: string[] = [];
  for (let i = 0; i < 6; i++) {
    const side = i % 2 === 0 ? "SELL" : "BUY";
    const price = side === "SELL" ? 50_010 + i * 10 : 49_990 - i * 10;
    const r = await maker.post("/api/v1/order?wait=true", {
      symbol: "BTCUSDT",
      side,
      type: "LIMIT",
      quantity: "0.050",
      price: `${price}.0`,
    });
    assert.equal(obj(r.body).status, "NEW", JSON.stringify(r.body));
    makerOrders.push(String(obj(r.body).orderId));
  }
  const take = await taker.post("/api/v1/order?wait=true", {
    symbol: "BTCUSDT",
    side: "BUY",
    type: "LIMIT",
    quantity: "0.070",
    price: "50030.0",
    timeInForce: "IOC",
  });
  assert.equal(obj(take.body).executedQty, "0.070");
  const takerOrderId = String(obj(take.body).orderId);
  const del = await maker.del(`/api/v1/order?symbol=BTCUSDT&orderId=${makerOrders[1]}&wait=true`);
  assert.equal(del.status, 200, JSON.stringify(del.body));

  // wait until the follower has caught up with the REST snapshot's update id
  const depth = obj((await rest.get("/api/v1/depth?symbol=BTCUSDT&limit=100")).body);
  const deadline = Date.now() + 5000;
  while (follower.lastU < Number(depth.lastUpdateId) && Date.now() < deadline)
    await new Promise((r) => setTimeout(r, 20));
  assert.equal(follower.lastU, Number(depth.lastUpdateId));
  assert.deepEqual(follower.bids.top(100), depth.bids);
  assert.deepEqual(follower.asks.top(100), depth.asks);
  assert.equal(follower.chainBreaks, 0);
  assert.equal(follower.checksumBad, 0);
  assert.ok(follower.checksumsOk >= 8, `checksums checked: ${follower.checksumsOk}`);

  // the maker's user channel: its own orders (new, fills, cancel), never the taker's order
  await new Promise((r) => setTimeout(r, 100));
  const seen = userWs.inbox.filter((m: Msg) => m.e === "order").map((m) => String(m.orderId));
  for (const id of makerOrders) assert.ok(seen.includes(id), `maker order ${id} on the user channel`);
  assert.ok(!seen.includes(takerOrderId), "the taker's order never reaches the maker's channel");
  const fills = arr(userWs.inbox.filter((m: Msg) => m.e === "order" && m.status === "FILLED"));
  assert.ok(fills.length >= 1);
});

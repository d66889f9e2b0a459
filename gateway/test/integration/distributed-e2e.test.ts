// Issue 7 acceptance: the distributed deployment end to end in one test process, on the real services
// with a random Kafka topic prefix, a throw-away MySQL database and a Redis key prefix:
//   engine (openDistributedEngine: Kafka recorded sequence → sequencer → runner → Kafka event log)
//   savers + notifier (read-side.ts, as run.ts starts them)
//   gateway (launchDistributed, port 0) driven over real HTTP with signed requests.
// Checked: rows in MySQL with hand-computed numbers, Redis keys/TTLs, a pub/sub notification, solvency;
// an engine restart from its snapshot + Kafka replay (same state hash, nothing duplicated downstream); a
// saver group reset (nothing duplicated); a gateway whose Kafka is unreachable answers 503.
import assert from "node:assert/strict";
import { after, before, test } from "node:test";
import { makeKafka } from "@perpx/engine/log/kafka/client";
import { resetGroup } from "@perpx/engine/log/kafka/ops";
import type { RowDataPacket } from "mysql2/promise";
import { makeConfig } from "../../src/config.js";
import { launchDistributed } from "../../src/distributed/launch.js";
import { TTL_SECONDS } from "../../src/persistence/redis-keys.js";
import { arr, type KeyPair, obj, RestClient } from "../embedded/client.js";
import { DistributedStack, SAVER_GROUPS } from "./distributed-stack.js";
import { eventually } from "./read-side-env.js";

const ADMIN: KeyPair = { apiKey: "dist-admin-key-0001", apiSecret: "dist-admin-secret-0123456789abcdef" };

let st: DistributedStack;
let rest: RestClient;

// shared between the tests (they run in order)
let alice: { id: number; key: KeyPair };
let bob: { id: number; key: KeyPair };

async function rows(sql: string, args: unknown[] = []): Promise<RowDataPacket[]> {
  const [r] = await st.my.pool.query<RowDataPacket[]>(sql, args);
  return r;
}

async function counts(): Promise<Record<string, number>> {
  const out: Record<string, number> = {};
  for (const t of ["users", "accounts", "orders", "trades", "positions", "transactions"]) {
    out[t] = Number((await rows(`SELECT COUNT(*) AS n FROM ${t}`))[0]?.n);
  }
  return out;
}

before(async () => {
  st = await DistributedStack.start({ tag: "dist", admin: ADMIN });
  assert.equal(st.gw?.caughtUp, true);
  rest = st.rest;
});

after(async () => {
  await st?.close();
});

test("admin sets up two users who trade through Kafka; MySQL rows, Redis keys and pub/sub match", async () => {
  const admin = rest.as(ADMIN);
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
  [alice, bob] = users as [typeof alice, typeof bob];

  // bob's private channel, before he trades
  const notes: Record<string, unknown>[] = [];
  await st.sub.subscribe(st.keys.userChannel(bob.id));
  st.sub.on("message", (_ch: string, msg: string) => notes.push(JSON.parse(msg) as Record<string, unknown>));

  const a = rest.as(alice.key);
  const b = rest.as(bob.key);
  r = await a.post("/api/v1/order?wait=true", {
    symbol: "BTCUSDT",
    side: "SELL",
    type: "LIMIT",
    quantity: "0.100",
    price: "50000.0",
    clientOrderId: "a-1",
  });
  assert.equal(r.status, 200, JSON.stringify(r.body));
  assert.equal(obj(r.body).status, "NEW");
  const aliceOrderId = Number(obj(r.body).orderId);

  r = await b.post("/api/v1/order?wait=true", {
    symbol: "BTCUSDT",
    side: "BUY",
    type: "LIMIT",
    quantity: "0.100",
    price: "50000.0",
    timeInForce: "IOC",
    clientOrderId: "b-1",
  });
  assert.equal(r.status, 200, JSON.stringify(r.body));
  assert.equal(obj(r.body).status, "FILLED");
  const bobOrderId = Number(obj(r.body).orderId);

  // a command without an order view waits through ticket → seq (leverage change, ?wait default)
  r = await b.post("/api/v1/leverage?wait=true", { symbol: "BTCUSDT", leverage: 10 });
  assert.equal(r.status, 200, JSON.stringify(r.body));
  assert.equal(obj(r.body).status, "APPLIED", JSON.stringify(r.body));

  // gateway read model (in-process projection of matching_engine_output)
  r = await b.get("/api/v1/account");
  assert.equal(arr(obj(r.body).assets).find((x) => x.asset === "USDT")!.walletBalance, "9997.500000");
  r = await admin.get("/api/v1/admin/solvency");
  assert.equal(obj(r.body).difference, "0.000000", JSON.stringify(r.body));
  assert.equal(obj(r.body).feeAccount, "3.500000", JSON.stringify(r.body));

  // alice leaves a resting order (an open-order key in Redis)
  r = await a.post("/api/v1/order?wait=true", {
    symbol: "BTCUSDT",
    side: "SELL",
    type: "LIMIT",
    quantity: "0.010",
    price: "51000.0",
    clientOrderId: "a-2",
  });
  assert.equal(obj(r.body).status, "NEW", JSON.stringify(r.body));
  const restingId = Number(obj(r.body).orderId);

  await st.readSideCaughtUp();

  // MySQL: notional 0.1 × 50 000 = 5 000 USDT; taker fee 2.5, maker fee 1.0 (micro-USDT integers)
  const orders = await rows("SELECT * FROM orders WHERE order_id IN (?, ?, ?) ORDER BY order_id", [
    aliceOrderId,
    bobOrderId,
    restingId,
  ]);
  const byId = new Map(orders.map((o) => [Number(o.order_id), o]));
  assert.equal(byId.get(aliceOrderId)?.status, "FILLED");
  assert.equal(Number(byId.get(aliceOrderId)?.executed_qty), 100);
  assert.equal(byId.get(bobOrderId)?.status, "FILLED");
  assert.equal(byId.get(bobOrderId)?.client_order_id, "b-1");
  assert.equal(byId.get(restingId)?.status, "NEW");
  assert.equal(Number(byId.get(restingId)?.price), 510_000);

  const trades = await rows("SELECT * FROM trades");
  assert.equal(trades.length, 1);
  const t = trades[0]!;
  assert.equal(Number(t.price), 500_000);
  assert.equal(Number(t.qty), 100);
  assert.equal(Number(t.quote), 5_000_000_000);
  assert.equal(Number(t.buy_user_id), bob.id);
  assert.equal(Number(t.sell_user_id), alice.id);
  assert.equal(t.maker_side, "SELL");
  assert.equal(Number(t.buy_fee), 2_500_000);
  assert.equal(Number(t.sell_fee), 1_000_000);

  const pos = await rows("SELECT * FROM positions WHERE symbol_id = 1 ORDER BY user_id");
  const posOf = new Map(pos.map((p) => [Number(p.user_id), p]));
  assert.equal(Number(posOf.get(bob.id)?.qty), 100);
  assert.equal(Number(posOf.get(alice.id)?.qty), -100);
  assert.equal(Number(posOf.get(bob.id)?.entry_value), 50_000_000);
  assert.equal(posOf.get(bob.id)?.position_id, `${bob.id}-1`);

  const acc = await rows("SELECT * FROM accounts WHERE user_id IN (?, ?)", [alice.id, bob.id]);
  const accOf = new Map(acc.map((x) => [Number(x.user_id), Number(x.wallet_balance)]));
  assert.equal(accOf.get(alice.id), 9_999_000_000);
  assert.equal(accOf.get(bob.id), 9_997_500_000);

  const tx = await rows(
    "SELECT user_id, type, amount FROM transactions WHERE user_id IN (?, ?) AND type IN ('DEPOSIT','COMMISSION') ORDER BY user_id, type",
    [alice.id, bob.id],
  );
  const txs = tx.map((x) => `${Number(x.user_id)}:${String(x.type)}:${Number(x.amount)}`);
  assert.deepEqual(
    txs.sort(),
    [
      `${alice.id}:COMMISSION:-1000000`,
      `${alice.id}:DEPOSIT:10000000000`,
      `${bob.id}:COMMISSION:-2500000`,
      `${bob.id}:DEPOSIT:10000000000`,
    ].sort(),
  );

  // Redis: the seed's key names and TTLs
  const day = TTL_SECONDS.account;
  const ttlIn = async (key: string, max: number) => {
    const ttl = await st.redis.ttl(key);
    assert.ok(ttl > max - 120 && ttl <= max, `${key}: ttl ${ttl}, expected ≈ ${max}`);
  };
  const bobAcc = JSON.parse((await st.redis.get(st.keys.account(bob.id, bob.id))) ?? "null") as Record<
    string,
    unknown
  >;
  assert.equal(bobAcc.crossWalletBalance, "9997.500000");
  await ttlIn(st.keys.account(bob.id, bob.id), day);
  await ttlIn(st.keys.accountAsset(alice.id, "USDT"), day);
  const bobPos = JSON.parse(
    (await st.redis.get(st.keys.position(bob.id, bob.id, `${bob.id}-1`))) ?? "null",
  ) as Record<string, unknown>;
  assert.equal(bobPos.positionAmt, "0.100");
  await ttlIn(st.keys.position(bob.id, bob.id, `${bob.id}-1`), day);
  await ttlIn(st.keys.order(alice.id, restingId), day);
  await ttlIn(st.keys.orderTmp(alice.id, "a-2"), day);
  assert.equal(
    await st.redis.exists(st.keys.order(alice.id, aliceOrderId)),
    0,
    "a filled order is not cached",
  );
  await ttlIn(st.keys.ticker("BTCUSDT"), TTL_SECONDS.ticker);
  await ttlIn(st.keys.orderbook("BTCUSDT"), TTL_SECONDS.orderbook);

  // pub/sub: bob heard about his order and his fill
  await eventually("bob's notifications", 5_000, () => notes.some((n) => n.type === "trade"));
  assert.ok(notes.some((n) => n.type === "order"));
});

test("engine restart from snapshot + Kafka replay: same state hash, nothing duplicated downstream", async () => {
  const admin = rest.as(ADMIN);
  // a snapshot, then more commands after it (replayed from Kafka on restart)
  let r = await admin.post("/api/v1/admin/snapshot", {});
  assert.equal(r.status, 200, JSON.stringify(r.body));
  const snapSeq = Number(obj(r.body).seq);
  assert.ok(snapSeq > 0);
  r = await rest.as(bob.key).post("/api/v1/order?wait=true", {
    symbol: "BTCUSDT",
    side: "BUY",
    type: "LIMIT",
    quantity: "0.020",
    price: "49000.0",
    clientOrderId: "b-2",
  });
  assert.equal(obj(r.body).status, "NEW", JSON.stringify(r.body));
  await st.engine!.runner.flushSnapshots();
  await st.readSideCaughtUp();
  const before = await counts();
  const seq1 = st.engine!.runner.appliedSeq;
  const hash1 = st.engine!.sequencer.stateHash();
  await st.engine!.close();

  st.engine = await st.startEngine();
  const engine = st.engine;
  assert.equal(engine.restoredFrom, snapSeq);
  assert.equal(engine.runner.appliedSeq, seq1);
  assert.equal(engine.sequencer.stateHash(), hash1);
  await engine.events.flush();
  assert.ok(engine.events.stats.dropped > 0, "replayed events were not re-published");
  assert.equal(engine.events.stats.events, 0, "nothing re-published");

  // still live through the same gateway after the restart
  r = await rest.as(bob.key).post("/api/v1/order?wait=true", {
    symbol: "BTCUSDT",
    side: "BUY",
    type: "LIMIT",
    quantity: "0.010",
    price: "48000.0",
    clientOrderId: "b-3",
  });
  assert.equal(obj(r.body).status, "NEW", JSON.stringify(r.body));
  await st.readSideCaughtUp();
  const afterRestart = await counts();
  assert.deepEqual(afterRestart, { ...before, orders: before.orders! + 1 });

  // a saver group reset to the beginning rewrites nothing
  await st.savers!.stop();
  for (const g of SAVER_GROUPS) await resetGroup(st.kf.kafka, st.kf.admin, st.kf.names.group(g), "earliest");
  st.savers = await st.startSavers();
  await st.readSideCaughtUp();
  assert.deepEqual(await counts(), afterRestart);
});

test("a gateway whose Kafka is unreachable answers 503 LOG_UNAVAILABLE and acknowledges nothing", async () => {
  const dead = makeKafka({
    brokers: ["127.0.0.1:1"],
    clientId: "perpx-it-dead",
    retries: 0,
    connectionTimeoutMs: 300,
  });
  // same data dir: the same key store, so bob's key is known
  const down = await launchDistributed({
    config: makeConfig({ dataDir: st.gatewayDir, port: 0, logLevel: "fatal", rateLimit: { enabled: false } }),
    env: st.env,
    kafka: dead,
    names: st.kf.names,
    wsPort: null,
    appendTimeoutMs: 1_500,
    startupTimeoutMs: 1_000,
    onWarning: () => undefined,
  });
  try {
    assert.equal(down.caughtUp, false);
    const c = new RestClient(await down.listen()).as(bob.key);
    const ordersBefore = (await counts()).orders;
    const r = await c.post("/api/v1/order", {
      symbol: "BTCUSDT",
      side: "BUY",
      type: "LIMIT",
      quantity: "0.010",
      price: "47000.0",
      clientOrderId: "b-down",
    });
    assert.equal(r.status, 503, JSON.stringify(r.body));
    assert.equal(obj(r.body).error, "LOG_UNAVAILABLE");
    // nothing reached the engine: the healthy gateway never hears of b-down
    const g = await rest.as(bob.key).get("/api/v1/order?symbol=BTCUSDT&clientOrderId=b-down");
    assert.notEqual(g.status, 200);
    assert.equal((await counts()).orders, ordersBefore);
  } finally {
    await down.close();
  }
});

// The distributed read side on the real services (SPEC §10, §11): a hand-built event stream goes through
// KafkaEventLog to the output topics of a random prefix; the four savers write a throw-away database;
// the notifier writes Redis keys under a random prefix and publishes. Checked: the rows and their
// numbers, the report queries, redelivery (group reset + a re-publishing engine) writes nothing twice,
// a MySQL outage is survived, the Redis keys, TTLs and pub/sub, and a rebuild of the cache from MySQL.
import assert from "node:assert/strict";
import { randomBytes } from "node:crypto";
import { after, before, test } from "node:test";
import { KafkaEventLog } from "@perpx/engine/log/kafka/event-log";
import { groupLag, resetGroup } from "@perpx/engine/log/kafka/ops";
import { OrderStatus, Side } from "@perpx/shared/domain";
import { type EngineEvent, Ev } from "@perpx/shared/events";
import { DEFAULT_INSTRUMENTS } from "@perpx/shared/instruments";
import type { Redis } from "ioredis";
import type { RowDataPacket } from "mysql2/promise";
import { rebuildCache } from "../../src/persistence/cache-rebuild.js";
import { createDbPool, mysqlUrlFromEnv, type Pool } from "../../src/persistence/db.js";
import { Notifier } from "../../src/persistence/notifier.js";
import { createRedis, redisUrlFromEnv } from "../../src/persistence/redis.js";
import { RedisKeys } from "../../src/persistence/redis-keys.js";
import { ReportDb } from "../../src/persistence/report-db.js";
import { createSaver, type Saver, startSavers } from "../../src/persistence/savers/index.js";
import { readCursor } from "../../src/persistence/savers/mysql-saver.js";
import {
  eventually,
  type KafkaEnv,
  kafkaEnv,
  type MysqlEnv,
  mysqlEnv,
  TcpProxy,
  urlWithDb,
} from "./read-side-env.js";
import { EXPECT, scenario, T0, ts } from "./scenario.js";

let my: MysqlEnv;
let kf: KafkaEnv;
let redis: Redis;
let keys: RedisKeys;
let savers: Saver[] = [];
let notifier: Notifier | undefined;
const errors: unknown[] = [];
const retry = { retryInitialMs: 50, retryMaxMs: 300, onError: (e: unknown) => void errors.push(e) };

async function publish(events: EngineEvent[], maxEventsPerMessage = 8): Promise<void> {
  const log = new KafkaEventLog(kf.kafka, kf.names, { maxEventsPerMessage });
  await log.connect();
  await log.publish(events);
  await log.close();
}

async function count(table: string): Promise<number> {
  const [rows] = await my.pool.query<RowDataPacket[]>(`SELECT COUNT(*) AS n FROM ${table}`);
  return Number(rows[0]?.n);
}

async function rows(sql: string, args: unknown[] = []): Promise<RowDataPacket[]> {
  const [r] = await my.pool.query<RowDataPacket[]>(sql, args);
  return r;
}

/** true once every given group has committed up to the end of the topics it reads. */
async function caughtUp(groups: string[]): Promise<boolean> {
  const lag = await groupLag(kf.admin, kf.names, groups);
  const seen = new Set(lag.map((l) => l.group));
  return groups.every((g) => seen.has(g)) && lag.every((l) => l.lag === "0");
}

before(async () => {
  [my, kf] = await Promise.all([mysqlEnv("read"), kafkaEnv("read")]);
  redis = createRedis(redisUrlFromEnv());
  keys = new RedisKeys(`perpx-it:${randomBytes(4).toString("hex")}:`);
  await publish(scenario());
});

after(async () => {
  await Promise.all([...savers.map((s) => s.consumer.stop()), notifier?.stop()]);
  if (redis) {
    const mine = await redis.keys(`${keys.prefix}*`);
    if (mine.length) await redis.del(...mine);
    redis.disconnect();
  }
  await Promise.all([my?.cleanup(), kf?.cleanup()]);
});

test("savers write orders, trades, positions, accounts and transactions with the hand-computed numbers", async () => {
  savers = await startSavers({ kafka: kf.kafka, names: kf.names, pool: my.pool, ...retry });
  await eventually("every saver at seq 14", 15_000, async () => {
    for (const s of savers) if ((await readCursor(my.pool, s.groupId))?.seq !== EXPECT.lastSeq) return false;
    return true;
  });

  const orders = await rows(
    "SELECT order_id, status, executed_qty, cum_quote_units, update_time FROM orders ORDER BY order_id",
  );
  assert.deepEqual(
    orders.map((o) => [Number(o.order_id), o.status, Number(o.executed_qty), Number(o.cum_quote_units)]),
    [
      [1001, "FILLED", 100, 50_000_000],
      [1002, "FILLED", 100, 50_000_000],
      [1003, "CANCELED", 0, 0],
      [1004, "PARTIALLY_FILLED", 50, 24_975_000],
      [1005, "FILLED", 50, 24_975_000],
    ],
  );
  const trades = await rows("SELECT * FROM trades ORDER BY trade_id");
  assert.deepEqual(
    trades.map((t) => [
      Number(t.trade_id),
      t.type,
      Number(t.price),
      Number(t.qty),
      Number(t.quote),
      Number(t.buy_user_id),
      Number(t.sell_user_id),
      t.maker_side,
      Number(t.buy_fee),
      Number(t.sell_fee),
      Number(t.buy_realized_pnl),
      Number(t.sell_realized_pnl),
    ]),
    [
      [1, "NORMAL", 500_000, 100, 5_000_000_000, 1, 2, "SELL", 2_500_000, 1_000_000, 0, 0],
      [2, "NORMAL", 499_500, 50, 2_497_500_000, 2, 1, "BUY", 499_500, 1_248_750, 2_500_000, -2_500_000],
    ],
  );
  const positions = await rows("SELECT * FROM positions ORDER BY user_id");
  assert.deepEqual(
    positions.map((p) => [
      p.position_id,
      Number(p.account_id),
      Number(p.qty),
      Number(p.entry_value),
      Number(p.leverage),
      p.margin_type,
    ]),
    [
      ["1-1", 1, 50, 25_000_000, 10, "CROSSED"],
      ["2-1", 2, -50, 25_000_000, 20, "CROSSED"],
    ],
  );
  const accounts = await rows("SELECT * FROM accounts ORDER BY user_id");
  assert.deepEqual(
    accounts.map((a) => [Number(a.account_id), a.asset, Number(a.wallet_balance), Number(a.seq)]),
    [
      [1, "USDT", EXPECT.wallets[1], 13],
      [2, "USDT", EXPECT.wallets[2], 13],
    ],
  );
  // every wallet is the sum of its transactions; wallets + fees + insurance fund = deposits
  const sums = await rows(
    "SELECT user_id, CAST(SUM(amount) AS CHAR) AS s, COUNT(*) AS n FROM transactions GROUP BY user_id ORDER BY user_id",
  );
  assert.deepEqual(
    sums.map((r) => [Number(r.user_id), Number(r.s), Number(r.n)]),
    [
      [0, EXPECT.insurance, 1],
      [1, EXPECT.wallets[1], 5],
      [2, EXPECT.wallets[2], 5],
    ],
  );
  assert.equal(EXPECT.wallets[1] + EXPECT.wallets[2] + EXPECT.fees + EXPECT.insurance, EXPECT.deposits);
  const tx1 = await rows(
    "SELECT type, amount FROM transactions WHERE user_id = 1 ORDER BY seq, ev_idx, leg, type",
  );
  assert.deepEqual(
    tx1.map((t) => `${t.type}:${t.amount}`),
    [
      "DEPOSIT:10000000000",
      "COMMISSION:-2500000",
      "FUNDING_FEE:-500052",
      "COMMISSION:-1248750",
      "REALIZED_PNL:-2500000",
    ],
  );
  assert.equal(await count("funding_histories"), 2);
  assert.equal(await count("funding_rates"), 1);
  assert.equal(await count("insurance_fund_histories"), 1);
  assert.equal(await count("users"), 2);
  assert.equal(await count("instruments"), 1);
});

test("the report queries answer in wire format", async () => {
  const report = new ReportDb(createDbPool(my.url), []);
  try {
    const t1 = await report.userTrades(1);
    assert.deepEqual(t1, [
      {
        tradeId: "2",
        orderId: "1005",
        symbol: "BTCUSDT",
        side: "SELL",
        price: "49950.0",
        qty: "0.050",
        quoteQty: "2497.500000",
        commission: "1.248750",
        commissionAsset: "USDT",
        realizedPnl: "-2.500000",
        maker: false,
        type: "NORMAL",
        time: ts(13),
      },
      {
        tradeId: "1",
        orderId: "1002",
        symbol: "BTCUSDT",
        side: "BUY",
        price: "50000.0",
        qty: "0.100",
        quoteQty: "5000.000000",
        commission: "2.500000",
        commissionAsset: "USDT",
        realizedPnl: "0.000000",
        maker: false,
        type: "NORMAL",
        time: ts(7),
      },
    ]);
    const o2 = await report.orders(2);
    assert.deepEqual(
      o2.map((o) => [o.orderId, o.status, o.executedQty, o.avgPrice, o.cumQuote]),
      [
        ["1001", "FILLED", "0.100", "50000.00000000", "5000.000000"],
        ["1004", "PARTIALLY_FILLED", "0.050", "49950.00000000", "2497.500000"],
      ],
    );
    assert.deepEqual(
      (await report.openOrders(2)).map((o) => o.orderId),
      ["1004"],
    );
    assert.equal((await report.order(1, { clientOrderId: "c-1003" }))?.status, "CANCELED");
    assert.deepEqual(await report.funding(1), [
      {
        symbol: "BTCUSDT",
        fundingTime: T0,
        fundingRate: "0.00010001",
        positionAmt: "0.100",
        markPrice: "50000.1",
        amount: "-0.500052",
      },
    ]);
    assert.deepEqual(await report.fundingRates(1), [
      { symbol: "BTCUSDT", fundingTime: T0, fundingRate: "0.00010001", markPrice: "50000.1" },
    ]);
    const tx = await report.transactions(2, { type: "REALIZED_PNL" });
    assert.deepEqual(
      tx.map((t) => [t.incomeType, t.income, t.symbol, t.info]),
      [["REALIZED_PNL", "2.500000", "BTCUSDT", "2"]],
    );
    assert.deepEqual(
      (await report.recentTrades(1, 1)).map((t) => [t.tradeId, t.isBuyerMaker]),
      [["2", true]],
    );
    assert.deepEqual(await report.insuranceFund(), {
      asset: "USDT",
      balance: "0.000001",
      updateTime: ts(11),
    });
  } finally {
    await (report as unknown as { db: Pool }).db.end();
  }
});

test("redelivery: groups reset to the beginning and an engine re-publishing write nothing twice", async () => {
  const tables = [
    "orders",
    "trades",
    "positions",
    "accounts",
    "transactions",
    "funding_histories",
    "insurance_fund_histories",
  ];
  const before = await Promise.all(tables.map(count));
  const cursors = await Promise.all(savers.map((s) => readCursor(my.pool, s.groupId)));
  await Promise.all(savers.map((s) => s.consumer.stop()));
  for (const s of savers)
    assert.deepEqual(await resetGroup(kf.kafka, kf.admin, s.groupId, "earliest"), [
      kf.names.topic("matching_engine_output"),
    ]);
  // an engine restarted from a snapshot at seq 6, without resume: seqs 7..14 once more, cut differently
  await publish(
    scenario().filter((e) => e.seq >= 7),
    5,
  );
  savers = await startSavers({ kafka: kf.kafka, names: kf.names, pool: my.pool, ...retry });
  await eventually("savers caught up again", 15_000, () => caughtUp(savers.map((s) => s.groupId)));
  assert.deepEqual(await Promise.all(tables.map(count)), before);
  assert.deepEqual(await Promise.all(savers.map((s) => readCursor(my.pool, s.groupId))), cursors);
  for (const s of savers) {
    assert.equal(s.sink.stats.rows, 0, `${s.name} wrote rows`);
    assert.ok(s.sink.stats.skippedEvents > 0);
  }
});

test("MySQL outage: a saver retries with backoff, then catches up without losing or duplicating", async () => {
  const proxy = new TcpProxy("127.0.0.1", Number(new URL(mysqlUrlFromEnv()).port || 3306));
  await proxy.start();
  const viaProxy = createDbPool(urlWithDb(mysqlUrlFromEnv(), my.db, proxy.port), { connectTimeoutMs: 500 });
  const orders = savers.find((s) => s.name === "matching_engine_saver_orders") as Saver;
  await orders.consumer.stop();
  const saver = createSaver("matching_engine_saver_orders", {
    kafka: kf.kafka,
    names: kf.names,
    pool: viaProxy,
    ...retry,
  });
  savers = [...savers.filter((s) => s !== orders), saver];
  try {
    await saver.consumer.start();
    proxy.down();
    const seq = 15;
    await publish([
      {
        ev: Ev.ORDER,
        seq,
        ts: ts(seq),
        orderId: 1006,
        clientOrderId: "c-1006",
        userId: 1,
        symbolId: 1,
        side: Side.BUY,
        type: 0,
        tif: 0,
        status: OrderStatus.NEW,
        price: 490_000,
        stopPrice: 0,
        origQty: 10,
        executedQty: 0,
        cumQuoteUnits: 0,
        reduceOnly: false,
        closePosition: false,
        workingType: 0,
        stp: 1,
        rejectReason: 0,
        createTime: ts(seq),
      },
      {
        ev: Ev.BOOK,
        seq,
        ts: ts(seq),
        symbolId: 1,
        firstUpdateId: 7,
        lastUpdateId: 7,
        prevUpdateId: 6,
        bids: [[490_000, 10]],
        asks: [],
      },
    ]);
    await eventually("the saver to fail a few times", 10_000, () => saver.consumer.stats.failures >= 3);
    assert.equal((await rows("SELECT order_id FROM orders WHERE order_id = 1006")).length, 0);
    proxy.up();
    await eventually("the saver to catch up", 15_000, () => caughtUp([saver.groupId]));
    assert.equal(await count("orders"), 6);
    assert.deepEqual(await readCursor(my.pool, saver.groupId), { seq: 15, idx: 1 });
  } finally {
    await saver.consumer.stop();
    savers = savers.filter((s) => s !== saver);
    await viaProxy.end().catch(() => undefined);
    await proxy.stop();
  }
});

test("notifier: exact key names and TTLs, closed orders removed, user and market messages published", async () => {
  const sub = redis.duplicate({ enableOfflineQueue: true });
  const messages: [string, Record<string, unknown>][] = [];
  sub.on(
    "pmessage",
    (_p: string, channel: string, msg: string) => void messages.push([channel, JSON.parse(msg)]),
  );
  await sub.psubscribe(`${keys.prefix}user:*`, `${keys.prefix}market:*`);
  try {
    notifier = new Notifier({
      kafka: kf.kafka,
      names: kf.names,
      redis,
      keys,
      instruments: DEFAULT_INSTRUMENTS,
      ...retry,
    });
    await notifier.start();
    const p = keys.prefix;
    // group lag can read 0 for a topic whose offset is not committed yet; the notifier's own cursor
    // keys are written in the same MULTI as the cache, so all three present + lag 0 = caught up
    const cursors = ["matching_engine_output", "orderbook_output", "ticker_engine_output"];
    await eventually("the notifier caught up", 15_000, async () => {
      const have = await Promise.all(cursors.map((t) => redis.exists(`${p}notifier:cursor:${t}`)));
      return have.every((n) => n === 1) && caughtUp([kf.names.group("matching_engine_notifier")]);
    });
    const mine = (await redis.keys(`${p}*`)).map((k) => k.slice(p.length)).sort();
    assert.deepEqual(mine, [
      "accounts:userId_1:accountId_1",
      "accounts:userId_1:asset_USDT",
      "accounts:userId_2:accountId_2",
      "accounts:userId_2:asset_USDT",
      "notifier:cursor:matching_engine_output",
      "notifier:cursor:orderbook_output",
      "notifier:cursor:ticker_engine_output",
      "orderbook:BTCUSDT",
      "orders:userId_1:orderId_1006",
      "orders:userId_1:tmpId_c-1006",
      "orders:userId_2:orderId_1004",
      "orders:userId_2:tmpId_c-1004",
      "positions:userId_1:accountId_1:positionId_1-1",
      "positions:userId_2:accountId_2:positionId_2-1",
      "ticker:BTCUSDT",
    ]);
    const ttl = async (k: string) => redis.ttl(p + k);
    for (const k of [
      "accounts:userId_1:accountId_1",
      "orders:userId_2:tmpId_c-1004",
      "positions:userId_1:accountId_1:positionId_1-1",
    ]) {
      const t = await ttl(k);
      assert.ok(t > 86_300 && t <= 86_400, `${k} ttl ${t}`);
    }
    for (const k of ["ticker:BTCUSDT", "orderbook:BTCUSDT"]) {
      const t = await ttl(k);
      assert.ok(t > 0 && t <= 60, `${k} ttl ${t}`);
    }
    const acc = JSON.parse((await redis.get(`${p}accounts:userId_1:asset_USDT`)) ?? "{}");
    assert.equal(acc.crossWalletBalance, "9993.251198");
    const pos = JSON.parse((await redis.get(`${p}positions:userId_1:accountId_1:positionId_1-1`)) ?? "{}");
    assert.deepEqual([pos.positionAmt, pos.entryPrice, pos.leverage], ["0.050", "50000.00000000", 10]);
    const ord = JSON.parse((await redis.get(`${p}orders:userId_2:orderId_1004`)) ?? "{}");
    assert.deepEqual(
      [ord.status, ord.executedQty, ord.avgPrice],
      ["PARTIALLY_FILLED", "0.050", "49950.00000000"],
    );
    const book = JSON.parse((await redis.get(`${p}orderbook:BTCUSDT`)) ?? "{}");
    assert.deepEqual(
      [book.lastUpdateId, book.bids, book.asks],
      [
        7,
        [
          ["49950.0", "0.050"],
          ["49000.0", "0.010"],
        ],
        [],
      ],
    );
    const ticker = JSON.parse((await redis.get(`${p}ticker:BTCUSDT`)) ?? "{}");
    assert.deepEqual(
      [ticker.lastPrice, ticker.markPrice, ticker.indexPrice],
      ["49950.0", "50000.1", "50000.0"],
    );

    await eventually("pub/sub messages", 5000, () =>
      messages.some(([c]) => c === `${p}market:depth:BTCUSDT`),
    );
    const user1 = messages.filter(([c]) => c === `${p}user:1`).map(([, m]) => m.type);
    assert.ok(
      user1.includes("order") && user1.includes("trade") && user1.includes("funding"),
      user1.join(","),
    );
    const depth = messages.filter(([c]) => c === `${p}market:depth:BTCUSDT`).map(([, m]) => m);
    assert.equal(depth.length, 7);
    assert.deepEqual(depth[0], {
      channel: "depth:BTCUSDT",
      U: 1,
      u: 1,
      pu: 0,
      b: [],
      a: [["50000.0", "0.100"]],
      E: ts(6),
      cs: depth[0]?.cs,
    });
    assert.equal(typeof depth[6]?.cs, "number");
    assert.ok(messages.some(([c]) => c === `${p}market:markPrice:BTCUSDT`));
    assert.equal(messages.filter(([c]) => c === `${p}market:trades:BTCUSDT`).length, 2);
  } finally {
    sub.disconnect();
  }
});

test("Redis flushed: the cache is rebuilt from MySQL with the same values", async () => {
  const p = keys.prefix;
  const cached = (await redis.keys(`${p}*`))
    .filter((k) => /^(accounts|orders|positions):/.test(k.slice(p.length)))
    .sort();
  const values = await Promise.all(cached.map((k) => redis.get(k)));
  await redis.del(...(await redis.keys(`${p}*`))); // only this test's keys
  const got = await rebuildCache(my.pool, redis, DEFAULT_INSTRUMENTS, keys);
  assert.deepEqual(got, { accounts: 2, orders: 2, positions: 2 });
  const rebuilt = (await redis.keys(`${p}*`)).sort();
  assert.deepEqual(rebuilt, cached);
  assert.deepEqual(await Promise.all(rebuilt.map((k) => redis.get(k))), values);
  const t = await redis.ttl(`${p}orders:userId_1:orderId_1006`);
  assert.ok(t > 86_300 && t <= 86_400);
});

test("Redis outage: the notifier retries the same chunk and applies it once Redis is back", async () => {
  await notifier?.stop();
  const proxy = new TcpProxy("127.0.0.1", Number(new URL(redisUrlFromEnv()).port || 6379));
  await proxy.start();
  const viaProxy = createRedis(`redis://127.0.0.1:${proxy.port}`);
  const n = new Notifier({
    kafka: kf.kafka,
    names: kf.names,
    redis: viaProxy,
    keys,
    instruments: DEFAULT_INSTRUMENTS,
    ...retry,
  });
  notifier = n;
  try {
    await n.start();
    proxy.down();
    const seq = 16;
    await publish([
      {
        ev: Ev.ORDER,
        seq,
        ts: ts(seq),
        orderId: 1006,
        clientOrderId: "c-1006",
        userId: 1,
        symbolId: 1,
        side: Side.BUY,
        type: 0,
        tif: 0,
        status: OrderStatus.CANCELED,
        price: 490_000,
        stopPrice: 0,
        origQty: 10,
        executedQty: 0,
        cumQuoteUnits: 0,
        reduceOnly: false,
        closePosition: false,
        workingType: 0,
        stp: 1,
        rejectReason: 0,
        createTime: ts(15),
      },
    ]);
    await eventually("the notifier to fail a few times", 10_000, () => n.consumer.stats.failures >= 3);
    assert.ok(await redis.exists(`${keys.prefix}orders:userId_1:orderId_1006`));
    proxy.up();
    await eventually("the cancelled order to leave the cache", 15_000, async () => {
      return (await redis.exists(`${keys.prefix}orders:userId_1:orderId_1006`)) === 0;
    });
    assert.equal(await redis.exists(`${keys.prefix}orders:userId_1:tmpId_c-1006`), 0);
    assert.equal(await redis.get(`${keys.prefix}notifier:cursor:matching_engine_output`), "16:0");
  } finally {
    await n.stop();
    notifier = undefined;
    viaProxy.disconnect();
    await proxy.stop();
  }
});

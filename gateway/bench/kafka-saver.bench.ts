// Savers benchmark (Markdown on stdout): rows/s from matching_engine_output into MySQL, on throw-away
// topics and a throw-away database (both removed at the end). Bounded: ≈30 s on 2 cores.
// Reproduce: `npx tsc -b && node scripts/bench.mjs kafka` (commands: PERPX_BENCH_SAVER_COMMANDS, default
// 30 000; each command yields an order update, a trade, two positions and two balances).
// Each saver runs alone first (its own rows/s), then the four together (what the database absorbs).
import { randomBytes } from "node:crypto";
import { cpus } from "node:os";
import { brokersFromEnv, makeKafka } from "@perpx/engine/log/kafka/client";
import { KafkaEventLog } from "@perpx/engine/log/kafka/event-log";
import { resetGroup } from "@perpx/engine/log/kafka/ops";
import { deleteTopics, ensureTopics, KafkaNames } from "@perpx/engine/log/kafka/topics";
import { type EngineEvent, Ev } from "@perpx/shared/events";
import {
  createDbPool,
  dropDatabase,
  ensureDatabase,
  mysqlUrlFromEnv,
  type PoolConnection,
} from "../src/persistence/db.js";
import { migrate } from "../src/persistence/migrator.js";
import { createSaver, SAVER_NAMES, type Saver } from "../src/persistence/savers/index.js";

const COMMANDS = Number(process.env.PERPX_BENCH_SAVER_COMMANDS ?? 30_000);
const lines: string[] = [];
const out = (s = "") => lines.push(s);
const progress = (s: string) => process.stderr.write(`[saver bench] ${s}\n`);
const fmt = (n: number, d = 0) =>
  n.toLocaleString("en-US", { maximumFractionDigits: d, minimumFractionDigits: d });

function eventsOf(seq: number): EngineEvent[] {
  const ts = 1_764_000_000_000 + seq;
  const u1 = 1 + (seq % 5000);
  const u2 = 1 + ((seq * 7) % 5000);
  const pos = (userId: number, qty: number): EngineEvent => ({
    ev: Ev.POSITION,
    seq,
    ts,
    userId,
    symbolId: 1,
    qty,
    entryValue: 50_000_000,
    marginType: 0,
    leverage: 20,
    isolatedWallet: 0,
    reason: 0,
  });
  return [
    {
      ev: Ev.ORDER,
      seq,
      ts,
      orderId: 10_000_000 + seq,
      clientOrderId: `bench-${seq}`,
      userId: u1,
      symbolId: 1,
      side: 0,
      type: 0,
      tif: 0,
      status: 2,
      price: 500_000 + (seq % 100),
      stopPrice: 0,
      origQty: 100,
      executedQty: 100,
      cumQuoteUnits: 50_000_000,
      reduceOnly: false,
      closePosition: false,
      workingType: 0,
      stp: 1,
      rejectReason: 0,
      createTime: ts,
    },
    {
      ev: Ev.TRADE,
      seq,
      ts,
      tradeId: seq,
      symbolId: 1,
      type: 0,
      price: 500_000,
      qty: 100,
      quote: 5_000_000_000,
      buyOrderId: 10_000_000 + seq,
      sellOrderId: 9_000_000 + seq,
      buyUserId: u1,
      sellUserId: u2,
      makerSide: 1,
      buyFee: 2_500_000,
      sellFee: 1_000_000,
      buyRealizedPnl: 0,
      sellRealizedPnl: 0,
    },
    pos(u1, 100),
    pos(u2, -100),
    { ev: Ev.BALANCE, seq, ts, userId: u1, wallet: 9_997_500_000, delta: -2_500_000, reason: 0 },
    { ev: Ev.BALANCE, seq, ts, userId: u2, wallet: 9_999_000_000, delta: -1_000_000, reason: 0 },
  ];
}

/** set once the throw-away resources exist, for the time-limit guard */
let cleanup: (() => Promise<void>) | undefined;

async function main(): Promise<void> {
  const kafka = makeKafka({ brokers: brokersFromEnv(), clientId: "perpx-bench-saver" });
  const admin = kafka.admin();
  await admin.connect();
  const names = new KafkaNames(`bench-${randomBytes(4).toString("hex")}.`);
  await ensureTopics(admin, names, 1);
  const base = new URL(mysqlUrlFromEnv());
  base.pathname = `/perpx_bench_${randomBytes(4).toString("hex")}`;
  const url = base.toString();
  cleanup = async () => {
    await deleteTopics(admin, names).catch(() => undefined);
    await dropDatabase(url).catch(() => undefined);
  };
  await ensureDatabase(url);
  const pool = createDbPool(url, { connectionLimit: 8 });
  try {
    const conn: PoolConnection = await pool.getConnection();
    await migrate(conn);
    conn.release();

    const events: EngineEvent[] = [];
    for (let s = 1; s <= COMMANDS; s++) events.push(...eventsOf(s));
    const log = new KafkaEventLog(kafka, names);
    await log.connect();
    await log.publish(events);
    await log.close();
    progress(`published ${fmt(events.length)} events`);

    out("## Savers: matching_engine_output → MySQL (gateway/src/persistence/savers)");
    out();
    out(
      `Node ${process.version}, ${cpus().length} cores, MySQL ${await pool.query("SELECT VERSION() AS v").then(([r]) => String((r as { v: string }[])[0]?.v))}, Kafka one broker. ${fmt(COMMANDS)} commands = ${fmt(events.length)} events (order, trade, 2 positions, 2 balances each); one transaction per chunk of ≤ 5000 events, rows in multi-row upserts of ≤ 1000, cursor in the same transaction.`,
    );
    out();
    out("| saver | rows written | time | rows/s | events/s |");
    out("|---|---|---|---|---|");

    const run = async (which: readonly (typeof SAVER_NAMES)[number][], label: string) => {
      const savers: Saver[] = which.map((n) => createSaver(n, { kafka, names, pool }));
      const t0 = performance.now();
      await Promise.all(savers.map((s) => s.consumer.start()));
      await Promise.all(
        savers.map((s) => s.consumer.waitForPosition("matching_engine_output", COMMANDS, 5, 90_000)),
      );
      const ms = performance.now() - t0;
      const rows = savers.reduce((n, s) => n + s.sink.stats.rows, 0);
      out(
        `| ${label} | ${fmt(rows)} | ${fmt(ms)} ms | **${fmt(rows / (ms / 1000))}** | ${fmt((events.length * savers.length) / (ms / 1000))} |`,
      );
      await Promise.all(savers.map((s) => s.consumer.stop()));
      progress(`${label} done`);
    };
    for (const n of SAVER_NAMES) await run([n], n);
    // again from the beginning, all four at once, into emptied tables
    for (const t of [
      "orders",
      "trades",
      "positions",
      "accounts",
      "users",
      "transactions",
      "applied_sequences",
    ])
      await pool.query(`DELETE FROM ${t}`);
    for (const n of SAVER_NAMES) await resetGroup(kafka, admin, names.group(n), "earliest");
    await run(SAVER_NAMES, "all four together");
    out();
    out(
      "Rows: orders and trades one per event; positions and accounts are upserts of the latest state per key within a chunk (5000 users), so fewer rows than events; accounts also writes two COMMISSION transactions per trade.",
    );
    out();
    out(
      "Reproduce: `npx tsc -b && node scripts/bench.mjs kafka` (needs `make up`; env MYSQL_URL, KAFKA_BROKERS).",
    );
  } finally {
    await pool.end().catch(() => undefined);
    await dropDatabase(url).catch(() => undefined);
    await deleteTopics(admin, names).catch(() => undefined);
    const groups = (await admin.listGroups()).groups
      .map((g) => g.groupId)
      .filter((g) => g.startsWith(names.prefix));
    if (groups.length) await admin.deleteGroups(groups).catch(() => undefined);
    await admin.disconnect();
  }
  process.stdout.write(`${lines.join("\n")}\n`);
}

const guard = setTimeout(() => {
  process.stderr.write("saver bench: time limit (150 s) reached\n");
  // best effort: remove the throw-away topics and database before leaving
  void Promise.race([cleanup?.(), new Promise((r) => setTimeout(r, 5000))]).finally(() => process.exit(1));
}, 150_000);
guard.unref();
await main();

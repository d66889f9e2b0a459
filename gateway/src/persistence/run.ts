// Entry point of the read-side processes (SPEC §1: savers ×N, notifier), configured from env:
//   node gateway/dist/src/persistence/run.js savers     the four MySQL savers (applies migrations first)
//   node gateway/dist/src/persistence/run.js notifier   the Redis cache writer and pub/sub notifier
//   node gateway/dist/src/persistence/run.js all        both in one process
// Env: KAFKA_BROKERS, KAFKA_TOPIC_PREFIX, MYSQL_URL, REDIS_URL. SIGINT/SIGTERM stop consuming cleanly
// (the last chunk is either committed with its cursor or redelivered).
import { brokersFromEnv, makeKafka } from "@perpx/engine/log/kafka/client";
import { KafkaNames } from "@perpx/engine/log/kafka/topics";
import { DEFAULT_INSTRUMENTS } from "@perpx/shared/instruments";
import { createDbPool, ensureDatabase, mysqlUrlFromEnv } from "./db.js";
import { migrate } from "./migrator.js";
import { Notifier } from "./notifier.js";
import { createRedis, redisUrlFromEnv } from "./redis.js";
import { loadInstruments } from "./report-db.js";
import { startSavers } from "./savers/index.js";

const what = process.argv[2] ?? "all";
if (!["savers", "notifier", "all"].includes(what)) {
  console.error("usage: run.js savers | notifier | all");
  process.exit(2);
}
const log = (msg: string) => console.log(`[read-side] ${msg}`);
const onError = (e: unknown, attempt: number) =>
  console.error(
    `[read-side] ${attempt > 0 ? `attempt ${attempt}: ` : ""}${(e as Error).message ?? String(e)}`,
  );

const kafka = makeKafka({ brokers: brokersFromEnv(), clientId: `perpx-read-side-${what}` });
const names = new KafkaNames(process.env.KAFKA_TOPIC_PREFIX ?? "");
const stops: (() => Promise<void>)[] = [];

if (what !== "notifier") {
  const url = mysqlUrlFromEnv();
  await ensureDatabase(url);
  const pool = createDbPool(url, { connectionLimit: 8 });
  const conn = await pool.getConnection();
  const m = await migrate(conn);
  conn.release();
  log(`MySQL schema version ${m.current}`);
  const savers = await startSavers({ kafka, names, pool, onError });
  log(`savers running: ${savers.map((s) => s.groupId).join(", ")}`);
  stops.push(async () => {
    await Promise.all(savers.map((s) => s.consumer.stop()));
    await pool.end();
  });
}
if (what !== "savers") {
  // instruments listed after the defaults: from MySQL when reachable (their INSTRUMENT events may have
  // left the 7-day output topic); the notifier also learns them from new INSTRUMENT events
  const instruments = new Map(DEFAULT_INSTRUMENTS.map((i) => [i.symbolId, i]));
  const pool = createDbPool(mysqlUrlFromEnv(), { connectionLimit: 1 });
  try {
    for (const i of await loadInstruments(pool)) instruments.set(i.symbolId, i);
  } catch (e) {
    log(`instruments from MySQL not loaded (${(e as Error).message}); using the defaults`);
  } finally {
    await pool.end();
  }
  const redis = createRedis(redisUrlFromEnv(), (e) => onError(e, 0));
  const notifier = new Notifier({ kafka, names, redis, instruments: [...instruments.values()], onError });
  await notifier.start();
  log(`notifier running: ${names.group("matching_engine_notifier")}`);
  stops.push(async () => {
    await notifier.stop();
    redis.disconnect();
  });
}

const stop = async (signal: string) => {
  log(`${signal}: stopping`);
  await Promise.all(stops.map((s) => s()));
  process.exit(0);
};
process.once("SIGINT", () => void stop("SIGINT"));
process.once("SIGTERM", () => void stop("SIGTERM"));

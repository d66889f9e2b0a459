// Entry point of the read-side processes (SPEC §1: savers ×N, notifier), configured from env:
//   node gateway/dist/src/persistence/run.js savers     the four MySQL savers (applies migrations first)
//   node gateway/dist/src/persistence/run.js notifier   the Redis cache writer and pub/sub notifier
//   node gateway/dist/src/persistence/run.js all        both in one process
// Env: KAFKA_BROKERS, KAFKA_TOPIC_PREFIX, MYSQL_URL, REDIS_URL. SIGINT/SIGTERM stop consuming cleanly
// (the last chunk is either committed with its cursor or redelivered). The work is in read-side.ts.
import { brokersFromEnv, makeKafka } from "@perpx/engine/log/kafka/client";
import { KafkaNames } from "@perpx/engine/log/kafka/topics";
import { mysqlUrlFromEnv } from "./db.js";
import { runNotifier, runSavers } from "./read-side.js";
import { createRedis, redisUrlFromEnv } from "./redis.js";

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
  const s = await runSavers({ kafka, names, mysqlUrl: mysqlUrlFromEnv(), onError });
  log(`MySQL schema version ${s.schema}`);
  log(`savers running: ${s.savers.map((x) => x.groupId).join(", ")}`);
  stops.push(s.stop);
}
if (what !== "savers") {
  const redis = createRedis(redisUrlFromEnv(), (e) => onError(e, 0));
  const n = await runNotifier({ kafka, names, redis, mysqlUrl: mysqlUrlFromEnv(), onError, log });
  log(`notifier running: ${names.group("matching_engine_notifier")}`);
  stops.push(async () => {
    await n.stop();
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

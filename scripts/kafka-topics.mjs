#!/usr/bin/env node
// Kafka topic operations of the distributed mode (SPEC §10, docs/DISTRIBUTED.md). Needs `make build`.
//   node scripts/kafka-topics.mjs create              create the missing topics (inputs, sequence, outputs)
//   node scripts/kafka-topics.mjs describe            partitions, low/high offsets and retention per topic
//   node scripts/kafka-topics.mjs lag [group ...]     committed offset and lag of the consumer groups
//   node scripts/kafka-topics.mjs reset <group> [--to earliest|latest]
//                                                     move a STOPPED group (e.g. matching_engine_saver_orders)
// Env: KAFKA_BROKERS (127.0.0.1:9092), KAFKA_TOPIC_PREFIX (""), KAFKA_REPLICATION (1).
import { brokersFromEnv, makeKafka } from "../engine/dist/src/log/kafka/client.js";
import { describeTopics, groupLag, resetGroup } from "../engine/dist/src/log/kafka/ops.js";
import {
  CONSUMER_GROUPS,
  ensureTopics,
  KafkaNames,
  TOPIC_SPECS,
} from "../engine/dist/src/log/kafka/topics.js";

const [cmd, ...args] = process.argv.slice(2);
const names = new KafkaNames(process.env.KAFKA_TOPIC_PREFIX ?? "");
const replication = Number(process.env.KAFKA_REPLICATION ?? 1);
const kafka = makeKafka({ brokers: brokersFromEnv(), clientId: "perpx-topics" });
const admin = kafka.admin();

function table(rows) {
  if (rows.length === 0) return console.log("(none)");
  const cols = Object.keys(rows[0]);
  const w = cols.map((c) => Math.max(c.length, ...rows.map((r) => String(r[c]).length)));
  const line = (vals) => vals.map((v, i) => String(v).padEnd(w[i])).join("  ");
  console.log(line(cols));
  for (const r of rows) console.log(line(cols.map((c) => r[c])));
}

const group = (g) => (CONSUMER_GROUPS.includes(g) ? names.group(g) : g);

try {
  await admin.connect();
  switch (cmd) {
    case "create": {
      const made = await ensureTopics(admin, names, replication);
      console.log(made.length ? `created: ${made.join(", ")}` : "all topics exist");
      table(
        TOPIC_SPECS.map((s) => ({
          topic: names.topic(s.topic),
          partitions: s.partitions,
          "retention.ms": s.retentionMs,
          why: s.why,
        })),
      );
      break;
    }
    case "describe":
      table(await describeTopics(admin, names));
      break;
    case "lag":
      table(await groupLag(admin, names, args.length ? args.map(group) : undefined));
      break;
    case "reset": {
      const g = args[0];
      if (!g) throw new Error("reset needs a group name");
      const i = args.indexOf("--to");
      const to = i >= 0 ? args[i + 1] : "earliest";
      if (to !== "earliest" && to !== "latest") throw new Error("--to earliest|latest");
      const moved = await resetGroup(kafka, admin, group(g), to);
      console.log(
        moved.length
          ? `${group(g)} moved to ${to} on ${moved.join(", ")}`
          : `${group(g)} has no committed offsets`,
      );
      break;
    }
    default:
      console.error(
        "usage: kafka-topics.mjs create | describe | lag [group ...] | reset <group> [--to earliest|latest]",
      );
      process.exitCode = 2;
  }
} catch (e) {
  console.error(`kafka-topics: ${e.message}`);
  process.exitCode = 1;
} finally {
  await admin.disconnect();
}

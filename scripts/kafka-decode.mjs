#!/usr/bin/env node
// Prints the messages of one of our topics readably (SPEC §10: a CLI decodes any topic). Needs `make build`.
//   node scripts/kafka-decode.mjs <topic> [--from-beginning] [--max N] [--follow] [--raw]
// <topic> is a logical name (matching_engine_output, save_order_from_client_v2, matching_engine_sequence…)
// with KAFKA_TOPIC_PREFIX applied, or a full topic name. Without --follow it stops at the end offset seen
// at start (so without --from-beginning it prints nothing unless --follow); --raw prints the JSON as stored.
// Env: KAFKA_BROKERS (127.0.0.1:9092), KAFKA_TOPIC_PREFIX ("").
import { brokersFromEnv, makeKafka } from "../engine/dist/src/log/kafka/client.js";
import { decodeForDisplay } from "../engine/dist/src/log/kafka/decode.js";
import { readMessages } from "../engine/dist/src/log/kafka/ops.js";
import { ALL_TOPICS, KafkaNames } from "../engine/dist/src/log/kafka/topics.js";

const args = process.argv.slice(2);
const topicArg = args.find((a) => !a.startsWith("--") && args[args.indexOf(a) - 1] !== "--max");
if (!topicArg) {
  console.error("usage: kafka-decode.mjs <topic> [--from-beginning] [--max N] [--follow] [--raw]");
  process.exit(2);
}
const names = new KafkaNames(process.env.KAFKA_TOPIC_PREFIX ?? "");
const physical = ALL_TOPICS.includes(topicArg) ? names.topic(topicArg) : topicArg;
const logical = names.logical(physical) ?? ALL_TOPICS.find((t) => physical.endsWith(t));
if (!logical) {
  console.error(`kafka-decode: ${topicArg} is not one of: ${ALL_TOPICS.join(", ")}`);
  process.exit(2);
}
const maxAt = args.indexOf("--max");
const max = maxAt >= 0 ? Number(args[maxAt + 1]) : undefined;
const raw = args.includes("--raw");
const kafka = makeKafka({ brokers: brokersFromEnv(), clientId: "perpx-decode" });

let stop = false;
process.once("SIGINT", () => {
  stop = true;
  process.exit(0);
});
const n = await readMessages(
  kafka,
  physical,
  (m) => {
    if (stop) return;
    const head = `# ${physical} offset=${m.offset} time=${new Date(Number(m.timestamp)).toISOString()} bytes=${m.value?.length ?? 0}`;
    let body;
    try {
      body = raw ? (m.value?.toString() ?? "null") : JSON.stringify(decodeForDisplay(logical, m.value));
    } catch (e) {
      body = `!! undecodable (${e.message}): ${m.value?.toString().slice(0, 200)}`;
    }
    console.log(`${head}\n${body}`);
  },
  { fromBeginning: args.includes("--from-beginning"), max, follow: args.includes("--follow"), timeoutMs: 0 },
);
console.error(`(${n} message${n === 1 ? "" : "s"})`);

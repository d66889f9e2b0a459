// `make run-engine`: the engine process of the distributed deployment (distributed-engine.ts).
// Env: KAFKA_BROKERS (127.0.0.1:9092), KAFKA_TOPIC_PREFIX (""), DATA_DIR (./data; snapshots in
// DATA_DIR/snapshots), ENGINE_SCHEDULERS (on|off, default on: run funding + mark samples here — exactly
// one engine of a deployment may), MARK_SAMPLE_MS (5000), SNAPSHOT_EVERY (100000).
// The topics must exist (`make kafka-topics`): the broker does not auto-create them.
import { DEFAULT_INSTRUMENTS } from "@perpx/shared/instruments";
import { brokersFromEnv, makeKafka } from "../log/kafka/client.js";
import { KafkaNames } from "../log/kafka/topics.js";
import { OrderBook } from "../matcher/order-book.js";
import { openDistributedEngine } from "../runtime/distributed-engine.js";

async function main(): Promise<void> {
  const env = process.env;
  const t0 = Date.now();
  const kafka = makeKafka({ brokers: brokersFromEnv(env), clientId: "perpx-engine" });
  const names = new KafkaNames(env.KAFKA_TOPIC_PREFIX ?? "");
  let stopping = false;
  const engine = await openDistributedEngine({
    kafka,
    names,
    dataDir: env.DATA_DIR ?? "./data",
    bookFactory: (symbolId) => new OrderBook(symbolId),
    initialInstruments: DEFAULT_INSTRUMENTS,
    schedulers: (env.ENGINE_SCHEDULERS ?? "on") !== "off",
    markSampleMs: Number(env.MARK_SAMPLE_MS ?? 5000),
    snapshotEvery: Number(env.SNAPSHOT_EVERY ?? 100_000),
    onWarning: (m) => console.warn(`[engine] ${m}`),
    onFatal: (e) => {
      console.error("[engine] fatal: the engine stopped applying commands", e);
      process.exitCode = 1;
      void stop("engine-fatal");
    },
  });
  async function stop(signal: string): Promise<void> {
    if (stopping) return;
    stopping = true;
    console.log(`[engine] ${signal}: stopping`);
    await engine.close();
    process.exit(process.exitCode ?? 0);
  }
  process.once("SIGINT", () => void stop("SIGINT"));
  process.once("SIGTERM", () => void stop("SIGTERM"));
  console.log(
    `[engine] up in ${Date.now() - t0} ms: snapshot seq ${engine.restoredFrom}, replayed ${engine.replayed} commands, ` +
      `now at seq ${engine.runner.appliedSeq} (topic prefix "${names.prefix}")`,
  );
}

main().catch((e: unknown) => {
  console.error("[engine] failed to start:", e);
  process.exit(1);
});

// Proves the real Kafka broker is reached (SPEC §10): create a topic, produce, consume in a consumer
// group and commit the offset. Topic and group names carry a random prefix so runs never collide.
import assert from "node:assert/strict";
import { randomBytes } from "node:crypto";
import { after, before, test } from "node:test";
import { type Admin, Kafka, logLevel } from "kafkajs";

const brokers = (process.env.KAFKA_BROKERS ?? "127.0.0.1:9092").split(",");
const prefix = `it-${randomBytes(4).toString("hex")}`;
const topic = `${prefix}.matching_engine_input`;
const group = `${prefix}.group`;
const kafka = new Kafka({
  clientId: "perpx-it",
  brokers,
  logLevel: logLevel.NOTHING,
  connectionTimeout: 3000,
  retry: { retries: 2, initialRetryTime: 200 },
});
let admin: Admin;

before(async () => {
  admin = kafka.admin();
  try {
    await admin.connect();
  } catch (e) {
    throw new Error(`Kafka not reachable at ${brokers.join(",")} (${(e as Error).message}); run \`make up\``);
  }
});

after(async () => {
  if (!admin) return;
  await admin.deleteTopics({ topics: [topic] }).catch(() => undefined);
  await admin.disconnect();
});

test("kafkajs creates a topic, produces, consumes in a group and commits the offset", async () => {
  assert.equal(
    await admin.createTopics({
      topics: [{ topic, numPartitions: 1, replicationFactor: 1 }],
      waitForLeaders: true,
    }),
    true,
  );
  const producer = kafka.producer({
    allowAutoTopicCreation: false,
    idempotent: true,
    maxInFlightRequests: 1,
  });
  await producer.connect();
  const sent = await producer.send({
    topic,
    acks: -1,
    messages: [{ key: "BTCUSDT", value: "cmd-1" }, { value: "cmd-2" }],
  });
  await producer.disconnect();
  assert.equal(sent[0]?.errorCode, 0);

  const consumer = kafka.consumer({ groupId: group, sessionTimeout: 10_000, heartbeatInterval: 1000 });
  await consumer.connect();
  await consumer.subscribe({ topic, fromBeginning: true });
  const got: string[] = [];
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error("no messages consumed within 20 s")), 20_000);
    void consumer.run({
      autoCommit: false,
      eachMessage: async ({ message, partition }) => {
        got.push(message.value?.toString() ?? "");
        await consumer.commitOffsets([
          { topic, partition, offset: (BigInt(message.offset) + 1n).toString() },
        ]);
        if (got.length === 2) {
          clearTimeout(timer);
          resolve();
        }
      },
    });
  });
  await consumer.stop();
  await consumer.disconnect();
  assert.deepEqual(got, ["cmd-1", "cmd-2"]);
  const offsets = await admin.fetchOffsets({ groupId: group, topics: [topic] });
  assert.equal(offsets[0]?.partitions[0]?.offset, "2");
  await admin.deleteGroups([group]).catch(() => undefined);
});

// A throw-away set of the deployment's topics under a random prefix: created on open, deleted with the
// consumer groups named under that prefix on cleanup. The integration tests, the benchmarks and the
// make-targets check use it so parallel runs and other engineers never share a topic.
import { randomBytes } from "node:crypto";
import type { Admin, Kafka } from "kafkajs";
import { brokersFromEnv, makeKafka } from "./client.js";
import { deleteTopics, ensureTopics, KafkaNames } from "./topics.js";

export interface ScratchTopics {
  kafka: Kafka;
  admin: Admin;
  names: KafkaNames;
  /** deletes the topics and the consumer groups under the prefix, then disconnects; never throws */
  cleanup(): Promise<void>;
}

/** `tag` names the user (a test file, a bench); the prefix is `it-<tag>-<8 hex>.` */
export async function openScratchTopics(tag: string, brokers = brokersFromEnv()): Promise<ScratchTopics> {
  const kafka = makeKafka({ brokers, clientId: `perpx-it-${tag}` });
  const admin = kafka.admin();
  try {
    await admin.connect();
  } catch (e) {
    throw new Error(`Kafka not reachable at ${brokers.join(",")} (${(e as Error).message}); run \`make up\``);
  }
  const names = new KafkaNames(`it-${tag}-${randomBytes(4).toString("hex")}.`);
  await ensureTopics(admin, names, 1);
  return {
    kafka,
    admin,
    names,
    async cleanup() {
      await deleteTopics(admin, names).catch(() => undefined);
      const groups = (await admin.listGroups().catch(() => ({ groups: [] }))).groups
        .map((g) => g.groupId)
        .filter((g) => g.startsWith(names.prefix));
      if (groups.length) await admin.deleteGroups(groups).catch(() => undefined);
      await admin.disconnect().catch(() => undefined);
    },
  };
}

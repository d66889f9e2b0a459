// Where the engine's output stopped: the position of the last event on each output topic, which
// KafkaEventLog.connect({ resume: true }) uses to drop events a previous run already published.
// Read-only: a throw-away consumer group that never commits.
import type { Kafka } from "kafkajs";
import { decodeEventBatch, type EventPosition } from "./event-message.js";
import { type KafkaNames, OUTPUT_TOPICS, type OutputTopic } from "./topics.js";

/**
 * The position of the last event of each output topic (undefined for an empty topic): reads the last
 * message of each with a throw-away consumer group that never commits.
 */
export async function readLastPositions(
  kafka: Kafka,
  names: KafkaNames,
  timeoutMs = 15_000,
): Promise<Map<OutputTopic, EventPosition | undefined>> {
  const admin = kafka.admin();
  await admin.connect();
  const out = new Map<OutputTopic, EventPosition | undefined>();
  const want = new Map<string, { topic: OutputTopic; offset: string }>();
  try {
    for (const t of OUTPUT_TOPICS) {
      const [p] = await admin.fetchTopicOffsets(names.topic(t));
      out.set(t, undefined);
      if (p && BigInt(p.high) > BigInt(p.low))
        want.set(names.topic(t), { topic: t, offset: (BigInt(p.high) - 1n).toString() });
    }
  } finally {
    await admin.disconnect();
  }
  if (want.size === 0) return out;
  const consumer = kafka.consumer({
    groupId: names.group(`perpx-resume-${process.pid}-${Date.now()}`),
    maxWaitTimeInMs: 50,
    allowAutoTopicCreation: false,
  });
  await consumer.connect();
  try {
    await consumer.subscribe({ topics: [...want.keys()], fromBeginning: false });
    let finish: () => void = () => undefined;
    const done = new Promise<void>((resolve, reject) => {
      const timer = setTimeout(
        () => reject(new Error("reading the last output messages timed out")),
        timeoutMs,
      );
      finish = () => {
        clearTimeout(timer);
        resolve();
      };
    });
    await consumer.run({
      autoCommit: false,
      eachBatch: async ({ batch }) => {
        const w = want.get(batch.topic);
        if (!w) return;
        for (const m of batch.messages) {
          if (m.offset !== w.offset) continue;
          const d = decodeEventBatch(m.value);
          out.set(w.topic, { seq: d.seq, idx: d.lastIdx });
          want.delete(batch.topic);
        }
        if (want.size === 0) finish();
      },
    });
    for (const [topic, w] of want) consumer.seek({ topic, partition: 0, offset: w.offset });
    await done;
  } finally {
    await consumer.disconnect();
  }
  return out;
}

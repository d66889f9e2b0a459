// Operator helpers behind scripts/kafka-topics.mjs and scripts/kafka-decode.mjs (and the tests): describe
// topics, consumer-group lag, group offset reset, and reading a topic range with a throw-away consumer.
import { randomBytes } from "node:crypto";
import type { Admin, Kafka, KafkaMessage } from "kafkajs";
import { ALL_TOPICS, CONSUMER_GROUPS, type KafkaNames, OUTPUT_TOPICS } from "./topics.js";

export interface TopicRow {
  topic: string;
  partition: number;
  low: string;
  high: string;
  retentionMs: string;
}

export async function describeTopics(admin: Admin, names: KafkaNames): Promise<TopicRow[]> {
  const existing = new Set(await admin.listTopics());
  const topics = ALL_TOPICS.map((t) => names.topic(t)).filter((t) => existing.has(t));
  const rows: TopicRow[] = [];
  const configs = topics.length
    ? await admin.describeConfigs({
        includeSynonyms: false,
        resources: topics.map((name) => ({ type: 2 /* TOPIC */, name, configNames: ["retention.ms"] })),
      })
    : { resources: [] };
  const retention = new Map(
    configs.resources.map((r) => [r.resourceName, r.configEntries[0]?.configValue ?? "?"] as const),
  );
  for (const topic of topics) {
    for (const p of await admin.fetchTopicOffsets(topic)) {
      rows.push({
        topic,
        partition: p.partition,
        low: p.low,
        high: p.high,
        retentionMs: retention.get(topic) ?? "?",
      });
    }
  }
  return rows;
}

export interface LagRow {
  group: string;
  topic: string;
  partition: number;
  committed: string;
  high: string;
  lag: string;
}

/** Lag of our consumer groups (or the given ones) on matching_engine_output (or every output topic). */
export async function groupLag(
  admin: Admin,
  names: KafkaNames,
  groups?: readonly string[],
): Promise<LagRow[]> {
  const existing = new Set(await admin.listTopics());
  const topics = OUTPUT_TOPICS.map((t) => names.topic(t)).filter((t) => existing.has(t));
  const highs = new Map<string, string>();
  for (const t of topics)
    for (const p of await admin.fetchTopicOffsets(t)) highs.set(`${t}:${p.partition}`, p.high);
  const rows: LagRow[] = [];
  for (const g of groups ?? CONSUMER_GROUPS.map((c) => names.group(c))) {
    const offsets = await admin.fetchOffsets({ groupId: g, topics });
    for (const t of offsets) {
      for (const p of t.partitions) {
        const high = highs.get(`${t.topic}:${p.partition}`) ?? "0";
        if (p.offset.startsWith("-")) continue; // this group does not read this topic
        rows.push({
          group: g,
          topic: t.topic,
          partition: p.partition,
          committed: p.offset,
          high,
          lag: (BigInt(high) - BigInt(p.offset)).toString(),
        });
      }
    }
  }
  return rows;
}

/**
 * Moves a stopped group's committed offsets to the beginning or the end of the topics it has read
 * (kafkajs' admin.resetOffsets does the same one topic at a time through a consumer that takes ~5 s to
 * leave; this joins once with a short fetch wait). Returns the topics moved.
 */
export async function resetGroup(
  kafka: Kafka,
  admin: Admin,
  groupId: string,
  to: "earliest" | "latest" = "earliest",
): Promise<string[]> {
  const existing = new Set(await admin.listTopics());
  const described = await admin.describeGroups([groupId]);
  const state = described.groups[0]?.state;
  if (state && state !== "Empty" && state !== "Dead")
    throw new Error(`group ${groupId} is ${state}: stop its consumers first`);
  const committed = await admin.fetchOffsets({ groupId });
  const topics = committed
    .filter((t) => existing.has(t.topic) && t.partitions.some((p) => p.offset !== "-1"))
    .map((t) => t.topic);
  if (topics.length === 0) return [];
  const target: { topic: string; partition: number; offset: string }[] = [];
  for (const topic of topics)
    for (const p of await admin.fetchTopicOffsets(topic))
      target.push({ topic, partition: p.partition, offset: to === "earliest" ? p.low : p.high });
  const consumer = kafka.consumer({ groupId, maxWaitTimeInMs: 50, allowAutoTopicCreation: false });
  await consumer.connect();
  try {
    await consumer.subscribe({ topics, fromBeginning: to === "earliest" });
    await consumer.run({ autoCommit: false, eachBatch: async () => undefined });
    consumer.pause(topics.map((topic) => ({ topic })));
    await consumer.commitOffsets(target);
  } finally {
    await consumer.disconnect();
  }
  return topics;
}

export interface ReadOptions {
  /** start at the beginning (default: only messages written after the start) */
  fromBeginning?: boolean;
  /** stop after this many messages */
  max?: number;
  /** keep waiting for new messages after reaching the end (default false: stop at the end seen at start) */
  follow?: boolean;
  /** give up after this long, ms (default 30 000; 0 = never) */
  timeoutMs?: number;
  /** namespace of the throw-away group (the names prefix) */
  groupPrefix?: string;
}

/**
 * Reads messages of one single-partition topic in offset order with a throw-away consumer group (never
 * committed, deleted afterwards). Without follow it stops at the end offset seen at start.
 */
export async function readMessages(
  kafka: Kafka,
  topic: string,
  onMessage: (m: KafkaMessage) => void | Promise<void>,
  opts: ReadOptions = {},
): Promise<number> {
  const admin = kafka.admin();
  await admin.connect();
  const groupId = `${opts.groupPrefix ?? ""}perpx-read-${randomBytes(4).toString("hex")}`;
  try {
    const [p] = await admin.fetchTopicOffsets(topic);
    const end = BigInt(p?.high ?? "0");
    const start = opts.fromBeginning ? BigInt(p?.low ?? "0") : end;
    if (!opts.follow && start >= end) return 0;
    const consumer = kafka.consumer({ groupId, maxWaitTimeInMs: 100, allowAutoTopicCreation: false });
    await consumer.connect();
    let n = 0;
    try {
      await consumer.subscribe({ topics: [topic], fromBeginning: !!opts.fromBeginning });
      await new Promise<void>((resolve, reject) => {
        const ms = opts.timeoutMs ?? 30_000;
        let finished = false;
        const finish = (e?: unknown) => {
          if (finished) return;
          finished = true;
          if (timer) clearTimeout(timer);
          if (e) reject(e);
          else resolve();
        };
        const timer = ms > 0 ? setTimeout(() => finish(), ms) : undefined;
        // the end is reached when a batch (even one of transaction markers only, which never reaches
        // eachBatch) ends at or after the end offset seen at start
        consumer.on(consumer.events.END_BATCH_PROCESS, ({ payload }) => {
          if (!opts.follow && payload.topic === topic && BigInt(payload.lastOffset) + 1n >= end) finish();
        });
        consumer
          .run({
            autoCommit: false,
            eachBatch: async ({ batch, isStale }) => {
              for (const m of batch.messages) {
                if (isStale() || finished) return;
                if (BigInt(m.offset) < start) continue;
                if (!opts.follow && BigInt(m.offset) >= end) return finish();
                try {
                  await onMessage(m);
                } catch (e) {
                  return finish(e);
                }
                n++;
                if (opts.max !== undefined && n >= opts.max) return finish();
              }
            },
          })
          .then(() => consumer.seek({ topic, partition: 0, offset: start.toString() }))
          .catch((e: unknown) => finish(e));
      });
    } finally {
      await consumer.disconnect();
      await admin.deleteGroups([groupId]).catch(() => undefined);
    }
    return n;
  } finally {
    await admin.disconnect();
  }
}

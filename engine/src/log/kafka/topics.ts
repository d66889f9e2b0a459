// Kafka topic and consumer-group names of the distributed mode (SPEC §10, seed architecture), their
// partition counts and retention, and the helper that creates them. Names are EXACTLY the seed's; a
// prefix (empty in production) lets tests and benchmarks run side by side on one broker.
//
// `matching_engine_sequence` is our addition: the recorded total order of the input topics
// (docs/DISTRIBUTED.md, sequenced-reader.ts). Every topic has ONE partition: input and sequence because
// the engine's order is the order of a partition; output because consumers rely on engine-seq order.
import type { Admin, ITopicConfig } from "kafkajs";

/** Logical (unprefixed) topic names; values are written into sequence records, never renamed. */
export const INPUT_TOPICS = [
  "matching_engine_preload",
  "matching_engine_input",
  "save_order_from_client_v2",
  "cancel_order_from_client",
] as const;
export type InputTopic = (typeof INPUT_TOPICS)[number];

export const SEQUENCE_TOPIC = "matching_engine_sequence";

export const OUTPUT_TOPICS = ["matching_engine_output", "orderbook_output", "ticker_engine_output"] as const;
export type OutputTopic = (typeof OUTPUT_TOPICS)[number];

export const CONSUMER_GROUPS = [
  "matching_engine_saver_accounts",
  "matching_engine_saver_positions",
  "matching_engine_saver_orders",
  "matching_engine_saver_trades",
  "matching_engine_notifier",
] as const;
export type ConsumerGroup = (typeof CONSUMER_GROUPS)[number];

export type LogicalTopic = InputTopic | typeof SEQUENCE_TOPIC | OutputTopic;

/** Topic and group names with a prefix applied (prefix "" = the production names). */
export class KafkaNames {
  constructor(readonly prefix = "") {}
  topic(t: LogicalTopic): string {
    return this.prefix + t;
  }
  group(g: ConsumerGroup | string): string {
    return this.prefix + g;
  }
  /** logical name of a physical topic, or undefined when it is not one of ours */
  logical(physical: string): LogicalTopic | undefined {
    if (!physical.startsWith(this.prefix)) return undefined;
    const t = physical.slice(this.prefix.length);
    return ALL_TOPICS.includes(t as LogicalTopic) ? (t as LogicalTopic) : undefined;
  }
}

export const ALL_TOPICS: readonly LogicalTopic[] = [...INPUT_TOPICS, SEQUENCE_TOPIC, ...OUTPUT_TOPICS];

const DAY_MS = 86_400_000;

export interface TopicSpec {
  topic: LogicalTopic;
  partitions: number;
  /** retention.ms; -1 = keep for ever */
  retentionMs: number;
  why: string;
}

/**
 * Input and sequence topics are kept for ever: replay after a restart reads the recorded sequence and
 * then the input records it points at (from the newest snapshot's seq on). Output topics are a feed
 * for the savers and the notifier, who keep their own cursors: 7 days is the catch-up window.
 */
export const TOPIC_SPECS: readonly TopicSpec[] = [
  ...INPUT_TOPICS.map((topic) => ({
    topic,
    partitions: 1,
    retentionMs: -1,
    why: "engine input: replayed through the recorded sequence",
  })),
  { topic: SEQUENCE_TOPIC, partitions: 1, retentionMs: -1, why: "recorded total order (seq → input offset)" },
  ...OUTPUT_TOPICS.map((topic) => ({
    topic,
    partitions: 1,
    retentionMs: 7 * DAY_MS,
    why: "engine output: consumers catch up within 7 days",
  })),
];

/** Up to 4 MiB per output message: an event batch is split before this (event-log.ts). */
export const MAX_MESSAGE_BYTES = 4 * 1024 * 1024;

export function topicConfig(spec: TopicSpec, names: KafkaNames, replicationFactor: number): ITopicConfig {
  const configEntries = [
    { name: "retention.ms", value: String(spec.retentionMs) },
    { name: "cleanup.policy", value: "delete" },
    { name: "max.message.bytes", value: String(MAX_MESSAGE_BYTES) },
  ];
  // with more than one replica an acknowledged write must be on two of them (acks = all)
  if (replicationFactor > 1) configEntries.push({ name: "min.insync.replicas", value: "2" });
  return {
    topic: names.topic(spec.topic),
    numPartitions: spec.partitions,
    replicationFactor,
    configEntries,
  };
}

/** Creates every topic that does not exist yet; returns the physical names it created. */
export async function ensureTopics(
  admin: Admin,
  names: KafkaNames,
  replicationFactor = 1,
): Promise<string[]> {
  const existing = new Set(await admin.listTopics());
  const missing = TOPIC_SPECS.filter((s) => !existing.has(names.topic(s.topic)));
  if (missing.length === 0) return [];
  await admin.createTopics({
    topics: missing.map((s) => topicConfig(s, names, replicationFactor)),
    waitForLeaders: true,
  });
  return missing.map((s) => names.topic(s.topic));
}

/** Deletes every topic of this prefix (tests and benchmarks clean up with it). */
export async function deleteTopics(admin: Admin, names: KafkaNames): Promise<void> {
  const existing = new Set(await admin.listTopics());
  const mine = ALL_TOPICS.map((t) => names.topic(t)).filter((t) => existing.has(t));
  if (mine.length) await admin.deleteTopics({ topics: mine, timeout: 10_000 });
}

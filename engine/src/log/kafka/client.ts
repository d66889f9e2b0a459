// One place that builds kafkajs clients with our timeouts. Env: KAFKA_BROKERS (comma separated,
// default 127.0.0.1:9092). kafkajs logs nothing unless a level is asked for (its warnings go to the
// caller's onError paths instead).
import { Kafka, logLevel } from "kafkajs";

export interface KafkaClientOptions {
  brokers?: readonly string[];
  clientId?: string;
  /** TCP connect timeout per broker, ms */
  connectionTimeoutMs?: number;
  /** per-request timeout, ms */
  requestTimeoutMs?: number;
  /** client-level retries (metadata, connect); bounded so an outage surfaces within seconds */
  retries?: number;
  logLevel?: logLevel;
}

export function brokersFromEnv(env: NodeJS.ProcessEnv = process.env): string[] {
  return (env.KAFKA_BROKERS ?? "127.0.0.1:9092")
    .split(",")
    .map((s) => s.trim())
    .filter(Boolean);
}

export function makeKafka(opts: KafkaClientOptions = {}): Kafka {
  return new Kafka({
    clientId: opts.clientId ?? "perpx",
    brokers: [...(opts.brokers ?? brokersFromEnv())],
    connectionTimeout: opts.connectionTimeoutMs ?? 3000, // 3 s
    requestTimeout: opts.requestTimeoutMs ?? 10_000, // 10 s
    retry: { retries: opts.retries ?? 3, initialRetryTime: 100, maxRetryTime: 1000 },
    logLevel: opts.logLevel ?? logLevel.NOTHING,
  });
}

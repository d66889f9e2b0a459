// The read-side processes as functions (run.ts is their env-driven entry; tests and other launchers call
// these directly): the four MySQL savers (migrations applied first) and the Redis notifier.
import type { KafkaNames } from "@perpx/engine/log/kafka/topics";
import type { Instrument } from "@perpx/shared/domain";
import { DEFAULT_INSTRUMENTS } from "@perpx/shared/instruments";
import type { Redis } from "ioredis";
import type { Kafka } from "kafkajs";
import { createDbPool, ensureDatabase, type Pool } from "./db.js";
import { migrate } from "./migrator.js";
import { Notifier } from "./notifier.js";
import type { RedisKeys } from "./redis-keys.js";
import { loadInstruments } from "./report-db.js";
import { type Saver, startSavers } from "./savers/index.js";

export interface ReadSideCommon {
  kafka: Kafka;
  names: KafkaNames;
  onError?: (e: unknown, attempt: number) => void;
  /** saver/notifier retry backoff, ms (defaults of OutputConsumer) */
  retryInitialMs?: number;
  retryMaxMs?: number;
}

export interface RunningSavers {
  savers: Saver[];
  pool: Pool;
  /** schema version after the migrations */
  schema: number;
  stop(): Promise<void>;
}

/** Creates the database if needed, applies the migrations, starts the four savers. */
export async function runSavers(o: ReadSideCommon & { mysqlUrl: string }): Promise<RunningSavers> {
  await ensureDatabase(o.mysqlUrl);
  const pool = createDbPool(o.mysqlUrl, { connectionLimit: 8 });
  const conn = await pool.getConnection();
  let schema: number;
  try {
    schema = (await migrate(conn)).current;
  } finally {
    conn.release();
  }
  const savers = await startSavers({ ...retryOpts(o), kafka: o.kafka, names: o.names, pool });
  return {
    savers,
    pool,
    schema,
    async stop() {
      await Promise.all(savers.map((s) => s.consumer.stop()));
      await pool.end();
    },
  };
}

export interface RunningNotifier {
  notifier: Notifier;
  stop(): Promise<void>;
}

/**
 * Starts the notifier. Instruments: the defaults, then those of MySQL when reachable (their INSTRUMENT
 * events may have left the 7-day output topic); new INSTRUMENT events add more.
 */
export async function runNotifier(
  o: ReadSideCommon & { redis: Redis; keys?: RedisKeys; mysqlUrl?: string; log?: (m: string) => void },
): Promise<RunningNotifier> {
  const instruments = new Map<number, Instrument>(DEFAULT_INSTRUMENTS.map((i) => [i.symbolId, i]));
  if (o.mysqlUrl) {
    const pool = createDbPool(o.mysqlUrl, { connectionLimit: 1 });
    try {
      for (const i of await loadInstruments(pool)) instruments.set(i.symbolId, i);
    } catch (e) {
      o.log?.(`instruments from MySQL not loaded (${(e as Error).message}); using the defaults`);
    } finally {
      await pool.end();
    }
  }
  const notifier = new Notifier({
    ...retryOpts(o),
    kafka: o.kafka,
    names: o.names,
    redis: o.redis,
    ...(o.keys ? { keys: o.keys } : {}),
    instruments: [...instruments.values()],
  });
  await notifier.start();
  return { notifier, stop: () => notifier.stop() };
}

function retryOpts(o: ReadSideCommon): {
  onError?: (e: unknown, attempt: number) => void;
  retryInitialMs?: number;
  retryMaxMs?: number;
} {
  return {
    ...(o.onError ? { onError: o.onError } : {}),
    ...(o.retryInitialMs !== undefined ? { retryInitialMs: o.retryInitialMs } : {}),
    ...(o.retryMaxMs !== undefined ? { retryMaxMs: o.retryMaxMs } : {}),
  };
}

// Set-up shared by the read-side integration tests: a throw-away MySQL database (migrated), a random
// Kafka topic prefix with its topics, a Redis key prefix, and their removal afterwards. Nothing here
// touches another engineer's database, topics or keys.
import { randomBytes } from "node:crypto";
import { type AddressInfo, connect, createServer, type Server, type Socket } from "node:net";
import { encodeEvents } from "@perpx/engine/log/kafka/event-message";
import { openScratchTopics, type ScratchTopics } from "@perpx/engine/log/kafka/scratch-topics";
import type { EngineEvent } from "@perpx/shared/events";
import {
  createDbPool,
  dropDatabase,
  ensureDatabase,
  mysqlUrlFromEnv,
  type Pool,
} from "../../src/persistence/db.js";
import { migrate } from "../../src/persistence/migrator.js";

export interface MysqlEnv {
  url: string;
  db: string;
  pool: Pool;
  cleanup(): Promise<void>;
}

export function urlWithDb(base: string, db: string, port?: number): string {
  const u = new URL(base);
  u.pathname = `/${db}`;
  if (port !== undefined) {
    u.hostname = "127.0.0.1";
    u.port = String(port);
  }
  return u.toString();
}

export async function mysqlEnv(tag: string): Promise<MysqlEnv> {
  const db = `perpx_it_${tag}_${randomBytes(4).toString("hex")}`;
  const url = urlWithDb(mysqlUrlFromEnv(), db);
  try {
    await ensureDatabase(url);
  } catch (e) {
    throw new Error(`MySQL not reachable (${(e as Error).message}); run \`make up\` or set MYSQL_URL`);
  }
  const pool = createDbPool(url);
  const conn = await pool.getConnection();
  try {
    await migrate(conn);
  } finally {
    conn.release();
  }
  return {
    url,
    db,
    pool,
    async cleanup() {
      await pool.end().catch(() => undefined);
      await dropDatabase(url);
    },
  };
}

/** the topics of one test file under a random prefix (engine/src/log/kafka/scratch-topics.ts) */
export type KafkaEnv = ScratchTopics;

/** Scratch topics and a producer of outputBatch messages on their matching_engine_output. */
export interface OutputFeed {
  env: KafkaEnv;
  /** one outputBatch per seq, acknowledged by every replica */
  send(seqs: readonly number[]): Promise<void>;
  close(): Promise<void>;
}

export async function outputFeed(tag: string): Promise<OutputFeed> {
  const env = await kafkaEnv(tag);
  const topic = env.names.topic("matching_engine_output");
  const producer = env.kafka.producer();
  await producer.connect();
  return {
    env,
    send: async (seqs) => {
      await producer.send({ topic, acks: -1, messages: seqs.map((s) => ({ value: outputBatch(s) })) });
    },
    close: async () => {
      await producer.disconnect().catch(() => undefined);
      await env.cleanup();
    },
  };
}

/** One engine batch for matching_engine_output: one event of command `seq`, applied up to `seq`. */
function outputBatch(seq: number): Buffer {
  const ev = { ev: 0, seq } as unknown as EngineEvent;
  return encodeEvents({ firstSeq: seq, firstIdx: 0, seq, lastIdx: 0, count: 1, applied: seq }, [ev]);
}
export const kafkaEnv = openScratchTopics;

/**
 * A TCP proxy in front of a real server, to simulate an outage without stopping the shared service:
 * down() drops every connection and refuses new ones, up() lets them through again.
 */
export class TcpProxy {
  private server: Server | undefined;
  private readonly sockets = new Set<Socket>();
  private isDown = false;
  port = 0;

  constructor(
    private readonly targetHost: string,
    private readonly targetPort: number,
  ) {}

  async start(): Promise<void> {
    this.server = createServer((client) => {
      if (this.isDown) {
        client.destroy();
        return;
      }
      const upstream = connect(this.targetPort, this.targetHost);
      this.sockets.add(client).add(upstream);
      const drop = () => {
        client.destroy();
        upstream.destroy();
        this.sockets.delete(client);
        this.sockets.delete(upstream);
      };
      client.on("error", drop).on("close", drop);
      upstream.on("error", drop).on("close", drop);
      client.pipe(upstream).pipe(client);
    });
    await new Promise<void>((r) => this.server?.listen(0, "127.0.0.1", r));
    this.port = (this.server?.address() as AddressInfo).port;
  }

  down(): void {
    this.isDown = true;
    for (const s of this.sockets) s.destroy();
    this.sockets.clear();
  }

  up(): void {
    this.isDown = false;
  }

  async stop(): Promise<void> {
    this.down();
    await new Promise<void>((r) => (this.server ? this.server.close(() => r()) : r()));
  }
}

/** Polls `check` every 50 ms until it returns true (or fails after `ms`). */
export async function eventually(
  what: string,
  ms: number,
  check: () => Promise<boolean> | boolean,
): Promise<void> {
  const deadline = Date.now() + ms;
  for (;;) {
    if (await check()) return;
    if (Date.now() > deadline) throw new Error(`timed out after ${ms} ms waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

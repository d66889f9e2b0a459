// The whole distributed deployment in one process, on the real services with a random Kafka topic
// prefix, a throw-away MySQL database and a Redis key prefix (all removed by close()):
//   engine (openDistributedEngine: Kafka recorded sequence → sequencer → runner → Kafka event log)
//   savers + notifier (read-side.ts, as run.ts starts them)
//   gateway (launchDistributed, port 0), reached over real HTTP with signed requests (RestClient).
// Used by test/integration/distributed-e2e.test.ts and bench/e2e-lag.bench.ts.
import { randomBytes } from "node:crypto";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { groupLag } from "@perpx/engine/log/kafka/ops";
import { OrderBook } from "@perpx/engine/matcher/order-book";
import { type DistributedEngine, openDistributedEngine } from "@perpx/engine/runtime/distributed-engine";
import { DEFAULT_INSTRUMENTS } from "@perpx/shared/instruments";
import type { Redis } from "ioredis";
import { makeConfig } from "../../src/config.js";
import { type DistributedGateway, launchDistributed } from "../../src/distributed/launch.js";
import {
  type RunningNotifier,
  type RunningSavers,
  runNotifier,
  runSavers,
} from "../../src/persistence/read-side.js";
import { createRedis, redisUrlFromEnv, whenReady } from "../../src/persistence/redis.js";
import { RedisKeys } from "../../src/persistence/redis-keys.js";
import { type KeyPair, RestClient } from "../embedded/client.js";
import { eventually, type KafkaEnv, kafkaEnv, type MysqlEnv, mysqlEnv } from "./read-side-env.js";

export const SAVER_GROUPS = [
  "matching_engine_saver_accounts",
  "matching_engine_saver_positions",
  "matching_engine_saver_orders",
  "matching_engine_saver_trades",
] as const;

export interface StackOptions {
  /** goes into the database name, the topic prefix and the temporary directories */
  tag: string;
  /** the admin key the gateway bootstraps (EXCHANGE_ADMIN_KEY / EXCHANGE_ADMIN_SECRET) */
  admin: KeyPair;
  /** gateway log level (default "warn") */
  logLevel?: string;
}

export class DistributedStack {
  readonly warnings: string[] = [];
  readonly saverErrors: unknown[] = [];
  readonly engineDir: string;
  readonly gatewayDir: string;
  /** process env plus the admin key, as the gateway process would see it */
  readonly env: NodeJS.ProcessEnv;
  my!: MysqlEnv;
  kf!: KafkaEnv;
  redis!: Redis;
  /** a second connection for SUBSCRIBE */
  sub!: Redis;
  keys!: RedisKeys;
  engine: DistributedEngine | undefined;
  savers: RunningSavers | undefined;
  notifier: RunningNotifier | undefined;
  gw: DistributedGateway | undefined;
  rest!: RestClient;

  private constructor(private readonly o: StackOptions) {
    this.env = {
      ...process.env,
      EXCHANGE_ADMIN_KEY: o.admin.apiKey,
      EXCHANGE_ADMIN_SECRET: o.admin.apiSecret,
    };
    this.engineDir = mkdtempSync(join(tmpdir(), `perpx-${o.tag}-engine-`));
    this.gatewayDir = mkdtempSync(join(tmpdir(), `perpx-${o.tag}-gw-`));
  }

  /** Boots everything; on failure removes what was created and rethrows. */
  static async start(o: StackOptions): Promise<DistributedStack> {
    const s = new DistributedStack(o);
    try {
      await s.boot();
    } catch (e) {
      await s.close().catch(() => undefined);
      throw e;
    }
    return s;
  }

  private async boot(): Promise<void> {
    [this.my, this.kf] = await Promise.all([mysqlEnv(this.o.tag), kafkaEnv(this.o.tag)]);
    this.redis = createRedis(redisUrlFromEnv());
    this.sub = createRedis(redisUrlFromEnv());
    await Promise.all([whenReady(this.redis), whenReady(this.sub)]);
    this.keys = new RedisKeys(`perpx-it:${randomBytes(4).toString("hex")}:`);
    this.engine = await this.startEngine();
    this.savers = await this.startSavers();
    this.notifier = await runNotifier({
      kafka: this.kf.kafka,
      names: this.kf.names,
      redis: this.redis,
      keys: this.keys,
      retryInitialMs: 50,
    });
    this.gw = await launchDistributed({
      config: makeConfig({
        dataDir: this.gatewayDir,
        port: 0,
        logLevel: this.o.logLevel ?? "warn",
        rateLimit: { enabled: false },
      }),
      env: this.env,
      kafka: this.kf.kafka,
      names: this.kf.names,
      wsPort: 0,
      startupTimeoutMs: 20_000,
      onWarning: (m, e) => this.warnings.push(`${m}: ${String(e)}`),
    });
    if (!this.gw.caughtUp) throw new Error("the distributed gateway did not catch up at start");
    this.rest = new RestClient(await this.gw.listen());
  }

  /** A new engine on the stack's topics and data dir (the caller closes the previous one first). */
  startEngine(): Promise<DistributedEngine> {
    return openDistributedEngine({
      kafka: this.kf.kafka,
      names: this.kf.names,
      dataDir: this.engineDir,
      bookFactory: (id) => new OrderBook(id),
      initialInstruments: DEFAULT_INSTRUMENTS,
      snapshotEvery: 0,
      schedulers: false,
      reader: { fencing: true },
      onWarning: (m) => this.warnings.push(m),
    });
  }

  /** The four savers (one consumer group each) on the stack's topics and database. */
  startSavers(): Promise<RunningSavers> {
    return runSavers({
      kafka: this.kf.kafka,
      names: this.kf.names,
      mysqlUrl: this.my.url,
      retryInitialMs: 50,
      retryMaxMs: 300,
      onError: (e) => void this.saverErrors.push(e),
    });
  }

  /** every saver group (and the notifier) has committed up to the end of matching_engine_output */
  async readSideCaughtUp(ms = 20_000): Promise<void> {
    const groups = [...SAVER_GROUPS, "matching_engine_notifier"].map((g) => this.kf.names.group(g));
    const output = this.kf.names.topic("matching_engine_output");
    await eventually("the read side to catch up", ms, async () => {
      const lag = await groupLag(this.kf.admin, this.kf.names, groups);
      const main = lag.filter((l) => l.topic === output);
      return groups.every((g) => main.some((l) => l.group === g)) && main.every((l) => l.lag === "0");
    });
  }

  /** Stops every process and removes the topics, groups, database, Redis keys and directories. */
  async close(): Promise<void> {
    await this.gw?.close();
    await this.engine?.close();
    await Promise.all([this.savers?.stop(), this.notifier?.stop()]);
    if (this.redis) {
      if (this.keys) {
        const mine = await this.redis.keys(`${this.keys.prefix}*`);
        if (mine.length) await this.redis.del(...mine);
      }
      this.redis.disconnect();
    }
    this.sub?.disconnect();
    await Promise.all([this.my?.cleanup(), this.kf?.cleanup()]);
    rmSync(this.engineDir, { recursive: true, force: true });
    rmSync(this.gatewayDir, { recursive: true, force: true });
  }
}

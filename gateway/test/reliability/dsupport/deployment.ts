// The distributed deployment as separate processes, the way production runs it: one engine
// (engine/dist/src/bin/engine.js), N gateways (gateway/dist/src/main.js with KAFKA_BROKERS set), the
// savers and the notifier (gateway/dist/src/persistence/run.js), on a unique topic prefix, a throw-away
// MySQL database and a private Redis. Any child may be SIGKILLed and restarted; a child that dies on
// its own is restarted by the supervisor after `restartDelayMs` (as systemd would) and counted.
import { randomBytes } from "node:crypto";
import { mkdirSync } from "node:fs";
import { join } from "node:path";
import { makeKafka } from "@perpx/engine/log/kafka/client";
import { groupLag } from "@perpx/engine/log/kafka/ops";
import { deleteTopics, ensureTopics, KafkaNames } from "@perpx/engine/log/kafka/topics";
import type { Admin, Kafka } from "kafkajs";
import {
  createDbPool,
  dropDatabase,
  ensureDatabase,
  mysqlUrlFromEnv,
  type Pool,
} from "../../../src/persistence/db.js";
import { migrate } from "../../../src/persistence/migrator.js";
import { type KeyPair, obj, RestClient } from "../../embedded/client.js";
import { eventually, urlWithDb } from "../../integration/read-side-env.js";
import type { Child, Children } from "./children.js";
import { freePort, REPO_ROOT } from "./private-services.js";

export const SAVER_GROUPS = [
  "matching_engine_saver_accounts",
  "matching_engine_saver_positions",
  "matching_engine_saver_orders",
  "matching_engine_saver_trades",
] as const;

export const ADMIN: KeyPair = {
  apiKey: "rel-admin-key-0001",
  apiSecret: "rel-admin-secret-0123456789abcdef",
};

export interface DeploymentOptions {
  tag: string;
  /** temp root (removed by the caller) */
  dir: string;
  children: Children;
  brokers: string[];
  redisUrl: string;
  /** port the savers/notifier use to reach MariaDB (a proxy), default the shared server's */
  mysqlPort?: number;
  gateways: number;
  snapshotEvery: number;
}

export interface User {
  id: number;
  key: KeyPair;
}

export class Deployment {
  readonly names: KafkaNames;
  readonly kafka: Kafka;
  admin!: Admin;
  readonly db: string;
  /** direct to the shared MariaDB (for the checks) */
  readonly mysqlUrl: string;
  pool!: Pool;
  engine!: Child;
  gateways: Child[] = [];
  gatewayUrls: string[] = [];
  savers!: Child;
  notifier!: Child;
  users: User[] = [];
  /** unexpected exits restarted by the supervisor, by child name */
  readonly crashes = new Map<string, number>();
  private supervising = false;
  private readonly restarting = new Set<Child>();
  private readonly expectDown = new Set<Child>();

  constructor(readonly o: DeploymentOptions) {
    const hex = randomBytes(4).toString("hex");
    this.names = new KafkaNames(`rel-${o.tag}-${hex}.`);
    this.kafka = makeKafka({ brokers: o.brokers, clientId: `perpx-rel-${o.tag}`, retries: 2 });
    this.db = `perpx_rel_${o.tag}_${hex}`;
    this.mysqlUrl = urlWithDb(mysqlUrlFromEnv(), this.db);
  }

  get children(): Child[] {
    return [this.engine, ...this.gateways, this.savers, this.notifier].filter((c) => c !== undefined);
  }

  async start(): Promise<void> {
    const o = this.o;
    await ensureDatabase(this.mysqlUrl);
    this.pool = createDbPool(this.mysqlUrl);
    const conn = await this.pool.getConnection();
    try {
      await migrate(conn);
    } finally {
      conn.release();
    }
    this.admin = this.kafka.admin();
    await this.admin.connect();
    await ensureTopics(this.admin, this.names, 1);

    const base = {
      PATH: process.env.PATH,
      HOME: process.env.HOME,
      KAFKA_BROKERS: o.brokers.join(","),
      KAFKA_TOPIC_PREFIX: this.names.prefix,
    };
    const logs = join(o.dir, "logs");
    mkdirSync(logs, { recursive: true });
    const node = process.execPath;
    this.engine = o.children.add({
      name: "engine",
      cmd: node,
      args: [join(REPO_ROOT, "engine/dist/src/bin/engine.js")],
      env: {
        ...base,
        DATA_DIR: join(o.dir, "engine"),
        ENGINE_SCHEDULERS: "off",
        SNAPSHOT_EVERY: String(o.snapshotEvery),
      },
      ready: /\[engine\] up in/,
      logFile: join(logs, "engine.log"),
    });
    const savUrl = urlWithDb(
      mysqlUrlFromEnv(),
      this.db,
      o.mysqlPort ?? Number(new URL(mysqlUrlFromEnv()).port || 3306),
    );
    this.savers = o.children.add({
      name: "savers",
      cmd: node,
      args: [join(REPO_ROOT, "gateway/dist/src/persistence/run.js"), "savers"],
      env: { ...base, MYSQL_URL: savUrl },
      ready: /savers running/,
      logFile: join(logs, "savers.log"),
    });
    this.notifier = o.children.add({
      name: "notifier",
      cmd: node,
      args: [join(REPO_ROOT, "gateway/dist/src/persistence/run.js"), "notifier"],
      env: { ...base, MYSQL_URL: savUrl, REDIS_URL: o.redisUrl },
      ready: /notifier running/,
      logFile: join(logs, "notifier.log"),
    });
    const gwData = join(o.dir, "gw");
    for (let i = 0; i < o.gateways; i++) {
      const [http, ws] = [await freePort(), await freePort()];
      this.gatewayUrls.push(`http://127.0.0.1:${http}`);
      this.gateways.push(
        o.children.add({
          name: `gw-${String.fromCharCode(97 + i)}`,
          cmd: node,
          args: [join(REPO_ROOT, "gateway/dist/src/main.js")],
          env: {
            ...base,
            HOST: "127.0.0.1",
            HTTP_PORT: String(http),
            WS_PORT: String(ws),
            DATA_DIR: gwData,
            GATEWAY_NODE_ID: String(i + 1),
            EXCHANGE_ADMIN_KEY: ADMIN.apiKey,
            EXCHANGE_ADMIN_SECRET: ADMIN.apiSecret,
            LOG_LEVEL: "warn",
            RATE_LIMIT: "off",
          },
          ready: /distributed gateway is up/,
          logFile: join(logs, `gw-${i}.log`),
        }),
      );
    }
    // a fresh broker creates its transaction-state topic on the first transactional write, which can
    // outlast the engine's 5 s sequence-write deadline on a busy machine: the engine exits and is
    // started again, as a supervisor would
    await this.startRetrying(this.engine, true);
    if (!this.engine.alive) throw new Error(`the engine did not start\n${this.engine.tail()}`);
    await Promise.all([this.savers.start(), this.notifier.start()]);
    // the first gateway creates the users and keys; the others start after (they load the key file)
    await this.gateways[0]!.start();
    this.supervise(this.engine);
    this.supervise(this.savers);
    this.supervise(this.notifier);
    this.supervise(this.gateways[0]!);
  }

  /** Starts the gateways after the first one (call after setupUsers: they read the key store at start). */
  async startOtherGateways(): Promise<void> {
    for (const g of this.gateways.slice(1)) {
      await g.start();
      this.supervise(g);
    }
    this.supervising = true;
  }

  private supervise(c: Child): void {
    const watch = () => {
      c.proc?.once("exit", () => {
        if (!this.supervising || this.expectDown.has(c) || this.restarting.has(c)) return;
        this.crashes.set(c.spec.name, (this.crashes.get(c.spec.name) ?? 0) + 1);
        this.restarting.add(c);
        setTimeout(() => {
          void this.startRetrying(c).finally(() => {
            this.restarting.delete(c);
            watch();
          });
        }, 1000);
      });
    };
    watch();
  }

  private async startRetrying(c: Child, always = false): Promise<void> {
    for (let i = 0; i < 20 && !c.alive && (always || this.supervising); i++) {
      try {
        await c.start();
        return;
      } catch {
        await new Promise((r) => setTimeout(r, 2000));
      }
    }
  }

  /** SIGKILL `c`, wait `downMs`, start it again (and keep supervising it). */
  async killAndRestart(c: Child, downMs: number): Promise<void> {
    this.expectDown.add(c);
    try {
      await c.kill9();
      await new Promise((r) => setTimeout(r, downMs));
      await this.startRetrying(c, true);
      if (!c.alive) throw new Error(`${c.spec.name} did not come back; see ${c.spec.logFile}\n${c.tail()}`);
    } finally {
      this.expectDown.delete(c);
    }
    this.supervise(c);
  }

  /** Stops supervising (the end checks stop children on purpose). */
  unsupervise(): void {
    this.supervising = false;
  }

  enableSupervision(): void {
    this.supervising = true;
  }

  async waitAllUp(ms = 120_000): Promise<void> {
    await eventually("every process to be up", ms, () => this.children.every((c) => c.alive));
  }

  rest(i = 0): RestClient {
    return new RestClient(this.gatewayUrls[i]!);
  }

  /** index price, `n` users with keys and a deposit each (through the first gateway, waiting). */
  async setupUsers(n: number, depositUsdt: string): Promise<void> {
    const admin = this.rest(0).as(ADMIN);
    const ok = (r: { status: number; body: unknown }) => {
      if (r.status !== 200) throw new Error(`admin call failed: ${r.status} ${JSON.stringify(r.body)}`);
      return obj(r.body);
    };
    ok(await admin.post("/api/v1/admin/index-price", { symbol: "BTCUSDT", price: "50000.0" }));
    for (let i = 0; i < n; i++) {
      const id = Number(ok(await admin.post("/api/v1/admin/users", { name: `rel-${i}` })).userId);
      const k = ok(await admin.post("/api/v1/admin/api-keys", { userId: id }));
      ok(
        await admin.post("/api/v1/admin/deposits", {
          userId: id,
          asset: "USDT",
          amount: depositUsdt,
          txId: `rel-dep-${i}`,
        }),
      );
      this.users.push({ id, key: { apiKey: String(k.apiKey), apiSecret: String(k.apiSecret) } });
    }
  }

  /** every saver group and the notifier committed up to the end of matching_engine_output */
  async readSideCaughtUp(ms = 120_000): Promise<void> {
    const groups = [...SAVER_GROUPS, "matching_engine_notifier"].map((g) => this.names.group(g));
    const output = this.names.topic("matching_engine_output");
    await eventually("the read side to catch up", ms, async () => {
      const lag = await groupLag(this.admin, this.names, groups).catch(() => []);
      const main = lag.filter((l) => l.topic === output);
      return groups.every((g) => main.some((l) => l.group === g)) && main.every((l) => l.lag === "0");
    });
  }

  /** Removes the topics, groups and database (children are killed by Children.killAll). */
  async cleanup(): Promise<void> {
    this.supervising = false;
    if (this.admin) {
      await deleteTopics(this.admin, this.names).catch(() => undefined);
      const groups = (await this.admin.listGroups().catch(() => ({ groups: [] }))).groups
        .map((g) => g.groupId)
        .filter((g) => g.startsWith(this.names.prefix));
      if (groups.length) await this.admin.deleteGroups(groups).catch(() => undefined);
      await this.admin.disconnect().catch(() => undefined);
    }
    await this.pool?.end().catch(() => undefined);
    await dropDatabase(this.mysqlUrl).catch(() => undefined);
  }
}

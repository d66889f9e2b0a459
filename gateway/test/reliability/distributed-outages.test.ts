// Issue 10, distributed half: Kafka, MariaDB and Redis stopped and restarted while signed orders flow
// into a gateway process, with the engine, the savers and the notifier as child processes. Private
// instances only: a KRaft broker of our own (scripts/lib/kafka-broker.sh) on another port and log dir,
// a TcpProxy in front of the shared MariaDB (cut = outage), a private redis-server (no persistence: it
// comes back empty). Checked during each outage: Kafka down → every answer is 503 LOG_UNAVAILABLE, never
// a 2xx; MariaDB or Redis down → orders are still acknowledged. Afterwards the savers and the notifier
// catch up, and the end checks of dsupport/verify.ts hold (nothing lost or duplicated, MySQL = engine,
// hash = clean replay, conservation).
// Short (default): each outage once. Long (PERPX_RELIABILITY=long): each twice. Seed: PERPX_SEED (10).
import assert from "node:assert/strict";
import { mkdirSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, test } from "node:test";
import { makeKafka } from "@perpx/engine/log/kafka/client";
import { groupLag } from "@perpx/engine/log/kafka/ops";
import { Redis } from "ioredis";
import type { RowDataPacket } from "mysql2/promise";
import { mysqlUrlFromEnv } from "../../src/persistence/db.js";
import { eventually, TcpProxy } from "../integration/read-side-env.js";
import { Children } from "./dsupport/children.js";
import { Deployment } from "./dsupport/deployment.js";
import { freePort, privateKafka, privateRedis } from "./dsupport/private-services.js";
import { stallReport } from "./dsupport/stall-report.js";
import { type Outcome, rng, Traffic } from "./dsupport/traffic.js";
import { finalChecks } from "./dsupport/verify.js";

const LONG = process.env.PERPX_RELIABILITY === "long";
const ROUNDS = LONG ? 2 : 1;
const SEED = Number(process.env.PERPX_SEED ?? 10);

const children = new Children();
const dir = mkdtempSync(join(tmpdir(), "perpx-rel-outages-"));
let dep: Deployment | undefined;
let proxy: TcpProxy | undefined;

after(async () => {
  await children.killAll();
  await dep?.cleanup();
  await proxy?.stop();
  if (process.env.PERPX_KEEP_LOGS) console.log(`logs kept in ${dir}`);
  else rmSync(dir, { recursive: true, force: true });
});

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** "attempt N:" lines of a read-side process (run.ts logs each failed try of a chunk) */
function retriesLogged(file: string): number {
  return (readFileSync(file, "utf8").match(/attempt \d+:/g) ?? []).length;
}

/** number of keys in the private Redis */
async function redisKeys(port: number): Promise<number> {
  const r = new Redis(`redis://127.0.0.1:${port}`, { lazyConnect: true, maxRetriesPerRequest: 1 });
  try {
    await r.connect();
    return await r.dbsize();
  } finally {
    r.disconnect();
  }
}

/** first attempts that started after `from` and ended before `to` */
function inside(outcomes: Outcome[], from: number, to: number): Outcome[] {
  return outcomes.filter((o) => o.started >= from && o.ended <= to);
}

test(
  `distributed: Kafka, MariaDB and Redis each stopped ${ROUNDS}× under load; nothing lost`,
  {
    timeout: LONG ? 600_000 : 240_000,
  },
  async () => {
    const log = (m: string) => console.log(`[outages] ${m}`);
    const random = rng(SEED);
    const [kPort, kCtl, rPort] = [await freePort(), await freePort(), await freePort()];
    mkdirSync(join(dir, "kafka"), { recursive: true });
    mkdirSync(join(dir, "redis"), { recursive: true });
    const kafka = privateKafka(children, join(dir, "kafka"), kPort, kCtl);
    const redis = privateRedis(children, join(dir, "redis"), rPort);
    proxy = new TcpProxy("127.0.0.1", Number(new URL(mysqlUrlFromEnv()).port || 3306));
    await Promise.all([kafka.start(), redis.start(), proxy.start()]);
    log(`private Kafka on ${kPort}, Redis on ${rPort}, MariaDB proxy on ${proxy.port}`);
    dep = new Deployment({
      tag: "outages",
      dir,
      children,
      brokers: [`127.0.0.1:${kPort}`],
      redisUrl: `redis://127.0.0.1:${rPort}`,
      mysqlPort: proxy.port,
      gateways: 1,
      snapshotEvery: 500,
    });
    const d = dep;
    await eventually("the private broker to answer metadata", 60_000, async () => {
      const a = makeKafka({
        brokers: [`127.0.0.1:${kPort}`],
        clientId: "perpx-rel-probe",
        retries: 0,
      }).admin();
      try {
        await a.connect();
        await a.describeCluster();
        return true;
      } catch {
        return false;
      } finally {
        await a.disconnect().catch(() => undefined);
      }
    });
    await d.start();
    await d.setupUsers(6, "1000000");
    await d.startOtherGateways();

    const traffic = new Traffic(() => d.gatewayUrls, d.users, random, `o${SEED}`);
    const load = traffic.run(3, 10);
    const resumed: Record<string, number> = {};
    const figures: Record<string, { outages: number; answers: Record<string, number> }> = {};
    const note = (what: string, got: Outcome[]) => {
      const f = figures[what] ?? { outages: 0, answers: {} };
      figures[what] = f;
      f.outages++;
      for (const o of got) {
        const k = o.status ? `${o.status}${o.error ? ` ${o.error}` : ""}` : "no answer";
        f.answers[k] = (f.answers[k] ?? 0) + 1;
      }
    };
    try {
      await sleep(2000);
      for (let round = 0; round < ROUNDS; round++) {
        // MariaDB: the savers' connections cut and refused for 5–7 s
        const acks0 = traffic.acks.size;
        const sr0 = retriesLogged(d.savers.spec.logFile);
        proxy.down();
        const mDown = Date.now();
        await sleep(5000 + Math.floor(random() * 2000));
        proxy.up();
        const mid = inside(traffic.outcomes, mDown, Date.now());
        note("mariadb", mid);
        const sr = retriesLogged(d.savers.spec.logFile) - sr0;
        log(
          `mariadb outage ${round + 1}: ${traffic.acks.size - acks0} acks while down; ${sr} saver retries logged`,
        );
        assert.ok(sr > 0, "the savers felt the MariaDB outage (retries logged)");
        assert.ok(traffic.acks.size > acks0, "orders acknowledged while MariaDB is down");
        for (const o of mid) assert.equal(o.status, 202, `while MariaDB is down: ${JSON.stringify(o)}`);
        await sleep(2000);

        // Redis: killed (no persistence: it comes back empty) for 4–6 s
        const acks1 = traffic.acks.size;
        const nr0 = retriesLogged(d.notifier.spec.logFile);
        await redis.kill9();
        const rDown = Date.now();
        await sleep(4000 + Math.floor(random() * 2000));
        await redis.start();
        const rid = inside(traffic.outcomes, rDown, Date.now());
        note("redis", rid);
        const nr = retriesLogged(d.notifier.spec.logFile) - nr0;
        log(
          `redis outage ${round + 1}: ${traffic.acks.size - acks1} acks while down; ${nr} notifier retries logged`,
        );
        assert.ok(nr > 0, "the notifier felt the Redis outage (retries logged)");
        assert.ok(traffic.acks.size > acks1, "orders acknowledged while Redis is down");
        for (const o of rid) assert.equal(o.status, 202, `while Redis is down: ${JSON.stringify(o)}`);
        await sleep(2000);
        const back = Date.now();
        await eventually(
          "the notifier to write into the restarted Redis",
          30_000,
          async () => (await redisKeys(rPort)) > 0,
        ).catch(() => undefined);
        log(
          `redis outage ${round + 1}: ${await redisKeys(rPort)} keys ${Date.now() - back} ms after the restart`,
        );
        // Kafka (last: the engine needs ≈ 35 s to apply again after it, see the log line): stopped
        // (SIGTERM, clean shutdown) for 9–11 s (> the 5 s append deadline), restarted on the same log dir
        await kafka.stop(30_000);
        const kDown = Date.now();
        await sleep(9000 + Math.floor(random() * 2000));
        const kUp = Date.now();
        await kafka.start();
        const during = inside(traffic.outcomes, kDown, kUp);
        note("kafka", during);
        log(`kafka outage ${round + 1}: ${during.length} answers inside, back in ${Date.now() - kUp} ms`);
        assert.ok(during.length > 0, "requests were answered during the Kafka outage");
        for (const o of during) {
          assert.equal(o.status, 503, `during the Kafka outage: ${JSON.stringify(o)}`);
          assert.equal(o.error, "LOG_UNAVAILABLE");
        }
        await d.waitAllUp();
        const out = d.names.topic("matching_engine_output");
        const high = async () => (await d.admin.fetchTopicOffsets(out).catch(() => []))[0]?.high ?? "?";
        const h0 = await high();
        const resumeMs = await traffic.engineAnswers(180_000).catch(async (e: unknown) => {
          // which side is stuck: the engine (output topic not growing) or the gateway's followers?
          log(`engine output high offset ${h0} at restart, ${await high()} now; ${String(e)}`);
          log(`stall report:\n${await stallReport(d, traffic)}`);
          throw e;
        });
        resumed[`kafka ${round + 1}`] = resumeMs;
        log(`kafka outage ${round + 1}: the engine answers again after ${resumeMs} ms`);
      }
    } finally {
      traffic.stop();
      await load;
    }
    await d.waitAllUp();
    await traffic.resolveUnknowns(120_000);
    const f = await finalChecks(d, traffic, log);

    log(
      `RESULT outages=${JSON.stringify(figures)} engineResumeMs=${JSON.stringify(resumed)} crashes=${JSON.stringify(Object.fromEntries(d.crashes))} ` +
        `acked=${f.acked} lost=${f.lost} duplicates=${f.duplicates} unknown=${f.unknownSeen} resolved=${f.retriesResolved} ` +
        `retryDuplicates=${f.retryDuplicates} freshIdRetries=${f.retryFreshIds} trades=${f.trades} seq=${f.seq} ` +
        `hashEqual=${f.hashEqual} statuses=${JSON.stringify(Object.fromEntries(traffic.statuses))}`,
    );
    assert.ok(f.acked > 0 && f.trades > 0, "traffic produced acks and trades");
    assert.equal(f.lost, 0, "no acknowledged order lost");
    assert.equal(f.duplicates, 0, "no order written twice");
    assert.equal(f.hashEqual, true, "engine state hash = clean replay");
    assert.equal(traffic.statuses.get("500") ?? 0, 0, "no 500");

    // the notifier caught up on the restarted (empty) Redis: cursor and ticker written again
    const r = new Redis(`redis://127.0.0.1:${rPort}`, { lazyConnect: true, maxRetriesPerRequest: 1 });
    try {
      await r.connect();
      const cursor = await r.get("notifier:cursor:matching_engine_output");
      assert.ok(cursor, "the notifier wrote its cursor into the restarted Redis");
      // accounts touched after the last restart are cached again, with MySQL's balance
      let cached = 0;
      for (const u of d.users) {
        const v = await r.get(`accounts:userId_${u.id}:asset_USDT`);
        if (!v) continue;
        cached++;
        const micro = Number(
          String((JSON.parse(v) as { crossWalletBalance: string }).crossWalletBalance).replace(".", ""),
        );
        const [row] = (
          await d.pool.query<RowDataPacket[]>("SELECT wallet_balance FROM accounts WHERE user_id = ?", [u.id])
        )[0];
        assert.equal(micro, Number(row?.wallet_balance), `cached balance of user ${u.id} = MySQL`);
      }
      const sample = (await r.keys("*")).slice(0, 12);
      const lag = await groupLag(d.admin, d.names, [d.names.group("matching_engine_notifier")]);
      log(
        `notifier cursor ${cursor}; lag ${JSON.stringify(lag)}; ${cached} account keys; keys ${sample.join(" ")}`,
      );
      assert.ok(
        cached > 0,
        `the notifier rebuilt account keys in the restarted Redis; keys: ${sample.join(" ")}`,
      );
    } finally {
      r.disconnect();
    }
  },
);

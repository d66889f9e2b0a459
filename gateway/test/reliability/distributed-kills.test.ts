// Issue 10, distributed half: SIGKILL of the engine, a gateway, the savers and the notifier at seeded
// random moments while signed orders flow over HTTP into two gateway processes; every victim is
// restarted. Afterwards (dsupport/verify.ts): every acknowledged order present exactly once (engine,
// MySQL, API), unknown outcomes retried with their clientOrderId resolved to one order, MySQL = engine,
// the engine's hash = a clean replay of the Kafka command log, conservation holds.
// Short (default): 3 kills. Long (PERPX_RELIABILITY=long): 24 kills.
// Seed: PERPX_SEED (default 10). Uses the shared Kafka/MariaDB on a unique topic prefix and database,
// and a private redis-server.
import assert from "node:assert/strict";
import { mkdirSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, test } from "node:test";
import { brokersFromEnv } from "@perpx/engine/log/kafka/client";
import { Children } from "./dsupport/children.js";
import { Deployment } from "./dsupport/deployment.js";
import { freePort, privateRedis } from "./dsupport/private-services.js";
import { rng, Traffic } from "./dsupport/traffic.js";
import { finalChecks } from "./dsupport/verify.js";

const LONG = process.env.PERPX_RELIABILITY === "long";
const KILLS = LONG ? 24 : 3;
const SEED = Number(process.env.PERPX_SEED ?? 10);

const children = new Children();
const dir = mkdtempSync(join(tmpdir(), "perpx-rel-kills-"));
let dep: Deployment | undefined;

after(async () => {
  await children.killAll();
  await dep?.cleanup();
  if (process.env.PERPX_KEEP_LOGS) console.log(`logs kept in ${dir}`);
  else rmSync(dir, { recursive: true, force: true });
});

test(
  `distributed: ${KILLS} SIGKILLs of engine / gateway / savers / notifier under load lose nothing`,
  {
    timeout: LONG ? 600_000 : 180_000,
  },
  async () => {
    const log = (m: string) => console.log(`[kills] ${m}`);
    const random = rng(SEED);
    const redisPort = await freePort();
    mkdirp(join(dir, "redis"));
    await privateRedis(children, join(dir, "redis"), redisPort).start();
    dep = new Deployment({
      tag: "kills",
      dir,
      children,
      brokers: brokersFromEnv(),
      redisUrl: `redis://127.0.0.1:${redisPort}`,
      gateways: 2,
      snapshotEvery: 500,
    });
    const d = dep;
    await d.start();
    await d.setupUsers(8, "1000000");
    await d.startOtherGateways();
    log(`up: engine, 2 gateways, savers, notifier on prefix ${d.names.prefix}`);

    const traffic = new Traffic(() => d.gatewayUrls, d.users, random, `k${SEED}`);
    const load = traffic.run(4, 5);
    const victims = ["engine", "gw-a", "gw-b", "savers", "notifier"];
    const killed = new Map<string, number>();
    // a restarted saver/notifier rejoins its consumer group only after the killed member's session
    // times out (30 s): those restarts run in the background while other processes are killed
    const pending = new Map<string, Promise<void>>();
    const failures: unknown[] = [];
    try {
      for (let k = 0; k < KILLS; k++) {
        await new Promise((r) => setTimeout(r, 1500 + Math.floor(random() * 3000)));
        const free = victims.filter((v) => !pending.has(v));
        const name = k < victims.length ? victims[k]! : free[Math.floor(random() * free.length)]!;
        await pending.get(name);
        const c = d.children.find((x) => x.spec.name === name)!;
        const t0 = Date.now();
        const restart = d.killAndRestart(c, Math.floor(random() * 1500)).then(
          () =>
            log(`kill ${k + 1}/${KILLS}: ${name} back in ${Date.now() - t0} ms; acks ${traffic.acks.size}`),
          (e: unknown) => void failures.push(e),
        );
        killed.set(name, (killed.get(name) ?? 0) + 1);
        if (name === "savers" || name === "notifier") {
          pending.set(
            name,
            restart.finally(() => pending.delete(name)),
          );
        } else {
          await restart;
        }
      }
      await Promise.all(pending.values());
      await new Promise((r) => setTimeout(r, 2000));
    } finally {
      traffic.stop();
      await load;
    }
    assert.deepEqual(failures, [], "every killed process came back");
    await d.waitAllUp();
    await traffic.resolveUnknowns(120_000);
    const f = await finalChecks(d, traffic, log);
    const kills = [...killed.values()].reduce((a, b) => a + b, 0);
    log(
      `RESULT kills=${kills} ${JSON.stringify(Object.fromEntries(killed))} crashes=${JSON.stringify(Object.fromEntries(d.crashes))} ` +
        `acked=${f.acked} lost=${f.lost} duplicates=${f.duplicates} unknown=${f.unknownSeen} resolved=${f.retriesResolved} retryDuplicates=${f.retryDuplicates} ` +
        `freshIdRetries=${f.retryFreshIds} trades=${f.trades} seq=${f.seq} hashEqual=${f.hashEqual} ` +
        `statuses=${JSON.stringify(Object.fromEntries(traffic.statuses))}`,
    );
    assert.equal(kills, KILLS);
    assert.ok(f.acked > 0 && f.trades > 0, "traffic produced acks and trades");
    assert.equal(f.lost, 0, "no acknowledged order lost");
    assert.equal(f.duplicates, 0, "no order written twice");
    assert.equal(f.hashEqual, true, "engine state hash = clean replay");
    assert.equal(traffic.statuses.get("500") ?? 0, 0, "no 500");
  },
);

function mkdirp(p: string): void {
  mkdirSync(p, { recursive: true });
}

// `make run`: the exchange gateway. Two modes, chosen by env:
//  - KAFKA_BROKERS unset → the embedded exchange (engine, journal and read model in this process; no
//    external service): embedded/launch.ts.
//  - KAFKA_BROKERS set → the distributed gateway (`make run-gateway`): commands to Kafka, read model fed
//    by the engine process's output topic (distributed/launch.ts); run the engine (`make run-engine`) and
//    the read side (`make run-savers`) next to it. Also KAFKA_TOPIC_PREFIX.
// Configuration from env (SPEC §1): HOST, HTTP_PORT, WS_PORT, DATA_DIR, GATEWAY_NODE_ID, EXCHANGE_ADMIN_KEY/SECRET,
// DEMO_FEED (on|off, embedded only), LOG_LEVEL, WEB_DIR (the built UI, default web/dist), PUBLIC_WS_URL.
import { existsSync } from "node:fs";
import { join } from "node:path";
import { configFromEnv } from "./config.js";
import { launchDistributed } from "./distributed/launch.js";
import { launchEmbedded } from "./embedded/launch.js";

async function embedded(): Promise<void> {
  const t0 = Date.now();
  const config = configFromEnv();
  const demoFeed = (process.env.DEMO_FEED ?? "on") !== "off";
  let stopping = false;
  const ex = await launchEmbedded({
    config,
    demoFeed,
    onFatal: (e) => {
      console.error("[engine] fatal: the engine stopped applying commands", e);
      process.exitCode = 1;
      void stop("engine-fatal");
    },
  });
  async function stop(signal: string): Promise<void> {
    if (stopping) return;
    stopping = true;
    ex.app.log.info({ signal }, "shutting down");
    await ex.close();
    process.exit(process.exitCode ?? 0);
  }
  process.once("SIGINT", () => void stop("SIGINT"));
  process.once("SIGTERM", () => void stop("SIGTERM"));
  const base = await ex.listen();
  console.log(
    [
      "",
      "perpx embedded exchange is up",
      existsSync(join(config.webDir, "index.html"))
        ? `  UI        ${base}/   (admin ${base}/admin)`
        : "  UI        not built (`make build-web`)",
      `  REST      ${base}/api/v1/time   (OpenAPI ${base}/docs, metrics ${base}/metrics)`,
      ex.stream ? `  WS        ws://${config.host}:${ex.stream.port}/ws` : "  WS        off",
      `  data      ${config.dataDir}  (replayed ${ex.replayed} commands; up in ${Date.now() - t0} ms)`,
      ex.adminKeyFile
        ? `  admin key written to ${ex.adminKeyFile} (mode 0600; \`make admin-key\` shows how to use it)`
        : "  admin key: EXCHANGE_ADMIN_KEY / EXCHANGE_ADMIN_SECRET",
      `  demo index feed ${demoFeed ? "on" : "off"}; Ctrl-C stops everything`,
      "",
    ].join("\n"),
  );
}

async function distributed(): Promise<void> {
  const t0 = Date.now();
  const config = configFromEnv();
  const gw = await launchDistributed({ config });
  let stopping = false;
  const stop = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    gw.app.log.info({ signal }, "shutting down");
    await gw.close();
    process.exit(0);
  };
  process.once("SIGINT", () => void stop("SIGINT"));
  process.once("SIGTERM", () => void stop("SIGTERM"));
  const base = await gw.listen();
  console.log(
    [
      "",
      `perpx distributed gateway is up (Kafka ${process.env.KAFKA_BROKERS}, prefix "${process.env.KAFKA_TOPIC_PREFIX ?? ""}")`,
      `  REST      ${base}/api/v1/time`,
      gw.stream ? `  WS        ws://${config.host}:${gw.stream.port}/ws` : "  WS        off",
      `  read model ${gw.caughtUp ? "caught up" : "NOT caught up (not ready)"} at engine seq ${gw.link.appliedSeq()}; up in ${Date.now() - t0} ms`,
      gw.adminKeyFile
        ? `  admin key written to ${gw.adminKeyFile} (mode 0600)`
        : "  admin key: EXCHANGE_ADMIN_KEY / EXCHANGE_ADMIN_SECRET",
      "",
    ].join("\n"),
  );
}

(process.env.KAFKA_BROKERS ? distributed() : embedded()).catch((e: unknown) => {
  console.error("perpx failed to start:", e);
  process.exit(1);
});

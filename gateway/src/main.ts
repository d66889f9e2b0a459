// `make run`: the embedded exchange (no external service). Configuration from env (SPEC §1):
// HOST, HTTP_PORT, WS_PORT, DATA_DIR, EXCHANGE_ADMIN_KEY/SECRET, DEMO_FEED (on|off), LOG_LEVEL,
// WEB_DIR (the built UI, default web/dist), PUBLIC_WS_URL.
import { existsSync } from "node:fs";
import { join } from "node:path";
import { configFromEnv } from "./config.js";
import { launchEmbedded } from "./embedded/launch.js";

async function main(): Promise<void> {
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

main().catch((e: unknown) => {
  console.error("perpx failed to start:", e);
  process.exit(1);
});

// Embedded launcher (`make run`): starts the exchange on one machine with no external service.
// Until the engine and the full API land, it serves the ops endpoints and the public time/instruments.

import { DEFAULT_INSTRUMENTS } from "@perpx/shared/instruments";
import Fastify from "fastify";

const host = process.env.HOST ?? "127.0.0.1";
const port = Number(process.env.HTTP_PORT ?? 8080);

const app = Fastify({ logger: { level: process.env.LOG_LEVEL ?? "info" } });
app.get("/health/live", async () => ({ status: "ok" }));
app.get("/api/v1/time", async () => ({ serverTime: Date.now() }));
app.get("/api/v1/instruments", async () =>
  DEFAULT_INSTRUMENTS.map((i) => ({ symbol: i.symbol, tickSize: i.tickSize, stepSize: i.stepSize })),
);

const stop = async (signal: string) => {
  app.log.info({ signal }, "shutting down");
  await app.close();
  process.exit(0);
};
process.once("SIGINT", () => void stop("SIGINT"));
process.once("SIGTERM", () => void stop("SIGTERM"));

await app.listen({ host, port });
console.log(`perpx embedded exchange\n  REST  http://${host}:${port}/api/v1/time`);

// The embedded deployment, assembled: journal + snapshots in dataDir → engine (sequencer + books) →
// in-memory read model → REST gateway, plus the schedulers that write periodic commands (funding, mark
// samples, the demo index feed). main.ts runs it; tests boot it on a temp dir and port 0.
import type { OrderBookApi } from "@perpx/engine/matcher/book-api";
import { OrderBook } from "@perpx/engine/matcher/order-book";
import { type EmbeddedEngine, openEmbeddedEngine } from "@perpx/engine/runtime/embedded-engine";
import {
  type Scheduler,
  startDemoFeed,
  startFundingScheduler,
  startMarkSampler,
} from "@perpx/engine/runtime/schedulers";
import { DEFAULT_INSTRUMENTS } from "@perpx/shared/instruments";
import type { FastifyInstance } from "fastify";
import { prepareGateway } from "../bootstrap.js";
import type { GatewayConfig } from "../config.js";
import { MemoryReadModel } from "../read-model/memory-read-model.js";
import { MemoryStreamSource } from "../stream/memory-source.js";
import { type StreamServer, startStreamServer } from "../stream/stream-server.js";
import { ApplyLatency } from "./apply-latency.js";
import { EmbeddedEngineLink } from "./engine-link.js";
import { journalFromEnv } from "./journal-env.js";
import { streamAuthFor } from "./stream-wiring.js";

/** Demo feed start prices in price units (BTCUSDT 50000.0, ETHUSDT 3000.00) when no index is known yet. */
const DEMO_START = new Map<number, number>([
  [1, 500_000],
  [2, 300_000],
]);

export interface EmbeddedOptions {
  config: GatewayConfig;
  env?: NodeJS.ProcessEnv;
  /** built-in index feed (DEMO_FEED); default on */
  demoFeed?: boolean;
  /** MARK_SAMPLE cadence in ms (0 = off); default 5 000 (SPEC §6: Binance samples every 5 s) */
  markSampleMs?: number;
  /** demo feed cadence in ms; default 1 000 */
  demoFeedMs?: number;
  /** write PAY_FUNDING at each funding time (default true) */
  fundingScheduler?: boolean;
  bookFactory?: (symbolId: number) => OrderBookApi;
  /** WebSocket stream port (WS_PORT, default 8081; 0 = any free port; null = no stream server) */
  wsPort?: number | null;
  onFatal?: (err: unknown) => void;
}

export interface EmbeddedExchange {
  app: FastifyInstance;
  engine: EmbeddedEngine;
  readModel: MemoryReadModel;
  adminKeyFile: string | undefined;
  /** commands replayed from the journal at start */
  replayed: number;
  /** the uWebSockets.js stream server (SPEC §9), when started */
  stream: StreamServer | undefined;
  /** listen on config.host:config.port (0 = any free port); resolves with the base URL */
  listen(): Promise<string>;
  close(): Promise<void>;
}

export async function launchEmbedded(o: EmbeddedOptions): Promise<EmbeddedExchange> {
  const { config } = o;
  const env = o.env ?? process.env;
  const engine = await openEmbeddedEngine({
    dataDir: config.dataDir,
    bookFactory: o.bookFactory ?? ((symbolId) => new OrderBook(symbolId)),
    // the in-memory read model is built from events, so replay the whole journal (see embedded-engine.ts)
    fromSnapshot: false,
    initialInstruments: DEFAULT_INSTRUMENTS,
    onWarning: (m) => console.warn(`[engine] ${m}`),
    ...(o.onFatal ? { onFatal: o.onFatal } : {}),
    journal: journalFromEnv(env),
  });
  const readModel = new MemoryReadModel();
  const link = new EmbeddedEngineLink(engine.runner, readModel, () => engine.log.lastSeq());
  // the stream's book mirrors and tickers are built from events too: subscribe before the replay
  const streamSource = new MemoryStreamSource([]);
  engine.runner.subscribe((events) => streamSource.push(events));
  await engine.runner.start();
  link.markCaughtUp();
  // engine-side latency and command counts for /metrics (subscribed after the read model's link)
  const latency = new ApplyLatency(() => engine.runner.appliedSeq);
  engine.runner.subscribe((_events, last) => latency.applied(last));
  const replayed = engine.runner.appliedSeq;
  let stream: StreamServer | undefined;
  const { app, adminKeyFile, keys } = await prepareGateway({
    config,
    log: latency.wrap(engine.log),
    readModel,
    engine: link,
    env,
    metricsText: () => latency.render(),
    streamPort: () => stream?.port,
  });
  const wsPort = o.wsPort === undefined ? Number(env.WS_PORT ?? 8081) : o.wsPort;
  stream =
    wsPort === null
      ? undefined
      : await startStreamServer({
          host: config.host,
          port: wsPort,
          instruments: readModel.instruments(),
          auth: streamAuthFor(keys, config, Date.now),
          source: streamSource,
          log: (msg, detail) => app.log.warn({ detail }, `stream: ${msg}`),
        });

  const append = (cmds: Parameters<typeof engine.log.append>[0]) =>
    engine.log.append(cmds).then((seqs) => {
      latency.schedulerCommands += seqs.length;
      return seqs;
    });
  const schedErr = (e: unknown) => app.log.warn({ err: e }, "scheduler could not write its command");
  const schedulers: Scheduler[] = [];
  if (o.fundingScheduler ?? true) schedulers.push(startFundingScheduler(append, Date.now, 8, schedErr));
  const markMs = o.markSampleMs ?? 5_000;
  if (markMs > 0) schedulers.push(startMarkSampler(append, Date.now, markMs, schedErr));
  if (o.demoFeed ?? true) {
    const start = new Map<number, number>();
    for (const [id, p] of DEMO_START) start.set(id, readModel.markPrice(id) ?? p);
    schedulers.push(
      startDemoFeed(append, Date.now, DEFAULT_INSTRUMENTS, start, o.demoFeedMs ?? 1_000, schedErr),
    );
  }

  let closed = false;
  return {
    app,
    engine,
    readModel,
    adminKeyFile,
    replayed,
    stream,
    async listen() {
      await app.listen({ host: config.host, port: config.port });
      const addr = app.server.address();
      const port = typeof addr === "object" && addr ? addr.port : config.port;
      return `http://${config.host}:${port}`;
    },
    async close() {
      if (closed) return;
      closed = true;
      for (const s of schedulers) s.stop();
      await stream?.close();
      await app.close();
      await engine.close();
    },
  };
}

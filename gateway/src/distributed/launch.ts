// The gateway process of the distributed deployment (SPEC §1, §10; docs/DISTRIBUTED.md), assembled like
// embedded/launch.ts but with the engine in another process:
//
//   REST ─append─▶ KafkaCommandLog (append-only; DistributedGatewayLog answers tickets)
//   matching_engine_output ─(every event, from the beginning)─▶ MemoryReadModel + MemoryStreamSource
//   matching_engine_sequence ─(from the end at start)─▶ SequenceFollower (ticket → engine seq)
//
// Every gateway instance reads the whole output topic with its own throw-away consumer group (no shared
// group, nothing committed): the read model is an in-process projection, rebuilt at every start (so a
// gateway needs the output topic's history: 7 days' retention today). Reads from Redis / the report DB
// (ReportDb) instead are a later step. Instances need distinct GATEWAY_NODE_IDs (ids.ts) and share their
// API-key store only if DATA_DIR is shared. No schedulers run here: the engine process runs them.
import { makeKafka } from "@perpx/engine/log/kafka/client";
import { KafkaCommandLog } from "@perpx/engine/log/kafka/kafka-command-log";
import { KafkaNames } from "@perpx/engine/log/kafka/topics";
import { DEFAULT_INSTRUMENTS } from "@perpx/shared/instruments";
import type { FastifyInstance } from "fastify";
import type { Kafka } from "kafkajs";
import { prepareGateway } from "../bootstrap.js";
import type { GatewayConfig } from "../config.js";
import { streamAuthFor } from "../embedded/stream-wiring.js";
import { MemoryReadModel } from "../read-model/memory-read-model.js";
import { MemoryStreamSource } from "../stream/memory-source.js";
import { type StreamServer, startStreamServer } from "../stream/stream-server.js";
import { DistributedEngineLink } from "./engine-link.js";
import { DistributedGatewayLog } from "./gateway-log.js";
import { SequenceFollower } from "./sequence-follower.js";

export interface DistributedOptions {
  config: GatewayConfig;
  env?: NodeJS.ProcessEnv;
  /** default: makeKafka() from KAFKA_BROKERS */
  kafka?: Kafka;
  /** default: KAFKA_TOPIC_PREFIX */
  names?: KafkaNames;
  /** append deadline, ms (default 5 000): past it the request is 503 LOG_UNAVAILABLE */
  appendTimeoutMs?: number;
  /**
   * how long start waits for the read model to catch up with the output topic and the followers to
   * connect, ms (default 60 000). Past it the gateway starts anyway, NOT READY (/health/ready 503) until
   * the catch-up finishes; if the followers could not even connect (Kafka unreachable at start) it stays
   * not ready — restart it (no reconnect loop here). Appends still succeed or fail on their own (503
   * LOG_UNAVAILABLE).
   */
  startupTimeoutMs?: number;
  /** WebSocket stream port (WS_PORT, default 8081; 0 = any free port; null = no stream server) */
  wsPort?: number | null;
  onWarning?: (msg: string, err?: unknown) => void;
}

export interface DistributedGateway {
  app: FastifyInstance;
  readModel: MemoryReadModel;
  link: DistributedEngineLink;
  follower: SequenceFollower;
  adminKeyFile: string | undefined;
  stream: StreamServer | undefined;
  /** true when the read model caught up within startupTimeoutMs */
  caughtUp: boolean;
  listen(): Promise<string>;
  close(): Promise<void>;
}

export async function launchDistributed(o: DistributedOptions): Promise<DistributedGateway> {
  const { config } = o;
  const env = o.env ?? process.env;
  const warn = o.onWarning ?? ((m: string, e?: unknown) => console.warn(`[gateway] ${m}`, e ?? ""));
  const kafka = o.kafka ?? makeKafka({ clientId: `perpx-gateway-${config.nodeId}` });
  const names = o.names ?? new KafkaNames(env.KAFKA_TOPIC_PREFIX ?? "");
  const kafkaLog = new KafkaCommandLog({ kafka, names, timeoutMs: o.appendTimeoutMs ?? 5000 });
  const follower = new SequenceFollower(kafka, names, { onError: (e) => warn("sequence follower", e) });
  const log = new DistributedGatewayLog(kafkaLog, () => follower.lastSeq());
  // instruments known before their INSTRUMENT events (as the notifier does): orders can be validated
  // even before the read model caught up; INSTRUMENT events replace them
  const readModel = new MemoryReadModel({ instruments: DEFAULT_INSTRUMENTS });
  const streamSource = new MemoryStreamSource([]);
  const link = new DistributedEngineLink({
    kafka,
    names,
    readModel,
    follower,
    sinks: [(events) => streamSource.push(events)],
    onError: (e) => warn("output consumer", e),
  });

  const startupMs = o.startupTimeoutMs ?? 60_000;
  const started = (async () => {
    await Promise.all([follower.start(), link.start()]);
    await link.caughtUpPromise;
  })();
  let caughtUp = false;
  let timer: ReturnType<typeof setTimeout> | undefined;
  await Promise.race([
    started.then(() => {
      caughtUp = true;
    }),
    new Promise<void>((r) => {
      timer = setTimeout(r, startupMs);
    }),
  ]).catch((e: unknown) => warn("could not start the Kafka followers; not ready", e));
  clearTimeout(timer);
  started.catch((e: unknown) => warn("Kafka followers failed", e));

  const { app, adminKeyFile, keys } = await prepareGateway({
    config,
    log,
    readModel,
    engine: link,
    env,
    metricsText: () => followerGauges(link.state(), follower.state()),
  });
  const wsPort = o.wsPort === undefined ? Number(env.WS_PORT ?? 8081) : o.wsPort;
  const stream =
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

  let closed = false;
  return {
    app,
    readModel,
    link,
    follower,
    adminKeyFile,
    stream,
    caughtUp,
    async listen() {
      await app.listen({ host: config.host, port: config.port });
      const addr = app.server.address();
      const port = typeof addr === "object" && addr ? addr.port : config.port;
      return `http://${config.host}:${port}`;
    },
    async close() {
      if (closed) return;
      closed = true;
      await stream?.close();
      await app.close();
      await Promise.all([link.close(), follower.close(), log.close()]);
    },
  };
}

/** The output consumer's and the sequence follower's positions as Prometheus gauges. */
function followerGauges(output: Record<string, number>, sequence: Record<string, number>): string {
  const lines: string[] = [];
  for (const [prefix, st] of [
    ["perpx_output_follower_", output],
    ["perpx_sequence_follower_", sequence],
  ] as const)
    for (const [k, v] of Object.entries(st)) lines.push(`# TYPE ${prefix}${k} gauge`, `${prefix}${k} ${v}`);
  return `${lines.join("\n")}\n`;
}

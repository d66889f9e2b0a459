// What a launcher (embedded or distributed) needs besides the engine: the key store from the data dir
// (secrets sealed with the master key), the first admin key, an id generator seeded above every id
// already used, and the app. The engine wiring (log, read model feed, EngineLink) is passed in.
import { join } from "node:path";
import type { CommandLog } from "@perpx/engine/log/command-log";
import type { FastifyInstance } from "fastify";
import { buildApp } from "./app.js";
import { ensureAdminKey } from "./auth/admin-bootstrap.js";
import { EncryptedKeyStore, type KeyStore } from "./auth/key-store.js";
import { loadMasterKey } from "./auth/secret-box.js";
import type { GatewayConfig } from "./config.js";
import { MonotonicIdGen } from "./ids.js";
import type { ReadModel } from "./read-model/read-model.js";
import type { EngineLink, ReadinessProbe } from "./types.js";

export interface GatewayParts {
  config: GatewayConfig;
  log: CommandLog;
  readModel: ReadModel;
  engine: EngineLink;
  probes?: readonly ReadinessProbe[];
  /** default: EncryptedKeyStore persisted to <dataDir>/api-keys.json */
  keys?: KeyStore;
  clock?: () => number;
  env?: NodeJS.ProcessEnv;
  /** the stream's port once it listens (the web UI asks for it) */
  streamPort?: () => number | undefined;
  /** more Prometheus text appended to /metrics */
  metricsText?: () => string;
}

export interface PreparedGateway {
  app: FastifyInstance;
  keys: KeyStore;
  /** where the generated admin key was written (only the path is ever printed) */
  adminKeyFile?: string;
}

export async function prepareGateway(p: GatewayParts): Promise<PreparedGateway> {
  const env = p.env ?? process.env;
  const clock = p.clock ?? Date.now;
  const keys =
    p.keys ??
    new EncryptedKeyStore({
      masterKey: loadMasterKey(p.config.dataDir, env),
      file: join(p.config.dataDir, "api-keys.json"),
      clock,
    });
  const admin = await ensureAdminKey(keys, p.config.dataDir, env);
  // ids start above the highest one the read model has seen (restart safety, see ids.ts)
  const idGen = new MonotonicIdGen({ clock, nodeId: p.config.nodeId, floor: p.readModel.maxOrderId() });
  const app = buildApp({
    config: p.config,
    log: p.log,
    readModel: p.readModel,
    engine: p.engine,
    keys,
    clock,
    idGen,
    ...(p.probes ? { probes: p.probes } : {}),
    ...(p.streamPort ? { streamPort: p.streamPort } : {}),
    ...(p.metricsText ? { metricsText: p.metricsText } : {}),
  });
  return admin.file ? { app, keys, adminKeyFile: admin.file } : { app, keys };
}

// The gateway's collaborators, passed to buildApp (app.ts) in one object. The gateway owns no exchange
// state: it writes commands to the log and answers queries from a read model fed by engine events.
import type { CommandLog } from "@perpx/engine/log/command-log";
import type { KeyStore } from "./auth/key-store.js";
import type { GatewayConfig } from "./config.js";
import type { ReadModel } from "./read-model/read-model.js";
import type { OrderView } from "./read-model/views.js";

/** The gateway's view of the engine. The embedded and distributed wirings implement it (later). */
export interface EngineLink {
  /**
   * Resolves with the order as the read model shows it once the engine has processed the command that
   * placed it (any status, REJECTED included), or undefined after timeoutMs.
   */
  waitForOrder(userId: number, orderId: number, timeoutMs: number): Promise<OrderView | undefined>;
  /**
   * Resolves true once the engine has processed every command with seq ≤ `seq` (whether or not it
   * caused events) and the read model reflects their events; false after timeoutMs. It cannot be
   * derived from ReadModel.lastSeq(), which only moves with events.
   */
  waitForSeq(seq: number, timeoutMs: number): Promise<boolean>;
  /**
   * The engine seq of what log.append() answered for a command. Embedded: the same number (absent).
   * Distributed: append() answers a ticket (where the command was written in Kafka) and this follows
   * the engine's recorded sequence to its seq; undefined after timeoutMs.
   */
  resolveSeq?(appended: number, timeoutMs: number): Promise<number | undefined>;
  /** Is the engine running and caught up with the log? (readiness probe) */
  ready(): boolean;
}

/** Unique ids for orders, users and withdrawals (safe integers, never repeated; see ids.ts). */
export interface IdGen {
  next(): number;
}

/** A store the readiness probe checks (MySQL, Redis, Kafka when configured). */
export interface ReadinessProbe {
  readonly name: string;
  check(): Promise<boolean>;
}

export interface GatewayDeps {
  readonly config: GatewayConfig;
  readonly log: CommandLog;
  readonly readModel: ReadModel;
  readonly engine: EngineLink;
  readonly keys: KeyStore;
  /** ms since epoch; stamps commands (`ts`) and checks signature timestamps and JWT expiry */
  readonly clock: () => number;
  readonly idGen: IdGen;
  /** extra stores for /health/ready (optional) */
  readonly probes?: readonly ReadinessProbe[];
  /** the WebSocket stream's port, for the web UI's /api/v1/ui-config (launchers that run a stream) */
  readonly streamPort?: () => number | undefined;
  /** more Prometheus text appended to /metrics (the embedded launcher's engine latency and counters) */
  readonly metricsText?: () => string;
}

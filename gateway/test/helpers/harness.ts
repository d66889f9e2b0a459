// One gateway under test: buildApp with a memory log, the sim engine, a memory read model holding the
// default instruments, an in-memory encrypted key store, a settable clock, and signing helpers.
import { generateKeyPairSync, randomBytes, sign } from "node:crypto";
import type { EngineEvent } from "@perpx/shared/events";
import { Ev } from "@perpx/shared/events";
import { DEFAULT_INSTRUMENTS } from "@perpx/shared/instruments";
import type { FastifyInstance, LightMyRequestResponse } from "fastify";
import { type BuildOptions, buildApp } from "../../src/app.js";
import { signRequest } from "../../src/auth/hmac.js";
import { EncryptedKeyStore } from "../../src/auth/key-store.js";
import { type GatewayConfig, makeConfig } from "../../src/config.js";
import { MonotonicIdGen } from "../../src/ids.js";
import { MemoryReadModel } from "../../src/read-model/memory-read-model.js";
import { MemoryCommandLog } from "./memory-log.js";
import { SimEngine } from "./sim-engine.js";

type ConfigOverrides = Parameters<typeof makeConfig>[0];

/** One RSA key pair per test process (generation costs ~50-200 ms). */
let rsa: { privateKey: string; publicKey: string } | undefined;
export function testRsa(): { privateKey: string; publicKey: string } {
  rsa ??= generateKeyPairSync("rsa", {
    modulusLength: 2048,
    publicKeyEncoding: { type: "spki", format: "pem" },
    privateKeyEncoding: { type: "pkcs8", format: "pem" },
  });
  return rsa;
}

const b64 = (o: unknown) => Buffer.from(JSON.stringify(o)).toString("base64url");

export function makeJwt(
  claims: Record<string, unknown>,
  header: Record<string, unknown> = { alg: "RS256", typ: "JWT", kid: "test" },
  privateKey = testRsa().privateKey,
): string {
  const input = `${b64(header)}.${b64(claims)}`;
  return `${input}.${sign("sha256", Buffer.from(input), privateKey).toString("base64url")}`;
}

export interface Creds {
  apiKey: string;
  apiSecret: string;
  userId: number;
}

export interface Harness {
  app: FastifyInstance;
  log: MemoryCommandLog;
  rm: MemoryReadModel;
  engine: SimEngine;
  keys: EncryptedKeyStore;
  config: GatewayConfig;
  /** the clock the app reads; tests move it */
  time: { now: number };
  user: Creds;
  admin: Creds;
  /** a signed request (fresh timestamp unless given) */
  signed(o: SignedOpts): Promise<LightMyRequestResponse>;
  jwt(claims?: Record<string, unknown>): string;
  close(): Promise<void>;
}

export interface SignedOpts {
  method: "GET" | "POST" | "PUT" | "DELETE";
  url: string;
  body?: unknown;
  /** raw body text, sent exactly */
  raw?: string;
  creds?: Creds;
  timestamp?: number;
  headers?: Record<string, string>;
}

export const T0 = Date.UTC(2025, 5, 1, 12, 0, 0);

export async function makeHarness(
  opts: {
    config?: ConfigOverrides;
    events?: EngineEvent[];
    /** the app's own pino logger (at config.logLevel, with its redaction) writing here; none by default */
    logStream?: BuildOptions["logStream"];
  } = {},
): Promise<Harness> {
  const time = { now: T0 };
  const clock = () => time.now;
  const config = makeConfig({
    logLevel: "silent",
    waitTimeoutMs: 200,
    ...opts.config,
    auth: { jwtPublicKeys: { test: testRsa().publicKey }, ...opts.config?.auth },
    rateLimit: { perIp: 1_000_000, perKey: 1_000_000, ...opts.config?.rateLimit },
  });
  const rm = new MemoryReadModel({ instruments: DEFAULT_INSTRUMENTS });
  const log = new MemoryCommandLog();
  const engine = new SimEngine(rm);
  log.onAppend = engine.onAppend;
  const keys = new EncryptedKeyStore({ masterKey: randomBytes(32), clock });
  const idGen = new MonotonicIdGen({ clock });
  rm.apply([
    { ev: Ev.USER, seq: 0, ts: T0, userId: 1 },
    { ev: Ev.USER, seq: 0, ts: T0, userId: 2 },
    ...(opts.events ?? []),
  ]);
  const u = await keys.create(1, false);
  const a = await keys.create(0, true);
  const app = buildApp(
    { config, log, readModel: rm, engine, keys, clock, idGen },
    opts.logStream ? { logStream: opts.logStream } : { logger: false },
  );
  await app.ready();
  const h: Harness = {
    app,
    log,
    rm,
    engine,
    keys,
    config,
    time,
    user: { apiKey: u.apiKey, apiSecret: u.apiSecret, userId: 1 },
    admin: { apiKey: a.apiKey, apiSecret: a.apiSecret, userId: 0 },
    async signed(o) {
      const creds = o.creds ?? h.user;
      const ts = String(o.timestamp ?? time.now);
      const raw = o.raw ?? (o.body === undefined ? "" : JSON.stringify(o.body));
      const sig = signRequest(creds.apiSecret, ts, o.method, o.url, raw);
      const headers: Record<string, string> = {
        APIKEY: creds.apiKey,
        timestamp: ts,
        signature: sig,
        ...o.headers,
      };
      if (raw !== "" && !headers["content-type"]) headers["content-type"] = "application/json";
      return app.inject({ method: o.method, url: o.url, headers, ...(raw !== "" ? { payload: raw } : {}) });
    },
    jwt(claims = {}) {
      return makeJwt({ sub: "1", exp: Math.floor(time.now / 1000) + 600, ...claims });
    },
    close: () => app.close(),
  };
  return h;
}

/** Moves the clock by 1 ms so two otherwise identical signed requests differ (replay protection). */
export function tick(h: Harness, ms = 1): void {
  h.time.now += ms;
}

/**
 * Serves the harness's app on a real loopback socket (port 0) for tests over HTTP; the clock is set to
 * the wall clock, since a real client's timestamps are.
 */
export async function listenLoopback(h: Harness): Promise<{ base: string; port: number }> {
  h.time.now = Date.now();
  await h.app.listen({ port: 0, host: "127.0.0.1" });
  const addr = h.app.server.address();
  if (!addr || typeof addr === "string") throw new Error("no address");
  return { base: `http://127.0.0.1:${addr.port}`, port: addr.port };
}

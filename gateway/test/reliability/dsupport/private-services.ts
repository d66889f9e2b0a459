// Private Redis and Kafka instances for the outage tests: their own ports and data dirs, so stopping
// them never touches the shared services other tests use. Started as children (children.ts), removed
// by the caller's after() hook. MariaDB outages go through a TcpProxy in front of the shared server
// (test/integration/read-side-env.ts) instead of a second mariadbd.

import { connect, createServer } from "node:net";
import { join, resolve } from "node:path";
import type { Child, Children } from "./children.js";

/** A TCP port that was free a moment ago (bind 0, read, close). */
export async function freePort(): Promise<number> {
  const srv = createServer();
  await new Promise<void>((r) => srv.listen(0, "127.0.0.1", r));
  const addr = srv.address();
  const port = typeof addr === "object" && addr ? addr.port : 0;
  await new Promise<void>((r) => srv.close(() => r()));
  if (!port) throw new Error("no free port");
  return port;
}

/** something accepts TCP connections on 127.0.0.1:port */
export function portOpen(port: number): Promise<boolean> {
  return new Promise((r) => {
    const s = connect(port, "127.0.0.1");
    s.once("connect", () => {
      s.destroy();
      r(true);
    });
    s.once("error", () => r(false));
  });
}

/** the repository root (compiled file: gateway/dist/test/reliability/dsupport/) */
export const REPO_ROOT = resolve(import.meta.dirname, "../../../../..");

/** redis-server in the foreground on `port`, no persistence (a restart starts empty, as after a crash). */
export function privateRedis(children: Children, dir: string, port: number): Child {
  return children.add({
    name: "redis",
    cmd: "redis-server",
    args: ["--bind", "127.0.0.1", "--port", String(port), "--save", "", "--appendonly", "no", "--dir", dir],
    env: process.env,
    ready: /Ready to accept connections/,
    logFile: join(dir, "redis.log"),
    readyTimeoutMs: 15_000,
  });
}

/** One KRaft broker+controller (scripts/lib/kafka-broker.sh run) with its log dir under `dir`. */
export function privateKafka(children: Children, dir: string, port: number, controllerPort: number): Child {
  return children.add({
    name: "kafka",
    cmd: "bash",
    args: [join(REPO_ROOT, "scripts/lib/kafka-broker.sh"), "run", dir, String(port), String(controllerPort)],
    env: process.env,
    probe: () => portOpen(port),
    logFile: join(dir, "broker.out"),
    readyTimeoutMs: 120_000,
  });
}

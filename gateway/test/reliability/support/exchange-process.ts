// The real embedded exchange as a child process, the way `make run` starts it
// (`node <ENGINE_NODE_FLAGS> gateway/dist/src/main.js`), on a given DATA_DIR and loopback ports, so
// a test can SIGKILL it and start it again on the same data. Demo index feed and rate limits off (the
// test drives prices and shares 127.0.0.1 between traders). stdout and stderr are kept in memory.
import { type ChildProcess, spawn } from "node:child_process";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { ENGINE_NODE_FLAGS } from "@perpx/engine/runtime/node-flags";
import { freePort } from "../../../loadtest/exchange.js";
import type { KeyPair } from "../../embedded/client.js";

const MAIN = fileURLToPath(new URL("../../../src/main.js", import.meta.url));
export const NODE_FLAGS = ENGINE_NODE_FLAGS;

export interface Exit {
  code: number | null;
  signal: string | null;
}

export interface ExchangeProcess {
  base: string;
  pid: number;
  /** everything the process wrote to stdout and stderr so far */
  output(): string;
  /** resolves when the process has exited */
  exited: Promise<Exit>;
  kill(): Promise<Exit>;
  /** SIGTERM (graceful shutdown), SIGKILL after 20 s */
  stop(): Promise<Exit>;
}

export interface Ports {
  http: number;
  ws: number;
}

export async function freePorts(): Promise<Ports> {
  return { http: await freePort(), ws: await freePort() };
}

/** Spawns the exchange; does not wait for it (see waitReady). */
export function spawnExchange(
  dataDir: string,
  ports: Ports,
  extraEnv: NodeJS.ProcessEnv = {},
): ExchangeProcess {
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    HOST: "127.0.0.1",
    HTTP_PORT: String(ports.http),
    WS_PORT: String(ports.ws),
    DATA_DIR: dataDir,
    DEMO_FEED: "off",
    RATE_LIMIT: "off",
    LOG_LEVEL: "warn",
    WEB_DIR: "",
    ...extraEnv,
  };
  delete env.KAFKA_BROKERS;
  delete env.EXCHANGE_ADMIN_KEY;
  delete env.EXCHANGE_ADMIN_SECRET;
  const child: ChildProcess = spawn(process.execPath, [...NODE_FLAGS, MAIN], {
    env,
    stdio: ["ignore", "pipe", "pipe"],
  });
  let out = "";
  child.stdout?.setEncoding("utf8").on("data", (s: string) => {
    out += s;
  });
  child.stderr?.setEncoding("utf8").on("data", (s: string) => {
    out += s;
  });
  const exited = new Promise<Exit>((resolve) =>
    child.once("exit", (code, signal) => resolve({ code, signal })),
  );
  const running = () => child.exitCode === null && child.signalCode === null;
  return {
    base: `http://127.0.0.1:${ports.http}`,
    pid: child.pid ?? 0,
    output: () => out,
    exited,
    async kill() {
      if (running()) child.kill("SIGKILL");
      return exited;
    },
    async stop() {
      if (running()) child.kill("SIGTERM");
      const timer = setTimeout(() => child.kill("SIGKILL"), 20_000);
      const r = await exited;
      clearTimeout(timer);
      return r;
    },
  };
}

/** Polls /health/ready until 200; throws with the process output if it exits or the deadline passes. */
export async function waitReady(p: ExchangeProcess, deadlineMs = 60_000): Promise<void> {
  const until = Date.now() + deadlineMs;
  let exit: Exit | undefined;
  void p.exited.then((e) => {
    exit = e;
  });
  while (Date.now() < until) {
    if (exit) throw new Error(`the exchange exited (${JSON.stringify(exit)}) while starting:\n${p.output()}`);
    try {
      const r = await fetch(`${p.base}/health/ready`);
      if (r.status === 200) return;
    } catch {
      // not listening yet
    }
    await new Promise((r) => setTimeout(r, 50));
  }
  await p.kill();
  throw new Error(`the exchange was not ready in ${deadlineMs} ms:\n${p.output()}`);
}

/** Starts the exchange and waits until it is ready. */
export async function startExchange(
  dataDir: string,
  ports: Ports,
  extraEnv?: NodeJS.ProcessEnv,
): Promise<ExchangeProcess> {
  const p = spawnExchange(dataDir, ports, extraEnv);
  await waitReady(p);
  return p;
}

export function adminKeyOf(dataDir: string): KeyPair {
  const f = JSON.parse(readFileSync(join(dataDir, "admin-key.json"), "utf8")) as KeyPair;
  return { apiKey: f.apiKey, apiSecret: f.apiSecret };
}

// A fresh embedded exchange for one load test: its own temp DATA_DIR, free loopback ports, the demo
// index feed off (the generator is the oracle, through the admin route), the rate limits off (every
// trader shares 127.0.0.1). The process is gateway/dist/src/main.js, as `make run` starts it; stopped
// with SIGTERM (graceful shutdown), SIGKILL only if it has not exited after 20 s.
import { type ChildProcess, spawn } from "node:child_process";
import { createWriteStream, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { ENGINE_NODE_FLAGS } from "@perpx/engine/runtime/node-flags";
import type { KeyPair } from "./rest.js";

const MAIN = fileURLToPath(new URL("../src/main.js", import.meta.url));

export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.once("error", reject);
    s.listen(0, "127.0.0.1", () => {
      const a = s.address();
      const port = typeof a === "object" && a ? a.port : 0;
      s.close(() => resolve(port));
    });
  });
}

export interface RunningExchange {
  base: URL;
  wsUrl: string;
  dataDir: string;
  logFile: string;
  admin: KeyPair;
  pid: number;
  /** user + system CPU time the exchange process has used so far, ms (Linux /proc; NaN elsewhere) */
  cpuMs(): number;
  /** SIGTERM, wait for exit; resolves with how it ended */
  stop(): Promise<{ code: number | null; signal: string | null; graceful: boolean; ms: number }>;
  /** removes the data dir */
  cleanup(): void;
}

/** utime + stime of a process from /proc/<pid>/stat (fields 14, 15, in clock ticks of 10 ms) */
function procCpuMs(pid: number): number {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
    // the command name (field 2) may hold spaces: count fields after its closing parenthesis
    const f = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
    return (Number(f[11]) + Number(f[12])) * 10;
  } catch {
    return Number.NaN;
  }
}

async function waitReady(base: URL, child: ChildProcess, deadlineMs: number): Promise<void> {
  const until = Date.now() + deadlineMs;
  while (Date.now() < until) {
    if (child.exitCode !== null) throw new Error(`the exchange exited with ${child.exitCode} while starting`);
    try {
      const r = await fetch(new URL("/health/ready", base));
      if (r.status === 200) return;
    } catch {
      // not listening yet
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error("the exchange did not become ready in time");
}

export async function startExchange(
  nodeFlags: readonly string[] = ENGINE_NODE_FLAGS,
): Promise<RunningExchange> {
  const dataDir = mkdtempSync(join(tmpdir(), "perpx-loadtest-"));
  const [httpPort, wsPort] = [await freePort(), await freePort()];
  const logFile = join(dataDir, "perpx.log");
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    HOST: "127.0.0.1",
    HTTP_PORT: String(httpPort),
    WS_PORT: String(wsPort),
    DATA_DIR: dataDir,
    DEMO_FEED: "off",
    RATE_LIMIT: "off",
    LOG_LEVEL: "warn",
    WEB_DIR: "",
  };
  delete env.KAFKA_BROKERS;
  delete env.EXCHANGE_ADMIN_KEY;
  delete env.EXCHANGE_ADMIN_SECRET;
  const child = spawn(process.execPath, [...nodeFlags, MAIN], { env, stdio: ["ignore", "pipe", "pipe"] });
  const log = createWriteStream(logFile, { flags: "a" });
  child.stdout?.pipe(log);
  child.stderr?.pipe(log);
  const base = new URL(`http://127.0.0.1:${httpPort}`);
  const exited = new Promise<{ code: number | null; signal: string | null }>((resolve) =>
    child.once("exit", (code, signal) => resolve({ code, signal })),
  );
  try {
    await waitReady(base, child, 30_000);
  } catch (e) {
    child.kill("SIGKILL");
    await exited;
    throw e;
  }
  const file = JSON.parse(readFileSync(join(dataDir, "admin-key.json"), "utf8")) as KeyPair;
  return {
    base,
    wsUrl: `ws://127.0.0.1:${wsPort}/ws`,
    dataDir,
    logFile,
    admin: { apiKey: file.apiKey, apiSecret: file.apiSecret },
    pid: child.pid ?? 0,
    cpuMs: () => procCpuMs(child.pid ?? 0),
    async stop() {
      const t0 = Date.now();
      if (child.exitCode === null && child.signalCode === null) child.kill("SIGTERM");
      const timer = setTimeout(() => child.kill("SIGKILL"), 20_000);
      const r = await exited;
      clearTimeout(timer);
      log.end();
      return { ...r, graceful: r.code === 0 && r.signal === null, ms: Date.now() - t0 };
    },
    cleanup() {
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

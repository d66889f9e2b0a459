// Child processes of the distributed reliability tests (engine, gateways, savers, notifier, private
// brokers): spawned with their own env, output appended to a log file, readiness by a line of output,
// SIGKILL on demand. Every child ever spawned is in `Children`, and `killAll()` (an after() hook) ends
// the ones still alive — by pid, never by name.
import { type ChildProcess, spawn } from "node:child_process";
import { appendFileSync, readFileSync } from "node:fs";

export interface ChildSpec {
  /** short name for logs and reports: "engine", "gw-a", "savers", "kafka" */
  name: string;
  cmd: string;
  args: string[];
  env: NodeJS.ProcessEnv;
  /** a line of stdout/stderr that means "ready" */
  ready?: RegExp;
  /** or: polled every 200 ms until it answers true */
  probe?: () => Promise<boolean>;
  /** appended: stdout and stderr of every incarnation */
  logFile: string;
  readyTimeoutMs?: number;
}

export class Child {
  proc: ChildProcess | undefined;
  starts = 0;
  kills = 0;

  constructor(
    readonly spec: ChildSpec,
    private readonly owner: Children,
  ) {}

  get alive(): boolean {
    return this.proc !== undefined && this.proc.exitCode === null && this.proc.signalCode === null;
  }

  /** Spawns the process and resolves when its ready line appears (rejects if it exits first). */
  async start(): Promise<void> {
    if (this.alive) throw new Error(`${this.spec.name} already running`);
    const s = this.spec;
    this.starts++;
    appendFileSync(s.logFile, `\n===== start #${this.starts} of ${s.name} at ${new Date().toISOString()}\n`);
    const p = spawn(s.cmd, s.args, { env: s.env, stdio: ["ignore", "pipe", "pipe"] });
    this.proc = p;
    this.owner.track(p);
    const ms = s.readyTimeoutMs ?? 90_000;
    await new Promise<void>((resolve, reject) => {
      let buf = "";
      let done = false;
      const finish = (e?: Error) => {
        if (done) return;
        done = true;
        clearTimeout(timer);
        if (e) reject(e);
        else resolve();
      };
      const onData = (d: Buffer) => {
        const text = d.toString();
        appendFileSync(s.logFile, text);
        if (!done) {
          buf = (buf + text).slice(-4096);
          if (s.ready?.test(buf)) finish();
        }
      };
      p.stdout?.on("data", onData);
      p.stderr?.on("data", onData);
      p.once("exit", (code, sig) =>
        finish(new Error(`${s.name} exited (${code ?? sig}) before ready; see ${s.logFile}\n${this.tail()}`)),
      );
      const poll = async () => {
        while (!done && s.probe) {
          if (await s.probe().catch(() => false)) return finish();
          await new Promise((r) => setTimeout(r, 200));
        }
      };
      void poll();
      const timer = setTimeout(
        () => finish(new Error(`${s.name} not ready within ${ms} ms; see ${s.logFile}\n${this.tail()}`)),
        ms,
      );
    });
  }

  /** SIGKILL; resolves once the process is gone. */
  async kill9(): Promise<void> {
    const p = this.proc;
    if (!p || !this.alive) return;
    this.kills++;
    const gone = new Promise<void>((r) => p.once("exit", () => r()));
    p.kill("SIGKILL");
    await gone;
  }

  /** SIGTERM, then SIGKILL after `graceMs`. */
  async stop(graceMs = 15_000): Promise<void> {
    const p = this.proc;
    if (!p || !this.alive) return;
    const gone = new Promise<void>((r) => p.once("exit", () => r()));
    p.kill("SIGTERM");
    const t = setTimeout(() => p.kill("SIGKILL"), graceMs);
    await gone;
    clearTimeout(t);
  }

  tail(lines = 30): string {
    try {
      return readFileSync(this.spec.logFile, "utf8").split("\n").slice(-lines).join("\n");
    } catch {
      return "";
    }
  }
}

export class Children {
  private readonly procs = new Set<ChildProcess>();

  add(spec: ChildSpec): Child {
    return new Child(spec, this);
  }

  track(p: ChildProcess): void {
    this.procs.add(p);
    p.once("exit", () => this.procs.delete(p));
  }

  /** SIGKILL every child still alive and wait for them to exit. */
  async killAll(): Promise<void> {
    const waits: Promise<void>[] = [];
    for (const p of this.procs) {
      if (p.exitCode !== null || p.signalCode !== null) continue;
      waits.push(new Promise<void>((r) => p.once("exit", () => r())));
      p.kill("SIGKILL");
    }
    await Promise.all(waits);
    this.procs.clear();
  }
}

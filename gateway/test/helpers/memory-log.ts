// Test double of the CommandLog (engine/src/log/command-log.ts): in memory, appends in call order,
// can be told to fail (nothing appended) and calls a hook after each durable append (the sim engine).
import type { CommandLog } from "@perpx/engine/log/command-log";
import type { Command, LoggedCommand } from "@perpx/shared/commands";

export class MemoryCommandLog implements CommandLog {
  readonly entries: LoggedCommand[] = [];
  /** when set, append rejects with this error and appends nothing */
  failWith: Error | undefined;
  /** ms to wait before an append resolves (simulated fsync) */
  delayMs = 0;
  onAppend: ((cmds: readonly LoggedCommand[]) => void) | undefined;
  private waiters: { after: number; resolve: (ok: boolean) => void }[] = [];

  async append(cmds: readonly Command[]): Promise<number[]> {
    if (this.delayMs > 0) await new Promise((r) => setTimeout(r, this.delayMs));
    if (this.failWith) throw this.failWith;
    const logged = cmds.map((cmd) => ({ seq: this.entries.length + 1, cmd }));
    for (const l of logged) this.entries.push(l);
    this.waiters = this.waiters.filter((w) => {
      if (this.lastSeq() > w.after) w.resolve(true);
      return this.lastSeq() <= w.after;
    });
    this.onAppend?.(logged);
    return logged.map((l) => l.seq);
  }

  async read(from: number, max: number): Promise<LoggedCommand[]> {
    return this.entries.slice(Math.max(0, from - 1), Math.max(0, from - 1) + max);
  }

  lastSeq(): number {
    return this.entries.length;
  }

  waitFor(after: number, timeoutMs: number): Promise<boolean> {
    if (this.lastSeq() > after) return Promise.resolve(true);
    return new Promise((resolve) => {
      const w = { after, resolve };
      this.waiters.push(w);
      setTimeout(() => resolve(false), timeoutMs).unref();
    });
  }

  async close(): Promise<void> {}

  commands(): Command[] {
    return this.entries.map((e) => e.cmd);
  }
}

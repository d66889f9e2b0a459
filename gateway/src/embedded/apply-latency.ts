// Engine-side latency of the embedded exchange, for /metrics: the time from the gateway's log append
// call to the engine having applied the command (journal group commit + fsync + read + apply + read-model
// update), as a Prometheus histogram, plus counters of the commands written by the gateway and by the
// schedulers (so Δ perpx_log_seq = Δ gateway + Δ scheduler commands) and the engine's applied seq.
// Owner: the embedded launcher; the gateway sees only a CommandLog (TimedCommandLog wraps the journal).
import type { CommandLog } from "@perpx/engine/log/command-log";
import type { Command, LoggedCommand } from "@perpx/shared/commands";

/** upper bounds, seconds: 100 µs … 5 s */
const BUCKETS = [
  0.0001, 0.00025, 0.0005, 0.00075, 0.001, 0.0015, 0.002, 0.003, 0.005, 0.0075, 0.01, 0.015, 0.025, 0.05, 0.1,
  0.25, 0.5, 1, 2.5, 5,
];

interface Pending {
  /** seq of the last command of the append call */
  last: number;
  count: number;
  t0: number;
}

export class ApplyLatency {
  private readonly buckets = new Array<number>(BUCKETS.length).fill(0);
  private count = 0;
  private sum = 0;
  private pending: Pending[] = [];
  gatewayCommands = 0;
  schedulerCommands = 0;

  constructor(
    private readonly appliedSeq: () => number,
    private readonly now: () => number = () => performance.now(),
  ) {}

  /** The gateway's view of the log: every append is counted and timed until applied. */
  wrap(log: CommandLog): CommandLog {
    return new TimedCommandLog(log, this);
  }

  /** An append call that started at t0 (ms) was given seqs ending at `last`. */
  appended(last: number, count: number, t0: number): void {
    this.gatewayCommands += count;
    if (this.appliedSeq() >= last) this.observe(this.now() - t0, count);
    else this.pending.push({ last, count, t0 });
  }

  /** The engine has applied everything up to `seq` (runner subscriber). */
  applied(seq: number): void {
    if (this.pending.length === 0) return;
    const now = this.now();
    const keep: Pending[] = [];
    for (const p of this.pending) {
      if (p.last <= seq) this.observe(now - p.t0, p.count);
      else keep.push(p);
    }
    this.pending = keep;
  }

  private observe(ms: number, n: number): void {
    const s = ms / 1000;
    this.count += n;
    this.sum += s * n;
    for (let i = 0; i < BUCKETS.length; i++)
      if (s <= (BUCKETS[i] as number)) this.buckets[i] = (this.buckets[i] ?? 0) + n;
  }

  render(): string {
    const h = "perpx_engine_apply_seconds";
    const out = [
      `# HELP ${h} Gateway log append call to the engine having applied the command (embedded).`,
      `# TYPE ${h} histogram`,
    ];
    BUCKETS.forEach((le, i) => {
      out.push(`${h}_bucket{le="${le}"} ${this.buckets[i]}`);
    });
    out.push(`${h}_bucket{le="+Inf"} ${this.count}`, `${h}_sum ${this.sum}`, `${h}_count ${this.count}`);
    const counter = (name: string, help: string, v: number) =>
      out.push(`# HELP ${name} ${help}`, `# TYPE ${name} counter`, `${name} ${v}`);
    counter(
      "perpx_gateway_commands_total",
      "Commands the gateway appended to the log.",
      this.gatewayCommands,
    );
    counter(
      "perpx_scheduler_commands_total",
      "Commands the schedulers (funding, mark samples, demo feed) appended to the log.",
      this.schedulerCommands,
    );
    out.push(
      "# HELP perpx_engine_applied_seq Last command seq the engine has applied.",
      "# TYPE perpx_engine_applied_seq gauge",
      `perpx_engine_applied_seq ${this.appliedSeq()}`,
    );
    return `${out.join("\n")}\n`;
  }
}

class TimedCommandLog implements CommandLog {
  constructor(
    private readonly inner: CommandLog,
    private readonly lat: ApplyLatency,
  ) {}

  async append(cmds: readonly Command[]): Promise<number[]> {
    const t0 = performance.now();
    const seqs = await this.inner.append(cmds);
    const last = seqs[seqs.length - 1];
    if (last !== undefined) this.lat.appended(last, seqs.length, t0);
    return seqs;
  }

  read(from: number, max: number): Promise<LoggedCommand[]> {
    return this.inner.read(from, max);
  }

  lastSeq(): number {
    return this.inner.lastSeq();
  }

  waitFor(after: number, timeoutMs: number): Promise<boolean> {
    return this.inner.waitFor(after, timeoutMs);
  }

  close(): Promise<void> {
    return this.inner.close();
  }
}

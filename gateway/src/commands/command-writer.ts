// Writing commands and waiting for their outcome (SPEC §8.3, §12). A command is acknowledged only
// after log.append resolves (durable); an append failure is 503 LOG_UNAVAILABLE and nothing is
// acknowledged. `?wait=true` then waits for the engine: 200 with the outcome, or 504 {status: UNKNOWN}.
import type { CommandLog } from "@perpx/engine/log/command-log";
import type { Command } from "@perpx/shared/commands";
import { ApiError } from "../api-error.js";
import type { ReadModel } from "../read-model/read-model.js";
import type { EngineLink } from "../types.js";

export interface Outcome {
  status: "APPLIED" | "REJECTED";
  rejectReason?: string;
}

export class CommandWriter {
  constructor(
    private readonly log: CommandLog,
    private readonly engine: EngineLink,
    private readonly readModel: ReadModel,
    readonly waitTimeoutMs: number,
  ) {}

  /**
   * Appends and resolves with the seqs once durable; LOG_UNAVAILABLE otherwise. One `then` on the log's
   * promise, no async wrapper: this is on the path of every order (CPU per request, rest.bench.ts).
   */
  append(cmds: readonly Command[]): Promise<number[]> {
    return this.begin(cmds).then((seqs) => checked(seqs, cmds.length), rethrowUnavailable);
  }

  /** append() of one command: its seq once durable. */
  appendOne(cmd: Command): Promise<number> {
    return this.begin([cmd]).then((seqs) => checked(seqs, 1)[0] as number, rethrowUnavailable);
  }

  /** the log's promise; a synchronous throw becomes a rejection */
  private begin(cmds: readonly Command[]): Promise<number[]> {
    try {
      return this.log.append(cmds);
    } catch (err) {
      return Promise.reject(err);
    }
  }

  /** Waits until the engine has applied `seq`; 504 TIMEOUT with `extra` (status UNKNOWN) otherwise. */
  async waitApplied(appended: number, extra: Record<string, unknown>, userId?: number): Promise<Outcome> {
    const seq = await this.engineSeq(appended, extra);
    if (!(await this.engine.waitForSeq(seq, this.waitTimeoutMs))) throw timeout(extra);
    const rejects = this.readModel.rejectsAt(seq).filter((r) => userId === undefined || r.userId === userId);
    const first = rejects[0];
    return first ? { status: "REJECTED", rejectReason: first.reason } : { status: "APPLIED" };
  }

  /**
   * The engine seq of what append() answered (the same number in embedded mode; a Kafka ticket resolved
   * through the recorded sequence in distributed mode); 504 TIMEOUT with `extra` when unknown in time.
   */
  async engineSeq(appended: number, extra: Record<string, unknown>): Promise<number> {
    if (!this.engine.resolveSeq) return appended;
    const seq = await this.engine.resolveSeq(appended, this.waitTimeoutMs);
    if (seq === undefined) throw timeout(extra);
    return seq;
  }
}

/** A log failure as the client sees it (an ApiError the log raised itself is kept). */
function unavailable(err: unknown): ApiError {
  if (ApiError.is(err)) return err;
  return new ApiError(
    "LOG_UNAVAILABLE",
    "the command log did not make the command durable; nothing was accepted",
  );
}

function checked(seqs: number[], n: number): number[] {
  if (seqs.length !== n) throw unavailable(new Error("log returned the wrong number of seqs"));
  return seqs;
}

function rethrowUnavailable(err: unknown): never {
  throw unavailable(err);
}

export function timeout(extra: Record<string, unknown>): ApiError {
  return new ApiError("TIMEOUT", "the engine did not answer in time; reconcile by id", {
    extra: { ...extra, status: "UNKNOWN" },
  });
}

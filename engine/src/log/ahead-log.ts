// Execute-ahead (engine/src/runtime/engine-runner.ts): a command log that hands out appended commands
// before they are durable, and says when they become durable or are dropped. The embedded journal is
// one (journal-command-log.ts); the Kafka log is not.
import type { LoggedCommand } from "@perpx/shared/commands";

export interface AheadLog {
  /** seq of the last appended command (durable or not) */
  appendedSeq(): number;
  /**
   * Appended commands with seq ≥ from (durable or not), in order, at most `max`; from memory only. Durable
   * ones only while the log still holds them (none: the caller reads them back with read()).
   */
  readAhead(from: number, max: number): LoggedCommand[];
  /**
   * Resolves true at once when a command with seq > after is appended, else at the next append (callers
   * re-check what they need), or false after timeoutMs.
   */
  waitAppended(after: number, timeoutMs: number): Promise<boolean>;
  /** Called synchronously each time the durable seq advances, before the appends' promises settle. */
  onDurable(fn: (durableSeq: number) => void): () => void;
  /**
   * Called synchronously when appended commands are dropped (a failed write or fsync): every seq above
   * `durableSeq` is void and will be reused.
   */
  onRollback(fn: (durableSeq: number) => void): () => void;
}

export function isAheadLog(log: unknown): log is AheadLog {
  return typeof (log as Partial<AheadLog>).readAhead === "function";
}

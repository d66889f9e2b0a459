// The command log (SPEC §12): the engine's one total order of commands. Two implementations behind this
// interface: the embedded journal (append-only segment files, group-committed fsync) and Kafka.
// A command is acknowledged (2xx) only after append() resolves: it is durable then.
import type { Command, LoggedCommand } from "@perpx/shared/commands";

export interface CommandLog {
  /**
   * Appends commands in order and resolves once they are durable, with the seq given to each
   * (1-based, gap-free). Concurrent calls are group-committed; order between calls is call order.
   * Rejects with a retriable error when the log cannot make them durable (nothing was appended).
   */
  append(cmds: readonly Command[]): Promise<number[]>;
  /** Reads durable commands with seq ≥ from, in order, at most `max`. Empty when caught up. */
  read(from: number, max: number): Promise<LoggedCommand[]>;
  /** seq of the last durable command (0 when empty). */
  lastSeq(): number;
  /** Resolves when a command with seq > after is durable (or after timeoutMs with false). */
  waitFor(after: number, timeoutMs: number): Promise<boolean>;
  close(): Promise<void>;
}

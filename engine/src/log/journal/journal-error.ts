// Errors of the journal. They cross into the gateway (append) and the engine's start-up (open), so they
// carry a catalog-style code and a retriable flag, and are recognised by a Symbol.for brand.
import { type WireError, wireError } from "@perpx/shared/errors";

export type JournalErrorCode =
  /** the commands of this append were not made durable (write/fsync failed, disk full, closed); retry */
  | "LOG_UNAVAILABLE"
  /** the files hold corruption recovery must not repair (acknowledged records would be lost) */
  | "LOG_CORRUPT";

const BRAND = Symbol.for("perpx.JournalError");

export class JournalError extends Error {
  readonly [BRAND] = true;
  readonly code: JournalErrorCode;
  readonly retriable: boolean;
  constructor(code: JournalErrorCode, msg: string, options?: { cause?: unknown }) {
    super(msg, options);
    this.name = "JournalError";
    this.code = code;
    this.retriable = code === "LOG_UNAVAILABLE";
  }
  static is(e: unknown): e is JournalError {
    return typeof e === "object" && e !== null && (e as Record<symbol, unknown>)[BRAND] === true;
  }
  /** The gateway's 503 body for an append that failed. */
  toWire(): WireError {
    return wireError("LOG_UNAVAILABLE", this.message);
  }
}

export function unavailable(msg: string, cause?: unknown): JournalError {
  return new JournalError("LOG_UNAVAILABLE", msg, cause === undefined ? undefined : { cause });
}

export function corrupt(msg: string): JournalError {
  return new JournalError("LOG_CORRUPT", msg);
}

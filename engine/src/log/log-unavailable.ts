// The one error a command log raises when it cannot make commands durable (SPEC §8.4 LOG_UNAVAILABLE,
// §12): nothing of the failed append was acknowledged, and the caller may retry. It crosses process
// boundaries as `{code, retriable}` (STYLE habit 5), and is recognised by a brand, not by instanceof,
// so it survives duplicate installs of the package (undici's habit).

const BRAND = Symbol.for("perpx.LogUnavailableError");

export class LogUnavailableError extends Error {
  readonly [BRAND] = true;
  /** the catalog name (shared/src/errors.ts HTTP_ERRORS.LOG_UNAVAILABLE: 503, code 5002) */
  readonly code = "LOG_UNAVAILABLE" as const;
  readonly retriable = true as const;

  constructor(msg: string, options?: { cause?: unknown }) {
    super(msg, options);
    this.name = "LogUnavailableError";
  }

  static is(e: unknown): e is LogUnavailableError {
    return typeof e === "object" && e !== null && (e as Record<symbol, unknown>)[BRAND] === true;
  }
}

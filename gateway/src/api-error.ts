// The one error type the gateway throws for anything a client did or can retry: a catalog name
// (shared/errors.ts) and a message. The error handler (plugins/errors.ts) turns it into
// `{code, error, msg}` with the catalog's HTTP status. Recognised by a brand, not instanceof.
import { HTTP_ERRORS, type HttpErrorName } from "@perpx/shared/errors";

const BRAND = Symbol.for("perpx.ApiError");

export class ApiError extends Error {
  readonly [BRAND] = true;
  readonly error: HttpErrorName;
  readonly statusCode: number;
  /** extra response headers (Retry-After) */
  readonly headers: Readonly<Record<string, string>> | undefined;
  /** extra body fields (504 {status: "UNKNOWN"}) */
  readonly extra: Readonly<Record<string, unknown>> | undefined;

  constructor(
    error: HttpErrorName,
    msg: string,
    opts: { headers?: Record<string, string>; extra?: Record<string, unknown> } = {},
  ) {
    super(msg);
    this.name = "ApiError";
    this.error = error;
    this.statusCode = HTTP_ERRORS[error].http;
    this.headers = opts.headers;
    this.extra = opts.extra;
  }

  static is(e: unknown): e is ApiError {
    return typeof e === "object" && e !== null && (e as Record<symbol, unknown>)[BRAND] === true;
  }
}

/** The wire body of an error. */
export interface ErrorBody {
  code: number;
  error: HttpErrorName;
  msg: string;
}

export function errorBody(name: HttpErrorName, msg: string): ErrorBody {
  return { code: HTTP_ERRORS[name].code, error: name, msg };
}

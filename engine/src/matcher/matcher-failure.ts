// How a dead or misbehaving matcher worker is reported to the sequencer (STYLE habit 5: what crosses a
// thread boundary is a code and a retriable flag, not a class hierarchy). Owner: ShardRouter.

export interface MatcherFailure {
  readonly code: "MATCHER_FAILED";
  readonly retriable: false;
  readonly shard: number;
  readonly message: string;
}

const kBrand = Symbol.for("perpx.MatcherUnavailableError");

/**
 * Thrown by sends and drain() once the router has failed or closed. Recognised by a Symbol.for brand
 * (undici's habit), so `instanceof` holds across duplicate copies of this module.
 */
export class MatcherUnavailableError extends Error {
  readonly code = "MATCHER_FAILED";
  readonly retriable = false;
  readonly [kBrand] = true;

  static override [Symbol.hasInstance](x: unknown): boolean {
    return typeof x === "object" && x !== null && (x as { [kBrand]?: unknown })[kBrand] === true;
  }

  constructor(reason: string) {
    super(`matcher workers unavailable: ${reason}`);
    this.name = "MatcherUnavailableError";
  }
}

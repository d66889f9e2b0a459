// Load-test knobs (env, all optional), validated once. `make loadtest` passes them through.
//   LOADTEST_SECONDS  run length, s (default 30, at most 60)
//   LOADTEST_RATE     target trader requests per second (default 300; the index feed and admin are extra)
//   LOADTEST_SEED     PRNG seed (default 42): same seed ⇒ same sequence of decisions
//   LOADTEST_MAKERS / LOADTEST_TAKERS  number of market makers / takers (default 4 / 12)
//   LOADTEST_CONCURRENCY  REST requests in flight at most (default 64); over it a tick is skipped, counted
//   LOADTEST_OUT      report directory (default artifacts/loadtest)
export interface LoadOptions {
  readonly seconds: number;
  readonly rate: number;
  readonly seed: number;
  readonly makers: number;
  readonly takers: number;
  readonly concurrency: number;
  readonly outDir: string;
  readonly symbols: readonly string[];
}

function num(env: NodeJS.ProcessEnv, name: string, dflt: number, lo: number, hi: number): number {
  const raw = env[name];
  if (raw === undefined || raw === "") return dflt;
  const v = Number(raw);
  if (!Number.isInteger(v) || v < lo || v > hi) throw new Error(`${name} must be an integer in ${lo}..${hi}`);
  return v;
}

export function optionsFromEnv(env: NodeJS.ProcessEnv = process.env): LoadOptions {
  return {
    seconds: num(env, "LOADTEST_SECONDS", 30, 1, 60),
    rate: num(env, "LOADTEST_RATE", 300, 1, 20_000),
    seed: num(env, "LOADTEST_SEED", 42, 0, 2 ** 32 - 1),
    makers: num(env, "LOADTEST_MAKERS", 4, 1, 100),
    takers: num(env, "LOADTEST_TAKERS", 12, 1, 1_000),
    concurrency: num(env, "LOADTEST_CONCURRENCY", 64, 1, 1_024),
    outDir: env.LOADTEST_OUT || "artifacts/loadtest",
    symbols: ["BTCUSDT", "ETHUSDT"],
  };
}

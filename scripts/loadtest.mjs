#!/usr/bin/env node
// `make loadtest`: the seeded load generator (gateway/loadtest/, TypeScript compiled by `tsc -b`) against
// a fresh embedded exchange; writes artifacts/loadtest/report.{md,json} and loadtest.svg. Knobs (env):
// LOADTEST_SECONDS (30, ≤ 60), LOADTEST_RATE (300 req/s), LOADTEST_SEED (42), LOADTEST_MAKERS (4),
// LOADTEST_TAKERS (12), LOADTEST_CONCURRENCY (64), LOADTEST_OUT (artifacts/loadtest).
import { existsSync } from "node:fs";

const main = new URL("../gateway/dist/loadtest/main.js", import.meta.url);
if (!existsSync(main)) {
  console.error("gateway/dist/loadtest/main.js is missing: run `make build` (tsc -b) first");
  process.exit(1);
}
await import(main.href);

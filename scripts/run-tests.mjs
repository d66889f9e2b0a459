#!/usr/bin/env node
// Runs the compiled node:test files of one suite. node:test on Node 20 does not expand globs, so this
// script lists the files itself and passes them explicitly.
//   unit         every *.test.js under a workspace's dist/ except test/integration, test/reliability
//                and test/e2e (unit tests next to the code, scenario tests, the short stress variants)
//   integration  */dist/test/integration/** and */dist/test/reliability/** (the short reliability
//                variants; real MariaDB, Redis, Kafka: run `make up` first)
//   reliability  */dist/test/reliability/** with PERPX_RELIABILITY=long (crash, storage-fault and soak
//                long variants: `make test-reliability`, docs/RELIABILITY.md)
//   stress       */dist/test/stress/** with PERPX_STRESS=long (the long variants)
//   e2e          */dist/test/e2e/**
import { spawnSync } from "node:child_process";
import { existsSync, readdirSync, statSync } from "node:fs";
import { join, relative, sep } from "node:path";

const root = new URL("..", import.meta.url).pathname;
const suite = process.argv[2] ?? "unit";
const filter = process.argv[3];
const workspaces = ["shared", "engine", "gateway"];

function walk(dir, out) {
  if (!existsSync(dir)) return out;
  for (const name of readdirSync(dir)) {
    const p = join(dir, name);
    if (statSync(p).isDirectory()) walk(p, out);
    else if (name.endsWith(".test.js")) out.push(p);
  }
  return out;
}

const under = (rel, dir) => rel.includes(`${sep}test${sep}${dir}${sep}`);
const inSuite = {
  unit: (rel) => !under(rel, "integration") && !under(rel, "reliability") && !under(rel, "e2e"),
  integration: (rel) => under(rel, "integration") || under(rel, "reliability"),
  reliability: (rel) => under(rel, "reliability"),
  stress: (rel) => rel.includes(`${sep}test${sep}stress${sep}`),
  e2e: (rel) => rel.includes(`${sep}test${sep}e2e${sep}`),
}[suite];
if (!inSuite) {
  console.error(`unknown suite ${suite}: unit | integration | reliability | stress | e2e`);
  process.exit(2);
}

const files = workspaces
  .flatMap((ws) => walk(join(root, ws, "dist"), []))
  .map((p) => relative(root, p))
  .filter((rel) => inSuite(`${sep}${rel}`))
  .filter((rel) => !filter || rel.includes(filter))
  .sort();

if (files.length === 0) {
  console.error(`no ${suite} test files found (did the build run?)`);
  process.exit(1);
}
console.log(`[test:${suite}] ${files.length} files`);
const env = { ...process.env };
if (suite === "stress") env.PERPX_STRESS = "long";
if (suite === "reliability") env.PERPX_RELIABILITY = "long";
else delete env.PERPX_RELIABILITY; // the short variants everywhere else
const res = spawnSync(process.execPath, ["--test", "--test-reporter=spec", ...files], {
  cwd: root,
  stdio: "inherit",
  env,
});
process.exit(res.status ?? 1);

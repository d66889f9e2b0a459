#!/usr/bin/env node
// `make bench`: runs every compiled benchmark (`<workspace>/dist/bench/*.bench.js`) one after another
// in its own process (2 cores: never in parallel), streaming its output. Each benchmark prints a
// Markdown section (table + reproduce command) to stdout; the sections are also collected in
// artifacts/bench/<name>.md so docs/BENCHMARKS.md can be refreshed from a real run.
//   node scripts/bench.mjs [filter]     e.g. `node scripts/bench.mjs book`
// Each benchmark is started with --expose-gc only; one that measures the engine as it runs in production
// re-starts itself with the engine's Node flags and prints them (engine.bench: ENGINE_NODE_FLAGS of
// engine/src/runtime/node-flags.ts, the Makefile's), so `node engine/dist/bench/engine.bench.js` run by
// hand measures the same thing.
import { spawnSync } from "node:child_process";
import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { basename, join } from "node:path";

const root = new URL("..", import.meta.url).pathname;
const filter = process.argv[2];
const outDir = join(root, "artifacts", "bench");
mkdirSync(outDir, { recursive: true });

const files = ["shared", "engine", "gateway"].flatMap((ws) => {
  const dir = join(root, ws, "dist", "bench");
  return existsSync(dir)
    ? readdirSync(dir)
        .filter((f) => f.endsWith(".bench.js"))
        .map((f) => join(dir, f))
    : [];
});
// match the benchmark's file name, not its path (a checkout dir may contain the filter word)
const chosen = files.filter((f) => !filter || basename(f).includes(filter)).sort();
if (chosen.length === 0) {
  console.error("no benchmarks found (run `make build`)");
  process.exit(1);
}
let failed = 0;
for (const f of chosen) {
  const name = basename(f, ".bench.js");
  console.log(`\n==> bench ${name} (${f.slice(root.length)})`);
  const t0 = Date.now();
  const res = spawnSync(process.execPath, ["--expose-gc", f], {
    cwd: root,
    encoding: "utf8",
    stdio: ["ignore", "pipe", "inherit"],
  });
  process.stdout.write(res.stdout ?? "");
  writeFileSync(join(outDir, `${name}.md`), res.stdout ?? "");
  console.log(`<== ${name}: exit ${res.status} in ${((Date.now() - t0) / 1000).toFixed(1)} s`);
  if (res.status !== 0) failed++;
}
// docs/BENCHMARKS.md = the hand-written header (docs/benchmarks-header.md) + one block per benchmark,
// each between <!-- bench:NAME --> markers. A run replaces the blocks of the benchmarks it ran and keeps
// every other block as last recorded, so a filtered run never drops the others' figures.
const docPath = join(root, "docs", "BENCHMARKS.md");
const header = readFileSync(join(root, "docs", "benchmarks-header.md"), "utf8").trim();
const blocks = new Map();
if (existsSync(docPath)) {
  const re = /<!-- bench:([\w.-]+) -->\n([\s\S]*?)\n<!-- \/bench:\1 -->/g;
  for (const m of readFileSync(docPath, "utf8").matchAll(re)) blocks.set(m[1], m[2].trim());
}
for (const f of chosen) {
  const name = basename(f, ".bench.js");
  const text = readFileSync(join(outDir, `${name}.md`), "utf8").trim();
  if (text) blocks.set(name, text);
}
const body = [...blocks.keys()]
  .sort()
  .map((name) => `<!-- bench:${name} -->\n${blocks.get(name)}\n<!-- /bench:${name} -->`)
  .join("\n\n");
writeFileSync(docPath, `${header}\n\n${body}\n`);
console.log(`\nupdated docs/BENCHMARKS.md (${chosen.length} of ${blocks.size} sections from this run)`);
process.exit(failed ? 1 : 0);

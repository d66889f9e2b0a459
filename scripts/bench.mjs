#!/usr/bin/env node
// `make bench`: runs every compiled benchmark (`<workspace>/dist/bench/*.bench.js`) one after another
// in its own process (2 cores: never in parallel), streaming its output. Each benchmark prints a
// Markdown section (table + reproduce command) to stdout; the sections are also collected in
// artifacts/bench/<name>.md so docs/BENCHMARKS.md can be refreshed from a real run.
//   node scripts/bench.mjs [filter]     e.g. `node scripts/bench.mjs book`
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
const chosen = files.filter((f) => !filter || f.includes(filter)).sort();
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
// docs/BENCHMARKS.md = the hand-written header + every section recorded so far (a filtered run
// refreshes its own sections and keeps the others' last recorded ones).
const header = readFileSync(join(root, "docs", "benchmarks-header.md"), "utf8");
const sections = readdirSync(outDir)
  .filter((f) => f.endsWith(".md"))
  .sort()
  .map((f) => readFileSync(join(outDir, f), "utf8").trim())
  .filter((t) => t.length > 0);
writeFileSync(join(root, "docs", "BENCHMARKS.md"), `${header.trim()}\n\n${sections.join("\n\n")}\n`);
console.log(`\nwrote docs/BENCHMARKS.md (${sections.length} sections)`);
process.exit(failed ? 1 : 0);

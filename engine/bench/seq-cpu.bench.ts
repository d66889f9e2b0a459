// Sequencer CPU per command (Markdown on stdout): the engine benchmark's order flow
// (engine-commands.ts, 200 000 commands after the untimed set-up) through Sequencer.apply with in-thread
// books and no journal, RUNS times in fresh sequencers; reports CPU µs per command (process.cpuUsage),
// scavenges and mark-compacts per run (PerformanceObserver "gc"), commands/s, and the state hash (every
// run must end in the same one). A quick, load-independent-ish gauge of the sequencer's own cost.
// Reproduce: `npx tsc -b && node scripts/bench.mjs seq-cpu`
// (PERPX_BENCH_FLOW / PERPX_BENCH_RUNS change the size; `node --cpu-prof engine/dist/bench/seq-cpu.bench.js`
// profiles it).
import { constants, PerformanceObserver } from "node:perf_hooks";
import type { LoggedCommand } from "@perpx/shared/commands";
import type { EngineEvent } from "@perpx/shared/events";
import { Ev } from "@perpx/shared/events";
import { OrderBook } from "../src/matcher/order-book.js";
import { InThreadMatchPort } from "../src/sequencer/match-port.js";
import { Sequencer } from "../src/sequencer/sequencer.js";
import { engineStream, logged } from "./engine-commands.js";
import { collectGarbage, fmt, median } from "./report.js";

const SEED = 20_250_601;
const SYMBOLS = 2;
const FLOW = Number(process.env.PERPX_BENCH_FLOW ?? 200_000);
const RUNS = Number(process.env.PERPX_BENCH_RUNS ?? 5);
const BATCH = Number(process.env.PERPX_BENCH_BATCH ?? 4096);

let minor = 0;
let major = 0;
let gcMs = 0;
const obs = new PerformanceObserver((list) => {
  for (const e of list.getEntries()) {
    gcMs += e.duration;
    const kind = (e as unknown as { detail?: { kind?: number } }).detail?.kind;
    if (kind === constants.NODE_PERFORMANCE_GC_MINOR) minor++;
    else major++;
  }
});
obs.observe({ entryTypes: ["gc"] });

/** Applies `cmds` in batches of BATCH commands (events kept per batch, as the runner does). */
function apply(seq: Sequencer, cmds: readonly LoggedCommand[], countRejects: boolean): number {
  let rejects = 0;
  for (let i = 0; i < cmds.length; i += BATCH) {
    const out: EngineEvent[] = [];
    const end = Math.min(cmds.length, i + BATCH);
    for (let k = i; k < end; k++) seq.apply(cmds[k]!, out);
    if (countRejects) for (const e of out) if (e.ev === Ev.REJECT) rejects++;
  }
  return rejects;
}

function fresh(setup: readonly LoggedCommand[]): Sequencer {
  const seq = new Sequencer({ matcher: new InThreadMatchPort((id) => new OrderBook(id)) });
  apply(seq, setup, false);
  return seq;
}

/** Lets the PerformanceObserver callbacks of the run arrive. */
const tick = () => new Promise<void>((r) => setTimeout(r, 20));

async function main(): Promise<void> {
  const s = engineStream(SEED, SYMBOLS, FLOW);
  const setup = logged(s.setup);
  const flow = logged(s.flow, setup.length + 1);
  const rows: { cpu: number; rate: number; minor: number; major: number; gc: number; hash: string }[] = [];
  // an untimed validation run: the whole stream must be accepted (no reject events)
  const rejects = apply(fresh(setup), flow, true);
  if (rejects !== 0) throw new Error(`${rejects} rejects: the stream must be accepted whole`);
  for (let r = 0; r < RUNS; r++) {
    const seq = fresh(setup);
    collectGarbage();
    await tick();
    minor = 0;
    major = 0;
    gcMs = 0;
    const c0 = process.cpuUsage();
    const t0 = performance.now();
    apply(seq, flow, false);
    const ms = performance.now() - t0;
    const cpu = process.cpuUsage(c0);
    await tick();
    rows.push({
      cpu: (cpu.user + cpu.system) / flow.length,
      rate: flow.length / (ms / 1000),
      minor,
      major,
      gc: gcMs / ms,
      hash: seq.stateHash(),
    });
  }
  const hashes = new Set(rows.map((x) => x.hash));
  if (hashes.size !== 1) throw new Error("runs ended in different state hashes");
  console.log("## Sequencer CPU per command (in-thread books, journal off)\n");
  console.log(
    `${fmt(flow.length)} commands of \`engineStream(${SEED}, ${SYMBOLS})\`, ${RUNS} runs, events kept per ` +
      `${BATCH} commands (node ${process.execArgv.join(" ") || "(no flags)"}).\n`,
  );
  console.log("| run | CPU µs/command | commands/s | scavenges | mark-compacts | GC pause share |");
  console.log("|---|---:|---:|---:|---:|---:|");
  const pct = (x: number) => `${fmt(100 * x, 1)} %`;
  rows.forEach((x, i) => {
    console.log(`| ${i + 1} | ${fmt(x.cpu, 2)} | ${fmt(x.rate)} | ${x.minor} | ${x.major} | ${pct(x.gc)} |`);
  });
  console.log(
    `| median | ${fmt(median(rows.map((x) => x.cpu)), 2)} | ${fmt(median(rows.map((x) => x.rate)))} | ` +
      `${median(rows.map((x) => x.minor))} | ${median(rows.map((x) => x.major))} | ` +
      `${pct(median(rows.map((x) => x.gc)))} |`,
  );
  console.log(`\nstate hash ${rows[0]!.hash.slice(0, 16)}…`);
  console.log("\nReproduce: `npx tsc -b && node scripts/bench.mjs seq-cpu`");
  obs.disconnect();
}

await main();

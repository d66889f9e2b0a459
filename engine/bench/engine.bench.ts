// Engine benchmark (SPEC §13): sequencer + matcher (in-thread books or WorkerMatchPort workers) +
// journal, on a seeded exchange-core-like command stream generated before any timing
// (engine-commands.ts). Prints a Markdown section. Bounded to ≈ 2–3 min on 2 cores.
//   npx tsc -b && node scripts/bench.mjs engine.bench
// Knobs: PERPX_BENCH_PARTS=throughput,latency,recovery,snapshot (default all), PERPX_BENCH_FLOW (timed
// commands per throughput run, default 200 000), PERPX_BENCH_RECORDS (replay size, default 1 000 000),
// PERPX_BENCH_TRACE=1 (max latency per 100 ms of each paced run, on stderr); the paced-latency knobs are
// listed in engine-latency.ts.
// Node flags: the benchmark runs the engine as production does — it re-starts itself with
// ENGINE_NODE_FLAGS (engine/src/runtime/node-flags.ts = the Makefile's, as `make run` starts the engine)
// unless PERPX_BENCH_NODE_FLAGS says otherwise ("" = none, for A/B runs of flags), and prints the flags it
// ran with. The in-thread throughput rows run once more in a child process with Node's default flags
// (PERPX_BENCH_COMPARE=0 skips it), so both settings are measured in the same run.
import { spawnSync } from "node:child_process";
import { loadavg } from "node:os";
import { argv, execArgv, execPath } from "node:process";
import { fileURLToPath } from "node:url";
import { type Command, Op } from "@perpx/shared/commands";
import { OrderStatus } from "@perpx/shared/domain";
import type { EngineEvent } from "@perpx/shared/events";
import { Ev } from "@perpx/shared/events";
import { ENGINE_NODE_FLAGS } from "../src/runtime/node-flags.js";
import { Sequencer } from "../src/sequencer/sequencer.js";
import { engineStream, logged } from "./engine-commands.js";
import { BENCH_WORKERS, latencyPart } from "./engine-latency.js";
import { type Books, fromMemory, GROUP, openPort, throughJournal } from "./engine-runs.js";
import { recoveryPart, snapshotPart } from "./engine-state.js";
import { type DurabilityFloor, durabilityFloor, fsyncLatency } from "./fsync-latency.js";
import { environment, fmt, median, table } from "./report.js";

const SEED = 20_250_601;
const SYMBOLS = 2;
const FLOW = Number(process.env.PERPX_BENCH_FLOW ?? 200_000);
const RECORDS = Number(process.env.PERPX_BENCH_RECORDS ?? 1_000_000);
const RUNS = 3;
const PARTS = new Set(
  (process.env.PERPX_BENCH_PARTS ?? "fsync,throughput,latency,recovery,snapshot").split(","),
);
const BOOKS: readonly Books[] = [
  { name: "in-thread books", workers: 0 },
  { name: "WorkerMatchPort, 1 worker", workers: 1 },
  { name: "WorkerMatchPort, 2 workers", workers: 2 },
].filter((b) => BENCH_WORKERS.includes(b.workers));
/** commands of the latency stream: enough for 100k/s over the warm-up and the timed window */
const LATENCY_FLOW = Number(process.env.PERPX_BENCH_LATENCY_FLOW ?? 400_000);
/** the Node flags the engine runs with here: the production ones unless PERPX_BENCH_NODE_FLAGS is set */
const RUN_FLAGS: readonly string[] =
  process.env.PERPX_BENCH_NODE_FLAGS === undefined
    ? ENGINE_NODE_FLAGS
    : process.env.PERPX_BENCH_NODE_FLAGS.split(/\s+/).filter((f) => f !== "");
/** set in the process re-started with RUN_FLAGS */
const RESTARTED = process.env.PERPX_BENCH_RESTARTED === "1";
/** set in a child started by childRow(): run one throughput row and print it as JSON */
const CHILD_ROW = process.env.PERPX_BENCH_CHILD_ROW;
const COMPARE = process.env.PERPX_BENCH_COMPARE !== "0";
const PACED_SECONDS = 2;

const lines: string[] = [];
const out = (s = "") => {
  lines.push(s);
  process.stderr.write(`${s}\n`); // progress while it runs; stdout gets the section at the end
};

/** What one full pass of the stream does: events, trades, rejects (must be 0), and the state hash. */
async function profileStream(setup: readonly Command[], flow: readonly Command[], workers: number) {
  const { port, close } = await openPort(workers);
  const seq = new Sequencer({ matcher: port });
  const evs: EngineEvent[] = [];
  let events = 0;
  let trades = 0;
  let rejects = 0;
  const all = logged([...setup, ...flow]);
  for (let i = 0; i < all.length; i++) {
    seq.apply(all[i]!, evs);
    if (i < setup.length) {
      evs.length = 0;
      continue;
    }
    events += evs.length;
    for (const e of evs) {
      if (e.ev === Ev.TRADE) trades++;
      if (e.ev === Ev.REJECT || (e.ev === Ev.ORDER && e.status === OrderStatus.REJECTED)) rejects++;
    }
    evs.length = 0;
  }
  const hash = seq.stateHash();
  await close();
  return { events, trades, rejects, hash };
}

interface RowResult {
  off: number[];
  offCpu: number[];
  on: number[];
  onCpu: number[];
  /** journal on, runner reading durable records back (no execute-ahead): in-thread rows only */
  back: number[];
  backCpu: number[];
  /** per run: journal on (execute-ahead) / journal off of the same run */
  ratio: number[];
  perGroup: number;
  hashes: string[];
}

/** RUNS × (journal off, journal on) for one books setting. */
async function throughputRow(b: Books, setup: Command[], flow: Command[]): Promise<RowResult> {
  const setupLogged = logged(setup);
  const flowLogged = logged(flow, setup.length + 1);
  const groups: Command[][] = [];
  for (let i = 0; i < flow.length; i += GROUP) groups.push(flow.slice(i, i + GROUP));
  const r: RowResult = {
    off: [],
    offCpu: [],
    on: [],
    onCpu: [],
    back: [],
    backCpu: [],
    ratio: [],
    perGroup: 0,
    hashes: [],
  };
  for (let k = 0; k < RUNS; k++) {
    const m = await fromMemory(b.workers, setupLogged, flowLogged);
    const j = await throughJournal(b.workers, setup, groups, flow.length, true);
    r.off.push(m.rate);
    r.offCpu.push(m.cpuMicros);
    r.on.push(j.rate);
    r.onCpu.push(j.cpuMicros);
    r.ratio.push(j.rate / m.rate);
    r.perGroup = flow.length / j.groupsCommitted;
    r.hashes.push(m.hash, j.hash);
    let backNote = "";
    if (b.workers === 0) {
      const rb = await throughJournal(b.workers, setup, groups, flow.length, false);
      r.back.push(rb.rate);
      r.backCpu.push(rb.cpuMicros);
      r.hashes.push(rb.hash);
      backNote = `, on (read back) ${fmt(rb.rate)}/s`;
    }
    process.stderr.write(`  ${b.name} run ${k + 1}: off ${fmt(m.rate)}/s, on ${fmt(j.rate)}/s${backNote}\n`);
  }
  return r;
}

/** The same row in a child process started with `flags` (and --expose-gc) only. */
function childRow(index: number, flags: readonly string[]): RowResult {
  const res = spawnSync(execPath, ["--expose-gc", ...flags, fileURLToPath(import.meta.url)], {
    encoding: "utf8",
    env: { ...process.env, PERPX_BENCH_CHILD_ROW: String(index) },
    stdio: ["ignore", "pipe", "inherit"],
    maxBuffer: 1 << 20,
  });
  if (res.status !== 0) throw new Error(`child row ${index} failed (exit ${res.status})`);
  return JSON.parse(res.stdout) as RowResult;
}

/** median max commands/s per BOOKS row, journal on and off */
interface Maxima {
  on: number[];
  off: number[];
}

async function throughputPart(setup: Command[], flow: Command[], hash: string): Promise<Maxima> {
  const rows: string[][] = [];
  const max: Maxima = { on: [], off: [] };
  const range = (xs: number[]) => `${fmt(Math.min(...xs))} – ${fmt(Math.max(...xs))}`;
  const emit = (name: string, r: RowResult) => {
    if (r.hashes.some((h) => h !== hash)) throw new Error(`${name}: a run ended in another state hash`);
    rows.push([
      name,
      "off (from memory)",
      `**${fmt(median(r.off))}**`,
      range(r.off),
      fmt(median(r.offCpu), 2),
      "",
      "",
    ]);
    rows.push([
      name,
      "on, execute-ahead (disk, group commit)",
      `**${fmt(median(r.on))}**`,
      range(r.on),
      fmt(median(r.onCpu), 2),
      fmt(r.perGroup),
      fmt(median(r.ratio), 2),
    ]);
    if (r.back.length > 0)
      rows.push([
        name,
        "on, read back + decode (before)",
        fmt(median(r.back)),
        range(r.back),
        fmt(median(r.backCpu), 2),
        "",
        fmt(median(r.back.map((x, i) => x / r.off[i]!)), 2),
      ]);
  };
  for (const b of BOOKS) {
    const r = await throughputRow(b, setup, flow);
    max.on.push(median(r.on));
    max.off.push(median(r.off));
    emit(b.name, r);
    if (b.workers === 0 && COMPARE && RUN_FLAGS.length > 0) {
      process.stderr.write("  (child process with Node's default flags)\n");
      emit(`${b.name}, Node's default flags`, childRow(0, []));
    }
  }
  out(
    table(
      [
        "books",
        "journal",
        "commands/s median",
        `min – max (${RUNS} runs)`,
        "CPU µs/cmd",
        "cmds per fsync",
        "on / off (same run, median)",
      ],
      rows,
    ),
  );
  return max;
}

async function main(): Promise<void> {
  const t0 = performance.now();
  out("## Engine: sequencer + matchers + journal");
  out();
  out(`${environment()}. Reproduce: \`npx tsc -b && node scripts/bench.mjs engine.bench\`.`);
  out();
  out(
    `Node flags of this run: \`${execArgv.join(" ")}\` (${
      RUN_FLAGS === ENGINE_NODE_FLAGS
        ? "the engine's production flags, `engine/src/runtime/node-flags.ts` = the Makefile's `ENGINE_NODE_FLAGS`"
        : "set by PERPX_BENCH_NODE_FLAGS"
    }; --expose-gc for the forced GC between runs). Every row below runs with them unless it says otherwise.`,
  );
  out();
  // the throughput stream is not live during the latency part (its objects would lengthen every GC)
  const max = await streamParts();
  if (PARTS.has("latency")) {
    await latencyPart(
      out,
      { seed: SEED, symbols: SYMBOLS, commands: LATENCY_FLOW },
      BOOKS,
      max,
      PACED_SECONDS,
    );
    out();
  }
  if (PARTS.has("recovery")) {
    out("### Recovery: full replay of the journal (`make replay`)");
    out();
    await recoveryPart(out, SEED, SYMBOLS, RECORDS, BOOKS);
    out();
  }
  if (PARTS.has("snapshot")) {
    out("### Snapshot pause and size");
    out();
    out(
      "`Sequencer.snapshot()` (the apply loop's pause: the runner serializes between batches; compression and " +
        "fsync run off-thread in the snapshot store), median of 5. With workers each book comes back through " +
        "the rings (SNAPSHOT_REQUEST → rows).",
    );
    out();
    await snapshotPart(out);
    out();
  }
  out(
    `Total ${fmt((performance.now() - t0) / 1000, 1)} s; load average ${loadavg()[0]!.toFixed(1)} at the end.`,
  );
}

/** The stream's profile, the disk's fsync latency and max throughput; returns the maxima. */
async function streamParts(): Promise<Maxima> {
  const s = engineStream(SEED, SYMBOLS, FLOW);
  const check = await profileStream(s.setup, s.flow, 0);
  if (check.rejects !== 0) throw new Error(`${check.rejects} rejects: the stream must be accepted whole`);
  const mix = new Map<number, number>();
  for (const c of s.flow) mix.set(c.op, (mix.get(c.op) ?? 0) + 1);
  const pctOf = (op: number) => fmt((100 * (mix.get(op) ?? 0)) / s.flow.length, 1);
  out(
    `Stream: \`engineStream(${SEED}, ${SYMBOLS} symbols, ${fmt(FLOW)})\` (engine/bench/engine-commands.ts): ` +
      `stream-gen "mixed" order flow per symbol, interleaved; ${s.users} users with deposits and ` +
      `~1 000 resting orders per symbol set up untimed; timed: ${pctOf(Op.PLACE_ORDER)} % places (GTC + IOC), ` +
      `${pctOf(Op.CANCEL_ORDER)} % cancels, ${pctOf(Op.AMEND_ORDER)} % amends; ${fmt(check.events / FLOW, 2)} events and ` +
      `${fmt(check.trades / FLOW, 3)} trades per command, 0 rejects. Every timed run below (in-thread or workers, ` +
      "journal off or on) ends in the same state hash as this check pass.",
  );
  out();
  if (PARTS.has("fsync")) {
    out("### Disk: pwrite + fdatasync latency");
    out();
    out(
      "One write at the end of a file, then fdatasync, 2 000 times (`engine/bench/fsync-latency.ts`): the " +
        "floor of any latency that waits for durability — an acknowledgement, and (execute-ahead) the " +
        "publication of results.",
    );
    out();
    const rows: string[][] = [];
    for (const bytes of [4096, 65_536]) {
      const f = await fsyncLatency(bytes, 2000);
      rows.push([`${fmt(bytes / 1024)} KiB`, ...f.ms.map((x) => fmt(x, 3))]);
    }
    out(table(["write", "p50 ms", "p90 ms", "p99 ms", "p99.9 ms", "max ms"], rows));
    out();
    out(
      "**The disk's floor for the journal-on latency** (`durabilityFloor` in the same file): back-to-back " +
        "group writes into a preallocated `O_DSYNC` file, as the journal writes them (each group holds the " +
        "commands that arrived during the previous write, 100 bytes each), commands arriving at 100 000/s, " +
        "and nothing else running — no engine, no encoding. A command's latency is the end of the write " +
        "that carries it minus its arrival: no engine can publish or acknowledge a durable command sooner " +
        "on this disk. 3 runs of 2 s; the median run by p99 is shown, and the p99 of each run.",
    );
    out();
    const floors: DurabilityFloor[] = [];
    for (let r = 0; r < 3; r++) floors.push(await durabilityFloor(100_000, 2));
    const byP99 = [...floors].sort((a, b) => a.ms[1] - b.ms[1]);
    const f = byP99[1]!;
    out(
      table(
        [
          "rate/s",
          "commands",
          "group writes",
          "write p50 / max ms",
          "p50 ms",
          "p99 ms",
          "p99.9 ms",
          "max ms",
          "p99 of each run ms",
        ],
        [
          [
            fmt(f.rate),
            fmt(f.commands),
            fmt(f.writes),
            `${fmt(f.write[0], 3)} / ${fmt(f.write[1], 2)}`,
            ...f.ms.map((x) => fmt(x, 3)),
            floors.map((x) => fmt(x.ms[1], 2)).join(" / "),
          ],
        ],
      ),
    );
    out();
  }
  let max: Maxima = { on: [], off: [] };
  if (PARTS.has("throughput")) {
    out(`### Max throughput (${fmt(FLOW)} commands per run, ${RUNS} runs)`);
    out();
    out(
      `Journal off: \`Sequencer.apply\` over LoggedCommands in memory, events collected in batches of 4096 ` +
        `(the runner's read batch). Journal on: the commands are appended to a \`JournalCommandLog\` on disk ` +
        `(${GROUP} per append, one event-loop turn between appends, at most 32 768 unapplied), group-committed ` +
        `(write + fdatasync) and applied by the \`EngineRunner\` — all on one thread and its event loop, as in ` +
        `the embedded deployment. Execute-ahead (the embedded engine's mode): the runner applies commands as ` +
        `they are appended (the appended objects, no read-back or decode) and publishes their events once ` +
        `their group is durable. "read back + decode": the runner reads each durable group back from the ` +
        `journal's tail cache and decodes it (the previous mode). Timed from the first append to the last ` +
        `command published.`,
    );
    out();
    max = await throughputPart(s.setup, s.flow, check.hash);
    out();
  }
  return max;
}

if (CHILD_ROW === undefined && !RESTARTED) {
  // run as the engine runs: the same process, re-started with the engine's flags
  const res = spawnSync(execPath, [...execArgv, ...RUN_FLAGS, ...argv.slice(1)], {
    env: { ...process.env, PERPX_BENCH_RESTARTED: "1" },
    stdio: "inherit",
  });
  process.exit(res.status ?? 1);
} else if (CHILD_ROW !== undefined) {
  const s = engineStream(SEED, SYMBOLS, FLOW);
  process.stdout.write(JSON.stringify(await throughputRow(BOOKS[Number(CHILD_ROW)]!, s.setup, s.flow)));
} else {
  await main();
  process.stdout.write(`${lines.join("\n")}\n`);
}

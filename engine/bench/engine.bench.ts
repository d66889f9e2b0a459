// Engine benchmark (SPEC §13): sequencer + matcher (in-thread books or WorkerMatchPort workers) +
// journal, on a seeded exchange-core-like command stream generated before any timing
// (engine-commands.ts). Prints a Markdown section. Bounded to ≈ 2–3 min on 2 cores.
//   npx tsc -b && node scripts/bench.mjs engine.bench
// Knobs: PERPX_BENCH_PARTS=throughput,latency,recovery,snapshot (default all), PERPX_BENCH_FLOW (timed
// commands per throughput run, default 200 000), PERPX_BENCH_RECORDS (replay size, default 1 000 000),
// PERPX_BENCH_TRACE=1 (max latency per 100 ms of each paced run, on stderr).
// The in-thread throughput rows run once more in a child process started with ENGINE_FLAGS (what
// `make run` gives the engine), so both settings are measured in the same run.
import { spawnSync } from "node:child_process";
import { loadavg } from "node:os";
import { fileURLToPath } from "node:url";
import { type Command, Op } from "@perpx/shared/commands";
import { OrderStatus } from "@perpx/shared/domain";
import type { EngineEvent } from "@perpx/shared/events";
import { Ev } from "@perpx/shared/events";
import { Sequencer } from "../src/sequencer/sequencer.js";
import { engineStream, logged } from "./engine-commands.js";
import {
  type Books,
  fromMemory,
  GROUP,
  openPort,
  paced,
  pacedInMemory,
  throughJournal,
  WARMUP_SECONDS,
} from "./engine-runs.js";
import { recoveryPart, snapshotPart } from "./engine-state.js";
import { fsyncLatency } from "./fsync-latency.js";
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
];
const RATES = [10_000, 50_000, 100_000, 300_000, 1_000_000];
/** commands of the latency stream: enough for 100k/s over the warm-up and the timed window */
const LATENCY_FLOW = Number(process.env.PERPX_BENCH_LATENCY_FLOW ?? 400_000);
/** V8 flags the Makefile gives the engine process (a larger young generation: fewer scavenges) */
const ENGINE_FLAGS = ["--max-semi-space-size=64"];
/** set in a child started by childRow(): run one throughput row and print it as JSON */
const CHILD_ROW = process.env.PERPX_BENCH_CHILD_ROW;
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

/** The same row in a child process started with extra V8 flags. */
function childRow(index: number, flags: readonly string[]): RowResult {
  const res = spawnSync(process.execPath, ["--expose-gc", ...flags, fileURLToPath(import.meta.url)], {
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
    if (b.workers === 0) {
      process.stderr.write(`  (child process with ${ENGINE_FLAGS.join(" ")})\n`);
      emit(`${b.name}, \`${ENGINE_FLAGS.join(" ")}\``, childRow(0, ENGINE_FLAGS));
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

/** One paced-latency table (journal on or off); rates above the row's measured max are skipped. */
async function latencyTable(
  journal: boolean,
  setup: Command[],
  flow: Command[],
  max: readonly number[],
): Promise<void> {
  const rows: string[][] = [];
  const skipped: string[] = [];
  const setupLogged = journal ? [] : logged(setup);
  const flowLogged = journal ? [] : logged(flow, setup.length + 1);
  const ms = (x: number) => fmt(x, 3);
  for (let k = 0; k < BOOKS.length; k++) {
    const b = BOOKS[k]!;
    for (const rate of RATES) {
      const m = max[k];
      if (m !== undefined && rate > m) {
        skipped.push(`${b.name} at ${fmt(rate)}/s (its median max was ${fmt(m)}/s)`);
        continue;
      }
      const l = journal
        ? await paced(b.workers, setup, flow, rate, PACED_SECONDS)
        : await pacedInMemory(b.workers, setupLogged, flowLogged, rate, PACED_SECONDS);
      const head = [b.name, fmt(rate), fmt(l.commands), fmt(l.achieved), l.sustained ? "yes" : "**no**"];
      const tail = [ms(l.applied[0]), ms(l.applied[1]), ms(l.applied[2]), ms(l.applied[3])];
      rows.push(
        journal
          ? [
              ...head,
              `${ms(l.executed[0])} / ${ms(l.executed[1])} / ${ms(l.executed[2])}`,
              ...tail,
              `${ms(l.durable[0])} / ${ms(l.durable[1])}`,
            ]
          : [...head, ...tail],
      );
      process.stderr.write(
        `  journal ${journal ? "on" : "off"}, ${b.name} @ ${rate}: p50 ${ms(l.applied[0])} p99 ${ms(l.applied[1])}\n`,
      );
    }
  }
  const what = journal ? "published" : "applied";
  out(
    table(
      [
        "books",
        "offered/s",
        "timed commands",
        "achieved/s",
        "kept up",
        ...(journal ? ["applied p50 / p99 / p99.9 ms"] : []),
        `${what} p50 ms`,
        `${what} p99 ms`,
        `${what} p99.9 ms`,
        `${what} max ms`,
        ...(journal ? ["durable (ack) p50 / p99 ms"] : []),
      ],
      rows,
    ),
  );
  if (skipped.length > 0) {
    out();
    out(`Not run (the engine cannot sustain them): ${skipped.join("; ")}.`);
  }
}

async function main(): Promise<void> {
  const t0 = performance.now();
  out("## Engine: sequencer + matchers + journal");
  out();
  out(`${environment()}. Reproduce: \`npx tsc -b && node scripts/bench.mjs engine.bench\`.`);
  out();
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
  if (PARTS.has("latency")) {
    const l = engineStream(SEED, SYMBOLS, LATENCY_FLOW);
    out(`### Latency at paced rates (${PACED_SECONDS} s per rate, after ${WARMUP_SECONDS} s of warm-up)`);
    out();
    out(
      `Stream: \`engineStream(${SEED}, ${SYMBOLS} symbols, ${fmt(LATENCY_FLOW)})\` (the same generator, longer). ` +
        "Per command, from the moment it was due at the offered rate (so a busy event loop counts; no " +
        `coordinated omission). Each run first goes ${WARMUP_SECONDS} s at its rate unreported (JIT, the first ` +
        "scavenges of the state the set-up built), then is timed for up to " +
        `${PACED_SECONDS} s (less when the stream runs out: see "timed commands"). The pacer hands over what is ` +
        "due each event-loop turn (≤ 4096 at a time). Rates above a row's median max throughput (previous " +
        "section) are skipped.",
    );
    out();
    out(
      "**Journal off**: the due commands go from memory into `Sequencer.apply` as one batch; " +
        '"applied" ends when the batch is applied and its events are out. Nothing is durable.',
    );
    out();
    await latencyTable(false, l.setup, l.flow, max.off);
    out();
    out(
      '**Journal on** (execute-ahead, as the embedded engine runs): "applied" until the runner has applied ' +
        'the command to the engine state, before it is durable; "published" until its events were delivered ' +
        'to the subscribers (read model, stream) — only after its group\'s fdatasync; "durable (ack)" until ' +
        "its append() resolved (write + fdatasync: when the gateway may answer 2xx).",
    );
    out();
    await latencyTable(true, l.setup, l.flow, max.on);
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

if (CHILD_ROW !== undefined) {
  const s = engineStream(SEED, SYMBOLS, FLOW);
  process.stdout.write(JSON.stringify(await throughputRow(BOOKS[Number(CHILD_ROW)]!, s.setup, s.flow)));
} else {
  await main();
  process.stdout.write(`${lines.join("\n")}\n`);
}

// Paced latency of the engine benchmark (engine.bench.ts): commands offered at a fixed rate, journal off
// (from memory into Sequencer.apply) and on (JournalCommandLog + EngineRunner, execute-ahead), each
// command's latency from the moment it was due. Every run also reports what explains its tail: GC pauses,
// the journal's fdatasync durations and commands per group commit (latency-probes.ts).
// Knobs: PERPX_BENCH_RATES (commands/s, comma-separated, default 10000,50000,100000,300000,1000000),
// PERPX_BENCH_BOOKS (matcher workers per row, comma-separated, 0 = in-thread books; default 0,1,2; the
// throughput rows follow it too),
// PERPX_BENCH_JOURNAL (off,on: which tables; default both),
// PERPX_BENCH_PACER (µs the pacer may busy-wait for the next due command per turn, default 20),
// PERPX_BENCH_LATENCY_RUNS (runs per rate, medians reported; default 3: one 10–20 ms stall episode sets a single run's p99 on this 2-core VM). Owner: the benchmark process.
import type { Command, LoggedCommand } from "@perpx/shared/commands";
import type { EngineEvent } from "@perpx/shared/events";
import { nodeIo } from "../src/log/journal/journal-io.js";
import { Sequencer } from "../src/sequencer/sequencer.js";
import { CompactStream } from "./compact-stream.js";
import { engineStream } from "./engine-commands.js";
import { apply, type Books, journalEngine, openPort } from "./engine-runs.js";
import { pace, Timings, timedIo, watchGc } from "./latency-probes.js";
import { causes, type Latency, medianOf, pacedCount, summary, WARMUP_SECONDS } from "./latency-summary.js";
import { collectGarbage, fmt, table } from "./report.js";

const PACER_SPIN_MICROS = Number(process.env.PERPX_BENCH_PACER ?? 20);

const RUNS = Number(process.env.PERPX_BENCH_LATENCY_RUNS ?? 3);
export const LATENCY_RATES = (process.env.PERPX_BENCH_RATES ?? "10000,50000,100000,300000,1000000")
  .split(",")
  .map(Number);
/** the books rows of the engine benchmark (throughput and latency), by matcher workers */
export const BENCH_WORKERS = (process.env.PERPX_BENCH_BOOKS ?? "0,1,2").split(",").map(Number);
/** which paced tables run: "off", "on" or both (default "off,on") */
const JOURNAL = new Set((process.env.PERPX_BENCH_JOURNAL ?? "off,on").split(","));

function trace(due: Float64Array, t0: number, ms: Float64Array): void {
  if (!process.env.PERPX_BENCH_TRACE) return;
  const buckets = new Map<number, number>();
  for (let i = 0; i < ms.length; i++) {
    const b = Math.floor((due[i]! - t0) / 100);
    buckets.set(b, Math.max(buckets.get(b) ?? 0, ms[i]!));
  }
  process.stderr.write(
    `max latency per 100 ms: ${[...buckets.values()].map((x) => x.toFixed(1)).join(" ")}\n`,
  );
}

/**
 * Paced appends at `rate` commands/s for WARMUP_SECONDS (not reported) + `seconds` (journal on). Every
 * command's latency is measured from the moment it was due (t0 + i / rate), not from when the pacer got
 * round to it, so a stalled event loop shows up in the numbers (no coordinated omission). The pacer runs
 * on the same event loop as the journal and the runner, as the gateway does in the embedded deployment.
 */
export async function paced(
  workers: number,
  setup: readonly Command[],
  flow: CompactStream,
  rate: number,
  seconds: number,
): Promise<Latency> {
  const { n, warm } = pacedCount(flow.length, rate, seconds);
  const fsync = new Timings();
  const write = new Timings();
  const e = await journalEngine(workers, setup, true, {
    io: timedIo(nodeIo, fsync, write),
  });
  try {
    const base = e.runner.appliedSeq;
    const due = new Float64Array(n);
    const published = new Float64Array(n);
    const executed = new Float64Array(n);
    const durable = new Float64Array(n);
    let exSeen = 0;
    e.runner.onExecuted((last) => {
      const now = performance.now();
      const upTo = Math.min(n, last - base);
      for (let i = exSeen; i < upTo; i++) executed[i] = now - due[i]!;
      exSeen = Math.max(exSeen, upTo);
    });
    let seen = 0;
    let failed: unknown = null;
    const done = new Promise<void>((resolve) => {
      e.runner.subscribe((_events, last) => {
        const now = performance.now();
        for (let i = seen; i < last - base && i < n; i++) published[i] = now - due[i]!;
        seen = Math.max(seen, Math.min(n, last - base));
        if (seen >= n) resolve();
      });
    });
    const groups0 = e.log.stats().groups;
    collectGarbage();
    const gc = watchGc();
    const t0 = await pace(n, rate, due, PACER_SPIN_MICROS, (from, to) => {
      e.log.append(flow.slice(from, to)).then(
        () => {
          const now = performance.now();
          for (let i = from; i < to; i++) durable[i] = now - due[i]!;
        },
        (err: unknown) => {
          failed = err;
        },
      );
    });
    await done;
    const end = performance.now();
    const gcTimes = gc.stop();
    if (failed !== null) throw failed;
    trace(due, t0, published);
    const perGroup = n / (e.log.stats().groups - groups0);
    return summary(
      { rate, warm, t0, end, gc: gcTimes, fsync, write, perGroup },
      due,
      published,
      executed,
      durable,
    );
  } finally {
    await e.close();
  }
}

/**
 * Journal off, paced the same way: the commands due each event-loop turn go straight from memory into
 * Sequencer.apply (one batch, as the runner applies what it read); a command's latency ends when its
 * batch has been applied and its events are out. No log: nothing is durable.
 */
export async function pacedInMemory(
  workers: number,
  setup: readonly LoggedCommand[],
  flow: CompactStream,
  rate: number,
  seconds: number,
): Promise<Latency> {
  const { n, warm } = pacedCount(flow.length, rate, seconds);
  const { port, close } = await openPort(workers);
  try {
    const seq = new Sequencer({ matcher: port });
    apply(seq, setup);
    const due = new Float64Array(n);
    const applied = new Float64Array(n);
    collectGarbage();
    const gc = watchGc();
    const t0 = await pace(n, rate, due, PACER_SPIN_MICROS, (from, to) => {
      const out: EngineEvent[] = [];
      const cmds = flow.slice(from, to);
      const first = setup.length + 1 + from;
      for (let i = 0; i < cmds.length; i++) seq.apply({ seq: first + i, cmd: cmds[i]! }, out);
      const now = performance.now();
      for (let i = from; i < to; i++) applied[i] = now - due[i]!;
    });
    const end = performance.now();
    const gcTimes = gc.stop();
    trace(due, t0, applied);
    const w = { rate, warm, t0, end, gc: gcTimes, fsync: new Timings(), write: new Timings(), perGroup: 0 };
    return summary(w, due, applied, applied, applied);
  } finally {
    await close();
  }
}

/** One paced-latency table (journal on or off); rates above the row's measured max are skipped. */
async function latencyTable(
  out: (s?: string) => void,
  journal: boolean,
  setup: Command[],
  flow: CompactStream,
  books: readonly Books[],
  max: readonly number[],
  seconds: number,
): Promise<void> {
  const rows: string[][] = [];
  const skipped: string[] = [];
  const setupLogged = journal ? [] : setup.map((cmd, i) => ({ seq: i + 1, cmd }));
  const ms = (x: number) => fmt(x, 3);
  const three = (xs: readonly number[]) => xs.slice(0, 3).map(ms).join(" / ");
  for (let k = 0; k < books.length; k++) {
    const b = books[k]!;
    for (const rate of LATENCY_RATES) {
      const m = max[k];
      if (m !== undefined && rate > m) {
        skipped.push(`${b.name} at ${fmt(rate)}/s (its median max was ${fmt(m)}/s)`);
        continue;
      }
      const runs: Latency[] = [];
      for (let r = 0; r < RUNS; r++)
        runs.push(
          journal
            ? await paced(b.workers, setup, flow, rate, seconds)
            : await pacedInMemory(b.workers, setupLogged, flow, rate, seconds),
        );
      const l = medianOf(runs);
      const g = l.gc;
      const gcCell = `${fmt(g.count)} (${fmt(g.major)}) / ${fmt(g.totalMs, 1)} / ${fmt(g.maxMs, 1)}`;
      const head = [b.name, fmt(rate), fmt(l.commands), fmt(l.achieved), l.sustained ? "yes" : "**no**"];
      const tail = [ms(l.applied[0]), ms(l.applied[1]), ms(l.applied[2]), ms(l.applied[3])];
      const tailCell = causes(l.tail);
      rows.push(
        journal
          ? [
              ...head,
              three(l.executed),
              ...tail,
              three(l.durable).split(" / ").slice(0, 2).join(" / "),
              `${three(l.write)} + ${three(l.fsync)}`,
              fmt(l.perGroup),
              gcCell,
              tailCell,
            ]
          : [...head, ...tail, gcCell, tailCell],
      );
      process.stderr.write(
        `  journal ${journal ? "on" : "off"}, ${b.name} @ ${rate}: p50 ${ms(l.applied[0])} p99 ${ms(l.applied[1])}` +
          ` p99.9 ${ms(l.applied[2])}${journal ? ` (applied p99 ${ms(l.executed[1])}, write p99 ${ms(l.write[1])}, fsync p99 ${ms(l.fsync[1])}, ${fmt(l.perGroup)}/group)` : ""}` +
          `, GC ${gcCell}, p99 tail overlaps: ${causes(l.tail)}\n`,
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
        ...(journal
          ? ["durable (ack) p50 / p99 ms", "pwrite + fdatasync p50 / p99 / max ms", "cmds per group"]
          : []),
        "GC pauses (major) / total ms / max ms",
        "p99 tail overlaps GC / pwrite / fdatasync / none %",
      ],
      rows,
    ),
  );
  if (skipped.length > 0) {
    out();
    out(`Not run (the engine cannot sustain them): ${skipped.join("; ")}.`);
  }
}

/** The "Latency at paced rates" section: journal off, then on. */
export async function latencyPart(
  out: (s?: string) => void,
  stream: { seed: number; symbols: number; commands: number },
  books: readonly Books[],
  max: { on: readonly number[]; off: readonly number[] },
  seconds: number,
): Promise<void> {
  const { setup, flow } = compactStream(stream.seed, stream.symbols, stream.commands);
  const desc = `\`engineStream(${stream.seed}, ${stream.symbols} symbols, ${fmt(stream.commands)})\``;
  out(`### Latency at paced rates (${seconds} s per rate, after ${WARMUP_SECONDS} s of warm-up)`);
  out();
  out(
    `Stream: ${desc} (the same generator, longer), kept encoded (command records, outside the JS heap) ` +
      "and decoded as it is sent, as a gateway parses requests: 400 000 command objects held by the benchmark " +
      "would add ≈ 50 ms to every Mark-Compact, a pause the engine's own heap does not have. " +
      "Per command, from the moment it was due at the offered rate (so a busy event loop counts; no " +
      `coordinated omission). Each run first goes ${WARMUP_SECONDS} s at its rate unreported (JIT, the first ` +
      "scavenges of the state the set-up built), then is timed for up to " +
      `${seconds} s (less when the stream runs out: see "timed commands"). The pacer hands over what is ` +
      `due each event-loop turn (≤ 4096 at a time), busy-waiting at most ${PACER_SPIN_MICROS} µs per turn ` +
      "for a command due that soon. Rates above a row's median max throughput (previous section) are " +
      `skipped. ${RUNS > 1 ? `Median of ${RUNS} runs per cell. ` : ""}GC pauses: PerformanceObserver "gc" ` +
      "entries that started in the timed window (major = Mark-Compact).",
  );
  out();
  out(
    "**Journal off**: the due commands go from memory into `Sequencer.apply` as one batch; " +
      '"applied" ends when the batch is applied and its events are out. Nothing is durable.',
  );
  out();
  if (JOURNAL.has("off")) await latencyTable(out, false, setup, flow, books, max.off, seconds);
  out();
  out(
    '**Journal on** (execute-ahead, as the embedded engine runs): "applied" until the runner has applied ' +
      'the command to the engine state, before it is durable; "published" until its events were delivered ' +
      'to the subscribers (read model, stream) — only after its group\'s fdatasync; "durable (ack)" until ' +
      "its append() resolved (write + fdatasync: when the gateway may answer 2xx); pwrite, fdatasync: the " +
      "journal's own calls, each timed from the call to its promise's continuation (threadpool round trip).",
  );
  out();
  if (JOURNAL.has("on")) await latencyTable(out, true, setup, flow, books, max.on, seconds);
}

/** The paced stream: set-up as objects (small), the flow encoded; the generated objects are dropped. */
function compactStream(seed: number, symbols: number, commands: number) {
  const s = engineStream(seed, symbols, commands);
  return { setup: s.setup, flow: new CompactStream(s.flow) };
}

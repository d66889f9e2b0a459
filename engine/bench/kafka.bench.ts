// Kafka logs benchmark (Markdown on stdout), against the broker of KAFKA_BROKERS on throw-away topics
// (random prefix, deleted at the end). Bounded: ≈20 s on 2 cores.
// Reproduce: `npx tsc -b && node scripts/bench.mjs kafka` (events: PERPX_BENCH_EVENTS, default 300 000).
//   1. event output: KafkaEventLog publishing engine event batches (1000 events per runner batch) to the
//      three output topics, until every event is acknowledged (acks = all) — events/s.
//   2. command append: 64 concurrent appenders through KafkaCommandWriter (group commit) — commands/s.
//   3. sequencing: KafkaSequencedReader merging and recording what was appended — commands/s.
//   4. end to end: append → sequenced read latency at a paced 500 commands/s.
import { randomBytes } from "node:crypto";
import { cpus } from "node:os";
import { type Command, Op } from "@perpx/shared/commands";
import { type EngineEvent, Ev } from "@perpx/shared/events";
import { brokersFromEnv, makeKafka } from "../src/log/kafka/client.js";
import { KafkaEventLog } from "../src/log/kafka/event-log.js";
import { KafkaCommandLog } from "../src/log/kafka/kafka-command-log.js";
import { deleteTopics, ensureTopics, KafkaNames } from "../src/log/kafka/topics.js";

const EVENTS = Number(process.env.PERPX_BENCH_EVENTS ?? 300_000);
const COMMANDS = 20_000;
const lines: string[] = [];
const out = (s = "") => lines.push(s);
const progress = (s: string) => process.stderr.write(`[kafka bench] ${s}\n`);
const fmt = (n: number, d = 0) =>
  n.toLocaleString("en-US", { maximumFractionDigits: d, minimumFractionDigits: d });

/** A realistic mix per command: an order update, a trade, two positions, two balances, a book diff. */
function eventsOf(seq: number): EngineEvent[] {
  const ts = 1_764_000_000_000 + seq;
  const u1 = 1 + (seq % 5000);
  const u2 = 1 + ((seq * 7) % 5000);
  return [
    {
      ev: Ev.ORDER,
      seq,
      ts,
      orderId: 10_000_000 + seq,
      clientOrderId: `bench-${seq}`,
      userId: u1,
      symbolId: 1,
      side: 0,
      type: 0,
      tif: 0,
      status: 2,
      price: 500_000 + (seq % 100),
      stopPrice: 0,
      origQty: 100,
      executedQty: 100,
      cumQuoteUnits: 50_000_000,
      reduceOnly: false,
      closePosition: false,
      workingType: 0,
      stp: 1,
      rejectReason: 0,
      createTime: ts,
    },
    {
      ev: Ev.TRADE,
      seq,
      ts,
      tradeId: seq,
      symbolId: 1,
      type: 0,
      price: 500_000,
      qty: 100,
      quote: 5_000_000_000,
      buyOrderId: 10_000_000 + seq,
      sellOrderId: 9_000_000 + seq,
      buyUserId: u1,
      sellUserId: u2,
      makerSide: 1,
      buyFee: 2_500_000,
      sellFee: 1_000_000,
      buyRealizedPnl: 0,
      sellRealizedPnl: 0,
    },
    {
      ev: Ev.POSITION,
      seq,
      ts,
      userId: u1,
      symbolId: 1,
      qty: 100,
      entryValue: 50_000_000,
      marginType: 0,
      leverage: 20,
      isolatedWallet: 0,
      reason: 0,
    },
    {
      ev: Ev.POSITION,
      seq,
      ts,
      userId: u2,
      symbolId: 1,
      qty: -100,
      entryValue: 50_000_000,
      marginType: 0,
      leverage: 20,
      isolatedWallet: 0,
      reason: 0,
    },
    { ev: Ev.BALANCE, seq, ts, userId: u1, wallet: 9_997_500_000, delta: -2_500_000, reason: 0 },
    { ev: Ev.BALANCE, seq, ts, userId: u2, wallet: 9_999_000_000, delta: -1_000_000, reason: 0 },
    {
      ev: Ev.BOOK,
      seq,
      ts,
      symbolId: 1,
      firstUpdateId: seq,
      lastUpdateId: seq,
      prevUpdateId: seq - 1,
      bids: [],
      asks: [[500_000, 0]],
    },
  ];
}

function deposit(i: number): Command {
  return {
    op: Op.DEPOSIT,
    ts: 1_764_000_000_000 + i,
    userId: 1 + (i % 1000),
    amount: 1_000_000,
    txId: `b-${i}`,
  };
}

const pct = (sorted: number[], p: number) =>
  sorted[Math.min(sorted.length - 1, Math.floor(sorted.length * p))] ?? 0;

/** set once the throw-away resources exist, for the time-limit guard */
let cleanup: (() => Promise<void>) | undefined;

async function main(): Promise<void> {
  const kafka = makeKafka({ brokers: brokersFromEnv(), clientId: "perpx-bench" });
  const admin = kafka.admin();
  await admin.connect();
  const names = new KafkaNames(`bench-${randomBytes(4).toString("hex")}.`);
  cleanup = () => deleteTopics(admin, names);
  await ensureTopics(admin, names, 1);
  try {
    out("## Kafka logs (engine/src/log/kafka)");
    out();
    out(
      `Node ${process.version}, ${cpus().length} cores (${cpus()[0]?.model ?? "?"}), Kafka at ${brokersFromEnv().join(",")}, one broker, acks = all, idempotent producers.`,
    );
    out();
    out("| measure | amount | time | rate |");
    out("|---|---|---|---|");

    // 1. event output
    const batches: EngineEvent[][] = [];
    let seq = 0;
    let built = 0;
    while (built < EVENTS) {
      const batch: EngineEvent[] = [];
      while (batch.length < 1000) batch.push(...eventsOf(++seq));
      batches.push(batch);
      built += batch.length;
    }
    const evlog = new KafkaEventLog(kafka, names);
    await evlog.connect();
    const cpu0 = process.cpuUsage();
    let t0 = performance.now();
    const pending: Promise<void>[] = [];
    for (const b of batches) pending.push(evlog.publish(b));
    await Promise.all(pending);
    let ms = performance.now() - t0;
    const cpu = process.cpuUsage(cpu0);
    const s = evlog.stats;
    out(
      `| event output, runner batches of 1000 | ${fmt(built)} events (${fmt(s.messages)} messages, ${fmt(s.bytes / 1e6, 1)} MB, ${fmt(s.sends)} produce requests) | ${fmt(ms)} ms | **${fmt(built / (ms / 1000))} events/s** (${fmt(s.bytes / 1e6 / (ms / 1000), 1)} MB/s; Node CPU ${fmt((cpu.user + cpu.system) / 1000)} ms, the rest is the broker on the same 2 cores) |`,
    );
    await evlog.close();

    progress(`event output done: ${fmt(built)} events`);
    // 2. command append (group commit)
    const log = new KafkaCommandLog({ kafka, names, role: "engine", reader: { fetchWaitMs: 10 } });
    t0 = performance.now();
    let next = 0;
    await Promise.all(
      Array.from({ length: 64 }, async () => {
        while (next < COMMANDS) {
          const i = next++;
          await log.append([deposit(i)]);
        }
      }),
    );
    ms = performance.now() - t0;
    out(
      `| command append, 64 concurrent appenders, 1 command each | ${fmt(COMMANDS)} commands | ${fmt(ms)} ms | **${fmt(COMMANDS / (ms / 1000))} commands/s** |`,
    );

    progress("append done");
    // 3. sequencing what is there (recorded in the sequence topic before it is returned)
    t0 = performance.now();
    let read = 0;
    while (read < COMMANDS) {
      const got = await log.read(read + 1, 4096);
      read += got.length;
      if (got.length === 0) await log.waitFor(read, 100);
    }
    ms = performance.now() - t0;
    out(
      `| sequenced read (merge + recorded decision, transactional) | ${fmt(COMMANDS)} commands | ${fmt(ms)} ms | **${fmt(COMMANDS / (ms / 1000))} commands/s** |`,
    );

    progress("sequencing done");
    // 4. end-to-end latency at a paced rate
    const RATE = 500;
    const SECONDS = 3;
    const sentAt = new Map<string, number>();
    const lat: number[] = [];
    let stop = false;
    const reader = (async () => {
      while (!stop || lat.length < sentAt.size) {
        const got = await log.read(read + 1, 4096);
        const now = performance.now();
        for (const c of got) {
          const t = c.cmd.op === Op.DEPOSIT ? sentAt.get(c.cmd.txId) : undefined;
          if (t !== undefined) lat.push(now - t);
        }
        read += got.length;
        if (got.length === 0) await log.waitFor(read, 20);
      }
    })();
    const total = RATE * SECONDS;
    const start = performance.now();
    for (let i = 0; i < total; i++) {
      const due = start + (i * 1000) / RATE;
      const wait = due - performance.now();
      if (wait > 0) await new Promise((r) => setTimeout(r, wait));
      const c = deposit(COMMANDS + i);
      sentAt.set((c as { txId: string }).txId, performance.now());
      void log.append([c]);
    }
    stop = true;
    await reader;
    lat.sort((a, b) => a - b);
    out(
      `| append → sequenced read latency at ${RATE}/s | ${fmt(total)} commands | ${SECONDS} s | p50 ${fmt(pct(lat, 0.5), 1)} ms, p99 ${fmt(pct(lat, 0.99), 1)} ms, max ${fmt(lat[lat.length - 1] ?? 0, 1)} ms |`,
    );
    await log.close();
    out();
    out(
      "Reproduce: `npx tsc -b && node scripts/bench.mjs kafka` (needs `make up`; env KAFKA_BROKERS, PERPX_BENCH_EVENTS).",
    );
  } finally {
    await deleteTopics(admin, names).catch(() => undefined);
    await admin.disconnect();
  }
  process.stdout.write(`${lines.join("\n")}\n`);
}

const guard = setTimeout(() => {
  process.stderr.write("kafka bench: time limit (120 s) reached\n");
  // best effort: remove the throw-away topics before leaving
  void Promise.race([cleanup?.(), new Promise((r) => setTimeout(r, 5000))]).finally(() => process.exit(1));
}, 120_000);
guard.unref();
await main();

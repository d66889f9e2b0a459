// KafkaCommandLog against the real broker (SPEC §10, §12): routing and acks of append, the recorded
// total order, its exact replay by a restarted reader, fencing of a second engine, and the bounded
// LOG_UNAVAILABLE failure when Kafka cannot be reached.
import assert from "node:assert/strict";
import { type AddressInfo, createConnection, createServer, type Socket } from "node:net";
import { after, before, test } from "node:test";
import type { LoggedCommand } from "@perpx/shared/commands";
import { brokersFromEnv, makeKafka } from "../../src/log/kafka/client.js";
import { KafkaCommandLog, SEQ_NOT_YET_ASSIGNED } from "../../src/log/kafka/kafka-command-log.js";
import { readMessages } from "../../src/log/kafka/ops.js";
import { openScratchTopics } from "../../src/log/kafka/scratch-topics.js";
import { SequenceCorruptError, SequencerFencedError } from "../../src/log/kafka/sequenced-reader.js";
import { KafkaNames } from "../../src/log/kafka/topics.js";
import { LogUnavailableError } from "../../src/log/log-unavailable.js";
import { cancelOrder, deposit, idOf, type KafkaEnv, kafkaEnv, placeOrder } from "./kafka-env.js";

let env: KafkaEnv;
const logs: KafkaCommandLog[] = [];

function newLog(role: "append-only" | "engine" = "engine"): KafkaCommandLog {
  const log = new KafkaCommandLog({ kafka: env.kafka, names: env.names, role, reader: { fetchWaitMs: 20 } });
  logs.push(log);
  return log;
}

/** Reads from `from` until `n` commands came back (bounded by 15 s). */
async function readN(log: KafkaCommandLog, from: number, n: number): Promise<LoggedCommand[]> {
  const out: LoggedCommand[] = [];
  const deadline = Date.now() + 15_000;
  while (out.length < n) {
    assert.ok(Date.now() < deadline, `only ${out.length} of ${n} commands read`);
    const got = await log.read(from + out.length, n - out.length);
    out.push(...got);
    if (got.length === 0) await log.waitFor(from + out.length - 1, 100);
  }
  return out;
}

before(async () => {
  env = await kafkaEnv("cmdlog");
});

after(async () => {
  await Promise.all(logs.map((l) => l.close()));
  await env?.cleanup();
});

test("append routes orders, cancels and the rest to their topics and resolves once acknowledged", async () => {
  const gw = newLog("append-only");
  await assert.rejects(gw.read(1, 1), /append-only/);
  assert.equal(await gw.waitFor(0, 1), false);
  const seqs = await gw.append([placeOrder(1), cancelOrder(1), deposit(1, "t0")]);
  assert.deepEqual(seqs, [SEQ_NOT_YET_ASSIGNED, SEQ_NOT_YET_ASSIGNED, SEQ_NOT_YET_ASSIGNED]);
  const pos = await gw.appendDurable([placeOrder(2), deposit(1, "t1"), placeOrder(3)]);
  assert.deepEqual(
    pos.map((p) => [p.topic, p.offset]),
    [
      ["save_order_from_client_v2", 1],
      ["matching_engine_input", 1],
      ["save_order_from_client_v2", 2],
    ],
  );
  const offsets = await env.admin.fetchTopicOffsets(env.names.topic("cancel_order_from_client"));
  assert.equal(offsets[0]?.high, "1");
});

test("the reader records one total order; a restarted reader replays it exactly, then goes on", async () => {
  const gw = newLog("append-only");
  // three writers racing: the arrival order at the reader is whatever Kafka delivers
  await Promise.all([
    gw.append(Array.from({ length: 10 }, (_, i) => placeOrder(100 + i))),
    gw.append(Array.from({ length: 10 }, (_, i) => deposit(2, `d${i}`))),
    gw.append(Array.from({ length: 10 }, (_, i) => cancelOrder(100 + i))),
  ]);
  const first = newLog();
  const order1 = await readN(first, 1, 36); // 6 from the previous test + 30
  assert.deepEqual(
    order1.map((c) => c.seq),
    Array.from({ length: 36 }, (_, i) => i + 1),
  );
  // per topic, commands keep their topic order
  const places = order1.map((c) => idOf(c.cmd)).filter((s) => /^place:1\d\d$/.test(s));
  assert.deepEqual(
    places,
    Array.from({ length: 10 }, (_, i) => `place:${100 + i}`),
  );
  assert.equal(first.lastSeq(), 36);
  await first.close();

  await gw.append([deposit(3, "late-1"), placeOrder(500)]);
  const second = newLog(); // the restarted engine
  const replay = await readN(second, 1, 38);
  assert.deepEqual(
    replay.slice(0, 36).map((c) => idOf(c.cmd)),
    order1.map((c) => idOf(c.cmd)),
    "replay reproduces the recorded order",
  );
  assert.deepEqual(
    replay
      .slice(36)
      .map((c) => idOf(c.cmd))
      .sort(),
    ["dep:late-1", "place:500"],
  );
  await second.close();

  // from a snapshot at seq 20: the same commands from seq 21 on
  const third = newLog();
  const tail = await readN(third, 21, 18);
  assert.deepEqual(
    tail.map((c) => `${c.seq}:${idOf(c.cmd)}`),
    replay.slice(20).map((c) => `${c.seq}:${idOf(c.cmd)}`),
  );
  await third.close();
});

test("a second engine fences the first: the zombie cannot sequence another command", async () => {
  const a = newLog();
  await readN(a, 1, 38);
  const b = newLog();
  await b.startReader(); // takes over the sequence topic
  await newLog("append-only").append([placeOrder(900)]);
  await assert.rejects(
    async () => {
      const deadline = Date.now() + 10_000;
      while (Date.now() < deadline) {
        const got = await a.read(39, 10);
        assert.equal(got.length, 0, "the fenced engine must not get a seq");
        await a.waitFor(38, 100);
      }
    },
    (e: unknown) => e instanceof SequencerFencedError,
  );
  const got = await readN(b, 1, 39);
  assert.equal(idOf((got[38] as LoggedCommand).cmd), "place:900");
});

test("Kafka unreachable: append rejects with LOG_UNAVAILABLE within the deadline", async () => {
  const dead = new KafkaCommandLog({
    kafka: makeKafka({ brokers: ["127.0.0.1:1"], connectionTimeoutMs: 500, retries: 1 }),
    names: new KafkaNames("unreachable."),
    timeoutMs: 3000,
  });
  logs.push(dead);
  const t0 = Date.now();
  await assert.rejects(dead.append([placeOrder(1)]), (e: unknown) => {
    assert.ok(LogUnavailableError.is(e));
    assert.equal(e.code, "LOG_UNAVAILABLE");
    assert.equal(e.retriable, true);
    return true;
  });
  const ms = Date.now() - t0;
  assert.ok(ms < 3500, `took ${ms} ms`);
});

test("a broker that accepts connections but never answers: append rejects at its deadline", async () => {
  // a TCP server that swallows every request: the only bound is the append deadline
  const sockets = new Set<Socket>();
  const blackhole = createServer((s) => {
    sockets.add(s);
    s.on("error", () => undefined);
  });
  await new Promise<void>((r) => blackhole.listen(0, "127.0.0.1", r));
  const port = (blackhole.address() as AddressInfo).port;
  const stuck = new KafkaCommandLog({
    kafka: makeKafka({ brokers: [`127.0.0.1:${port}`], connectionTimeoutMs: 500, requestTimeoutMs: 30_000 }),
    names: new KafkaNames("blackhole."),
    timeoutMs: 1000,
  });
  try {
    const t0 = Date.now();
    await assert.rejects(stuck.append([placeOrder(1)]), (e: unknown) => LogUnavailableError.is(e));
    const ms = Date.now() - t0;
    assert.ok(ms >= 900 && ms < 2000, `took ${ms} ms`);
  } finally {
    for (const s of sockets) s.destroy();
    blackhole.close();
    void stuck.close();
  }
});

test("engine start outlasts a broker that is not there yet: the start record is retried until it answers", async () => {
  // a proxy in front of the broker that drops every connection for the first 2 s (a broker still
  // starting, or one creating its transaction-state topic), then forwards
  const [host, port] = (brokersFromEnv()[0] as string).split(":") as [string, string];
  const t0 = Date.now();
  const sockets = new Set<Socket>();
  const proxy = createServer((client) => {
    sockets.add(client);
    client.on("error", () => undefined);
    if (Date.now() - t0 < 2000) {
      client.destroy();
      return;
    }
    const upstream = createConnection({ host, port: Number(port) });
    sockets.add(upstream);
    upstream.on("error", () => client.destroy());
    client.pipe(upstream).pipe(client);
  });
  await new Promise<void>((r) => proxy.listen(0, "127.0.0.1", r));
  const proxyPort = (proxy.address() as AddressInfo).port;
  const own = await openScratchTopics("startretry");
  const failures: unknown[] = [];
  const log = new KafkaCommandLog({
    kafka: makeKafka({ brokers: [`127.0.0.1:${proxyPort}`], connectionTimeoutMs: 300 }),
    names: own.names,
    role: "engine",
    reader: { fetchWaitMs: 20, writeTimeoutMs: 500, retryBackoffMs: 200, onError: (e) => failures.push(e) },
  });
  try {
    await log.startReader();
    assert.ok(Date.now() - t0 >= 2000, "started before the broker could be reached");
    assert.ok(failures.length >= 1, "the failed attempts are reported");
    assert.match(String(failures[0]), /start record, attempt 1 failed/);
    await newLogFor(own, log);
  } finally {
    await log.close();
    for (const s of sockets) s.destroy();
    proxy.close();
    await own.cleanup();
  }
});

test("engine start gives up after startTimeoutMs when the broker never answers", async () => {
  const log = new KafkaCommandLog({
    kafka: makeKafka({ brokers: ["127.0.0.1:1"], connectionTimeoutMs: 300, retries: 0 }),
    names: new KafkaNames("neverthere."),
    role: "engine",
    reader: { writeTimeoutMs: 300, retryBackoffMs: 100, startTimeoutMs: 1500 },
  });
  logs.push(log);
  const t0 = Date.now();
  await assert.rejects(log.startReader());
  const ms = Date.now() - t0;
  assert.ok(ms >= 1000 && ms < 4000, `gave up after ${ms} ms`);
});

/** The started reader sequences a command appended through the real broker. */
async function newLogFor(own: KafkaEnv, engine: KafkaCommandLog): Promise<void> {
  const writer = new KafkaCommandLog({ kafka: own.kafka, names: own.names, role: "append-only" });
  try {
    await writer.append([placeOrder(7)]);
  } finally {
    await writer.close();
  }
  const got = await readN(engine, 1, 1);
  assert.equal(idOf((got[0] as LoggedCommand).cmd), "place:7");
}

test("recovery accepts a repeated identical decision (a write retried after an unclear failure) and refuses a conflicting one", async () => {
  const seqTopic = env.names.topic("matching_engine_sequence");
  const records: Buffer[] = [];
  await readMessages(env.kafka, seqTopic, (m) => void (m.value && records.push(m.value)), {
    fromBeginning: true,
    timeoutMs: 10_000,
    groupPrefix: env.names.prefix,
  });
  const firstDecision = records.find((r) => r.toString().includes('"type":"seq"'));
  assert.ok(firstDecision);
  const producer = env.kafka.producer({ idempotent: true, maxInFlightRequests: 1 });
  await producer.connect();
  try {
    // the same decision again, as a retried write would leave it
    await producer.send({ topic: seqTopic, acks: -1, messages: [{ value: firstDecision }] });
    const again = newLog();
    const replay = await readN(again, 1, 39);
    assert.equal(idOf((replay[38] as LoggedCommand).cmd), "place:900");
    await again.close();
    // a different decision for a recorded seq: the engine must refuse to start
    await producer.send({
      topic: seqTopic,
      acks: -1,
      messages: [{ value: '{"v":1,"type":"seq","first":2,"runs":[["matching_engine_input",0,999,1]]}' }],
    });
    const broken = newLog();
    await assert.rejects(broken.startReader(), (e: unknown) => e instanceof SequenceCorruptError);
  } finally {
    await producer.disconnect();
  }
});

// REST benchmark (SPEC §13): signed POST /api/v1/order through the whole gateway (HMAC auth, replay
// cache, JSON-number scan, schema, filters, idempotency map, then an in-memory log or the real journal
// with its group-committed fsync) against bare Fastify routes, in the same run, with autocannon (50
// connections, BENCH_DURATION s each, default 10). Every case gets a fresh server child process, and
// its requests are prepared before the timed run (each signed one distinct: own clientOrderId and
// signature), so the load generator on the same cores does no signing. The server's CPU time per
// request (process.cpuUsage over the timed run, threads and kernel time included) is reported next to
// req/s. Then the RS256 verification cost: sync, async (libuv pool), piscina, and the gateway's
// JwtVerifier (cache miss / hit). Prints a Markdown section.
//   node scripts/bench.mjs rest        (after `npx tsc -b`)
//   BENCH_CASES=1,2 BENCH_DURATION=10 BENCH_RS256=0: two HTTP cases only, no RS256 section
import { fork } from "node:child_process";
import { createPublicKey, generateKeyPairSync, sign, verify } from "node:crypto";
import { cpus, loadavg } from "node:os";
import { fileURLToPath } from "node:url";
import autocannon, { type RawRequest, type Result } from "autocannon";
import { Piscina } from "piscina";
import { signRequest } from "../src/auth/hmac.js";
import { JwtVerifier } from "../src/auth/jwt.js";
import {
  BENCH_JWT_KID,
  BENCH_KEY,
  BENCH_SECRET,
  journalGroups,
  type ServerKind,
  startServer,
} from "./bench-server.js";

const SELF = fileURLToPath(import.meta.url);
const DURATION = Number(process.env.BENCH_DURATION ?? 10);
/** unreported warm-up per case (JIT, connection set-up), s */
const WARMUP = Math.min(2, DURATION);
const CONNECTIONS = 50;
/** rounds over the cases (each case loaded DURATION / ROUNDS s per round) */
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 5);

/** process.cpuUsage() of a server child, µs */
interface Cpu {
  user: number;
  system: number;
}

/** A server child process for one case; `cpu()` asks it for its process.cpuUsage() (µs). */
interface Server {
  base: string;
  cpu(): Promise<Cpu>;
  stop(): void;
}

async function startChild(kind: ServerKind, pem: string): Promise<Server> {
  // the server's stdout (its pino log) is not part of the report
  const prof = process.env.BENCH_PROF; // a directory: each server child writes a V8 CPU profile there
  const child = fork(SELF, ["--serve", kind, pem], {
    stdio: ["ignore", "ignore", "inherit", "ipc"],
    // BENCH_PROF_INTERVAL: sampling interval, µs (V8's default 1000 is coarse for a 30 µs request)
    execArgv: prof
      ? [
          "--cpu-prof",
          `--cpu-prof-dir=${prof}`,
          `--cpu-prof-interval=${process.env.BENCH_PROF_INTERVAL ?? 1000}`,
        ]
      : [],
  });
  const port = await new Promise<number>((resolve, reject) => {
    child.once("message", (m) => resolve((m as { port: number }).port));
    child.once("exit", (code) => reject(new Error(`server exited ${code}`)));
  });
  return {
    base: `http://127.0.0.1:${port}`,
    cpu: () =>
      new Promise<Cpu>((resolve) => {
        child.once("message", (m) => resolve((m as { cpu: Cpu }).cpu));
        child.send("cpu");
      }),
    stop: () => child.kill(),
  };
}

const ORDER = (n: number) =>
  `{"symbol":"BTCUSDT","side":"BUY","type":"LIMIT","quantity":"0.010","price":"50000.0","clientOrderId":"b${n}"}`;

function b64(o: unknown): string {
  return Buffer.from(JSON.stringify(o)).toString("base64url");
}
function jwt(privateKey: string, sub: string): string {
  const input = `${b64({ alg: "RS256", typ: "JWT", kid: BENCH_JWT_KID })}.${b64({ sub, exp: Math.floor(Date.now() / 1000) + 3600 })}`;
  return `${input}.${sign("sha256", Buffer.from(input), privateKey).toString("base64url")}`;
}

/** requests prepared per second of a slice (more than any case answers here; beyond it: made on the fly) */
const PREPARED_PER_S = 50_000;

type Prepared = { headers: Record<string, string>; body: string };
/** the i-th request of a case, signed (when signed) with timestamp `ts` */
type Make = (i: number, ts: string) => Prepared;

const signedOrder =
  (first: number, path = "/api/v1/order"): Make =>
  (i, ts) => {
    const body = ORDER(first + i);
    const signature = signRequest(BENCH_SECRET, ts, "POST", path, body);
    return {
      headers: { "content-type": "application/json", APIKEY: BENCH_KEY, timestamp: ts, signature },
      body,
    };
  };

interface Case {
  name: string;
  kind: ServerKind;
  path: string;
  make: Make | undefined;
  /** requests made so far (clientOrderIds stay unique) */
  made: number;
  /** requests answered, warm-up included (to turn a BENCH_PROF profile into µs per request) */
  served: number;
  server?: Server;
  slices: Slice[];
}

interface Slice {
  requests: number;
  seconds: number;
  p50: number;
  p99: number;
  bad: number;
  cpuUs: number;
  userUs: number;
}

/**
 * Loads a case for `seconds`. Its requests are prepared just before (signed ones with a timestamp of
 * now, each with its own clientOrderId and signature: the replay cache sees every one once), so the
 * load generator on the same cores does no signing while the clock runs.
 */
function load(c: Case, seconds: number): Promise<Result> {
  const make = c.make;
  let requests: Parameters<typeof autocannon>[0]["requests"];
  if (make) {
    const ts = String(Date.now());
    const first = c.made;
    const pool = Array.from({ length: Math.ceil(seconds * PREPARED_PER_S) }, (_, k) => make(first + k, ts));
    c.made += pool.length;
    let next = 0;
    requests = [
      {
        method: "POST",
        setupRequest: (req: RawRequest): RawRequest => {
          const p = pool[next++] ?? make(c.made++, String(Date.now()));
          return { ...req, headers: p.headers, body: p.body };
        },
      },
    ];
  }
  return autocannon({
    url: (c.server as Server).base + c.path,
    connections: CONNECTIONS,
    duration: seconds,
    requests,
  });
}

async function slice(c: Case, seconds: number): Promise<void> {
  const s = c.server as Server;
  const cpu0 = await s.cpu();
  const r = await load(c, seconds);
  const cpu1 = await s.cpu();
  c.served += r.requests.total;
  c.slices.push({
    requests: r.requests.total,
    seconds: r.duration,
    p50: r.latency.p50,
    p99: r.latency.p99,
    bad: r.non2xx + r.errors,
    cpuUs: cpu1.user + cpu1.system - cpu0.user - cpu0.system,
    userUs: cpu1.user - cpu0.user,
  });
}

const median = (xs: number[]): number => {
  const v = [...xs].sort((a, b) => a - b);
  const m = v.length >> 1;
  return v.length % 2 ? (v[m] as number) : ((v[m - 1] as number) + (v[m] as number)) / 2;
};

/** per case: req/s over all its slices, median p50/p99 of the slices, server CPU µs per request */
interface Row {
  name: string;
  rps: number;
  p50: number;
  p99: number;
  bad: number;
  cpuPerReq: number;
  /** of which user time (JS, V8, libuv in user space) */
  userPerReq: number;
  /** req/s of each round */
  rounds: number[];
  /** requests answered by its server, warm-up included */
  served: number;
}

/**
 * Every case's server runs at once (an unloaded server is idle); after a warm-up of each, ROUNDS rounds
 * load the cases one after another for DURATION / ROUNDS s each, so a change in the machine's load
 * (shared cores) hits all cases alike and the per-round ratios can be compared.
 */
async function http(pem: string, privateKey: string): Promise<Row[]> {
  const json = { "content-type": "application/json" };
  const token = jwt(privateKey, "1");
  const bearerHeaders = { "content-type": "application/json", authorization: `Bearer ${token}` };
  const cases: Case[] = [
    ["bare Fastify `GET /hello`", "bare", "/hello", undefined],
    [
      "bare Fastify `POST /echo` (same JSON body, no schema)",
      "bare",
      "/echo",
      (i: number) => ({ headers: json, body: ORDER(i) }),
    ],
    [
      "gateway `POST /api/v1/order`, HMAC-signed, 202 after append (in-memory log)",
      "gateway",
      "/api/v1/order",
      signedOrder(1e8),
    ],
    [
      "gateway `POST /api/v1/order`, JWT bearer (verified once, then cached)",
      "gateway",
      "/api/v1/order",
      (i: number) => ({ headers: bearerHeaders, body: ORDER(1e9 + i) }),
    ],
    [
      "gateway `POST /api/v1/order`, HMAC-signed, 202 after the journal's fsync",
      "gateway-journal",
      "/api/v1/order",
      signedOrder(2e9),
    ],
    [
      "bare Fastify `POST /echo-order` (the signed order's headers and body, unchecked; ack of the same shape)",
      "bare",
      "/echo-order",
      signedOrder(3e9, "/echo-order"),
    ],
    [
      "gateway `POST /api/v1/order`, JWT bearer (verified once, then cached), 202 after the journal's fsync",
      "gateway-journal",
      "/api/v1/order",
      (i: number) => ({ headers: bearerHeaders, body: ORDER(4e9 + i) }),
    ],
  ]
    // BENCH_CASES=2,4: only those cases (0-based), e.g. to profile one with BENCH_PROF
    .filter((_, i) => !process.env.BENCH_CASES || process.env.BENCH_CASES.split(",").includes(String(i)))
    .map(([name, kind, path, make]) => ({
      name: name as string,
      kind: kind as ServerKind,
      path: path as string,
      make: make as Make | undefined,
      made: 0,
      served: 0,
      slices: [],
    }));
  try {
    for (const c of cases) {
      c.server = await startChild(c.kind, pem);
      c.served += (await load(c, WARMUP)).requests.total;
    }
    for (let r = 0; r < ROUNDS; r++) for (const c of cases) await slice(c, Math.max(1, DURATION / ROUNDS));
  } finally {
    for (const c of cases) c.server?.stop();
  }
  return cases.map((c) => {
    const sum = (f: (s: Slice) => number) => c.slices.reduce((a, s) => a + f(s), 0);
    return {
      name: c.name,
      rps: sum((s) => s.requests) / sum((s) => s.seconds),
      p50: median(c.slices.map((s) => s.p50)),
      p99: median(c.slices.map((s) => s.p99)),
      bad: sum((s) => s.bad),
      cpuPerReq:
        sum((s) => s.cpuUs) /
        Math.max(
          1,
          sum((s) => s.requests),
        ),
      userPerReq:
        sum((s) => s.userUs) /
        Math.max(
          1,
          sum((s) => s.requests),
        ),
      rounds: c.slices.map((s) => s.requests / s.seconds),
      served: c.served,
    };
  });
}

async function rate(label: string, count: number, fn: () => Promise<void>): Promise<[string, number]> {
  const t0 = process.hrtime.bigint();
  await fn();
  const s = Number(process.hrtime.bigint() - t0) / 1e9;
  return [label, Math.round(count / s)];
}

async function rs256(pem: string, privateKey: string): Promise<[string, number][]> {
  const key = createPublicKey(pem);
  const tokens = Array.from({ length: 2000 }, (_, i) => jwt(privateKey, String(i + 1)));
  const pairs = tokens.map((t): [string, string] => {
    const i = t.lastIndexOf(".");
    return [t.slice(0, i), t.slice(i + 1)];
  });
  const out: [string, number][] = [];
  const N = pairs.length;
  out.push(
    await rate("`crypto.verify` sync, main thread", N, async () => {
      for (const [d, s] of pairs)
        if (!verify("sha256", Buffer.from(d), key, Buffer.from(s, "base64url"))) throw new Error("bad");
    }),
  );
  out.push(
    await rate("`crypto.verify` async (libuv pool), 64 in flight", N, async () => {
      let next = 0;
      const lane = async () => {
        while (next < N) {
          const [d, s] = pairs[next++] as [string, string];
          await new Promise<void>((res, rej) =>
            verify("sha256", Buffer.from(d), key, Buffer.from(s, "base64url"), (e, ok) =>
              e || !ok ? rej(e ?? new Error("bad")) : res(),
            ),
          );
        }
      };
      await Promise.all(Array.from({ length: 64 }, lane));
    }),
  );
  const pool = new Piscina({
    filename: new URL("./rs256-worker.js", import.meta.url).href,
    maxThreads: Math.max(1, cpus().length),
  });
  await pool.run({ pem, items: pairs.slice(0, 4) }); // warm the threads
  out.push(
    await rate(`piscina, 1 verify per task, 64 in flight (${pool.threads.length} threads)`, N, async () => {
      await Promise.all(pairs.map((p) => pool.run({ pem, items: [p] })));
    }),
  );
  out.push(
    await rate("piscina, 50 verifies per task", N, async () => {
      const tasks = [];
      for (let i = 0; i < N; i += 50) tasks.push(pool.run({ pem, items: pairs.slice(i, i + 50) }));
      await Promise.all(tasks);
    }),
  );
  await pool.destroy();
  const v = new JwtVerifier({ [BENCH_JWT_KID]: pem }, { leewayMs: 0, cacheMax: 100_000 });
  out.push(
    await rate(
      "gateway `JwtVerifier.verify`, cache miss (parse + async verify), 64 in flight",
      N,
      async () => {
        let next = 0;
        const lane = async () => {
          while (next < N) await v.verify(tokens[next++] as string, Date.now());
        };
        await Promise.all(Array.from({ length: 64 }, lane));
      },
    ),
  );
  out.push(
    await rate("gateway `JwtVerifier.verify`, cache hit", 200_000, async () => {
      for (let i = 0; i < 200_000; i++) await v.verify(tokens[i % N] as string, Date.now());
    }),
  );
  return out;
}

async function main(): Promise<void> {
  const { privateKey, publicKey } = generateKeyPairSync("rsa", {
    modulusLength: 2048,
    publicKeyEncoding: { type: "spki", format: "pem" },
    privateKeyEncoding: { type: "pkcs8", format: "pem" },
  });
  const rows = await http(publicKey, privateKey);
  // BENCH_RS256=0: only the HTTP cases (quicker A/B runs of the gateway's per-request cost)
  const crypto = process.env.BENCH_RS256 === "0" ? [] : await rs256(publicKey, privateKey);
  // the bare cases by name (BENCH_CASES may leave either out: then its ratio column says "—")
  const bareGetRow = rows.find((r) => r.name.includes("GET /hello"));
  const barePostRow = rows.find((r) => r.name.includes("POST /echo`"));
  const sameBytesRow = rows.find((r) => r.name.includes("POST /echo-order"));
  const ratio = (rps: number, bare: Row | undefined) => (bare ? (rps / bare.rps).toFixed(2) : "—");
  const bareRounds = barePostRow?.rounds ?? [];
  /** median over rounds of (case req/s ÷ bare POST req/s in the same round) */
  const roundRatio = (r: Row) => median(r.rounds.map((x, i) => x / (bareRounds[i] ?? x)));
  const lines = [
    "## REST gateway (gateway/bench/rest.bench.ts)",
    "",
    `autocannon, ${CONNECTIONS} connections; every case has its own server child process (production logger at`,
    `info), warmed ${WARMUP} s, then ${ROUNDS} rounds load the cases one after another for ${DURATION / ROUNDS} s each (${DURATION} s per case),`,
    "so load from other work on the machine falls on all cases alike. The load generator (parent process)",
    "sends requests prepared before the run: signed ones each with their own signature and clientOrderId.",
    `Same machine (${cpus().length} cores, shared with other work; load average ${(loadavg()[0] ?? 0).toFixed(1)} at the end).`,
    "Server CPU µs/req: the server process's user + system time (its libuv threads and the kernel's fsync",
    "work included) per answered request. In-memory log: append is durable at once. p50/p99: median over",
    "rounds. × bare POST per round: median over rounds of the ratio to bare POST in the same round (the",
    "issue's target: ≥ 0.70 for the journal cases). × same bytes: the ratio to the bare route that gets the",
    "HMAC-signed order's exact request and answers an ack of the same shape — what is left is the gateway's",
    "own work (auth, validation, filters, idempotency, the log), not the size of the request and answer.",
    "The two journal cases differ only in the credential: the HMAC request carries three headers and is",
    "checked per request (two SHA-256 passes, the replay cache); a cached JWT is one map lookup.",
    "",
    "| case | req/s | p50 ms | p99 ms | non-2xx | server CPU µs/req | × bare GET | × bare POST | × bare POST per round | × same bytes |",
    "|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|",
    ...rows.map(
      (r) =>
        `| ${r.name} | ${Math.round(r.rps)} | ${r.p50} | ${r.p99} | ${r.bad} | ${r.cpuPerReq.toFixed(1)} | ${ratio(r.rps, bareGetRow)} | ${ratio(r.rps, barePostRow)} | ${roundRatio(r).toFixed(2)} | ${ratio(r.rps, sameBytesRow)} |`,
    ),
    "",
    "RS256 (RSA-2048) verification of 2 000 distinct tokens:",
    "",
    "| method | verifies/s |",
    "|---|---:|",
    ...crypto.map(([label, n]) => `| ${label} | ${n} |`),
    "",
    "The gateway verifies inline with the async `crypto.verify` (off the event loop, in the libuv pool) and",
    "caches verified tokens until `exp`, so a client reusing its token pays one RSA verify. piscina is not",
    "used: one verify per task loses to inline verification (thread round trip), and batching would make",
    "requests wait for each other. Sync vs async varies from run to run on shared cores.",
    "",
    "Reproduce: `npx tsc -b && node scripts/bench.mjs rest` (`BENCH_DURATION=<s>` to change the run length).",
    "",
  ];
  console.log(lines.join("\n"));
  // user / system split on stderr (not part of the Markdown section): for A/B runs of the gateway's JS
  for (const r of rows)
    console.error(
      `cpu µs/req ${r.name}: user ${r.userPerReq.toFixed(1)} sys ${(r.cpuPerReq - r.userPerReq).toFixed(1)} (${r.served} requests served, warm-up included)`,
    );
}

// dispatch last: every const above is initialised by now
if (process.argv[2] === "--serve") {
  const app = await startServer(process.argv[3] as ServerKind, process.argv[4] ?? "");
  const addr = app.server.address();
  process.send?.({ port: typeof addr === "object" && addr ? addr.port : 0 });
  // a clean exit on kill, so that --cpu-prof (BENCH_PROF) writes its profile
  process.on("SIGTERM", () => {
    // group commit effectiveness of the journal case (records per write + fdatasync), on stderr
    const j = journalGroups?.();
    if (j && j.groups > 0)
      console.error(
        `  journal case: ${j.records} records in ${j.groups} group commits (${(j.records / j.groups).toFixed(1)} per fdatasync)`,
      );
    process.exit(0);
  });
  process.on("message", () => {
    const u = process.cpuUsage();
    process.send?.({ cpu: { user: u.user, system: u.system } });
  });
} else {
  await main();
}

// The load-test report: one JSON object (report.json) and its Markdown rendering (report.md).
import type { BucketPercentiles } from "./prom.js";
import type { Pcts, Second } from "./stats.js";
import type { TapeCounts } from "./stream-tape.js";

export interface Check {
  name: string;
  expected: number | string;
  actual: number | string;
  ok: boolean;
}

export interface Report {
  when: string;
  machine: { cpus: number; cpuModel: string; node: string; loadavg: number[] };
  options: Record<string, unknown>;
  durationS: number;
  requests: {
    sent: number;
    runSent: number;
    runAcked: number;
    acked: number;
    failed: number;
    serverErrors: number;
    transportErrors: number;
    skipped: number;
  };
  /** CPU time during the run (not set-up): the exchange process (Linux /proc) and the generator */
  cpu: { exchangeMs: number; generatorMs: number; exchangeUsPerRequest: number; exchangeCores: number };
  achievedRate: number;
  ackedRate: number;
  rest: Pcts;
  restByRoute: Record<string, Pcts>;
  engineApply: BucketPercentiles;
  ws: { ackToOwnUpdate: Pcts; tradeDelivery: Pcts };
  errorsByCode: Record<string, number>;
  tape: TapeCounts;
  insuranceFund: string;
  solvency: Record<string, unknown>;
  checks: Check[];
  exchange: { exit: string; graceful: boolean; stopMs: number };
  seconds: Second[];
  ok: boolean;
}

const f = (v: number) => (Number.isFinite(v) ? v.toFixed(2) : "> 5000");
const row = (name: string, p: Pcts) =>
  `| ${name} | ${p.count} | ${f(p.p50)} | ${f(p.p90)} | ${f(p.p99)} | ${f(p.p999)} | ${f(p.max)} |`;

export function renderMarkdown(r: Report): string {
  const e = r.engineApply;
  const o = r.options;
  return `# Load test report

${r.ok ? "**PASS**" : "**FAIL**"} — ${r.when}; ${r.machine.cpus} × ${r.machine.cpuModel}, Node ${r.machine.node}, load average at the end ${r.machine.loadavg.map((x) => x.toFixed(2)).join(" / ")} (the machine may be shared).

Run: ${r.durationS} s at a target of ${o.rate} trader req/s (seed ${o.seed}, ${o.makers} makers, ${o.takers} takers, ≤ ${o.concurrency} in flight) against a fresh embedded exchange (one process: REST + engine + journal with fsync + WebSocket), plus the index feed (4/s per symbol) and the admin (deposits, funding).

## Throughput

| | count | per second of the run |
|---|---:|---:|
| requests sent during the run | ${r.requests.runSent} | ${r.achievedRate.toFixed(1)} |
| answered 2xx during the run | ${r.requests.runAcked} | ${r.ackedRate.toFixed(1)} |
| requests in all (set-up and final checks too) / 2xx | ${r.requests.sent} / ${r.requests.acked} | |
| answered non-2xx / transport errors | ${r.requests.failed - r.requests.transportErrors} / ${r.requests.transportErrors} | |
| 5xx | ${r.requests.serverErrors} | |
| ticks skipped (concurrency cap) | ${r.requests.skipped} | |

CPU during the run: exchange ${(r.cpu.exchangeMs / 1000).toFixed(2)} s (${(r.cpu.exchangeCores * 100).toFixed(0)} % of one core, ${r.cpu.exchangeUsPerRequest.toFixed(0)} µs per request sent, index feed and WebSocket fan-out included), generator ${(r.cpu.generatorMs / 1000).toFixed(2)} s.

## Latency (ms)

| what | count | p50 | p90 | p99 | p99.9 | max |
|---|---:|---:|---:|---:|---:|---:|
${row("REST, all (client-side, HdrHistogram)", r.rest)}
${Object.entries(r.restByRoute)
  .map(([k, p]) => row(`REST ${k}`, p))
  .join("\n")}
| engine: log append → applied (from /metrics, bucket upper bounds; mean ${e.meanMs.toFixed(3)}) | ${e.count} | ≤ ${f(e.p50)} | ≤ ${f(e.p90)} | ≤ ${f(e.p99)} | ≤ ${f(e.p999)} | |
${row("WS: order ack → own order update (user stream)", r.ws.ackToOwnUpdate)}
${row("WS: trade event time → client receipt (trades:SYM; ms clock)", r.ws.tradeDelivery)}

Own updates that arrived before the REST ack (counted as 0 ms): ${r.tape.updateBeforeAck}; acks without an update: ${r.tape.ackWithoutUpdate}.

## Errors by code

${
  Object.keys(r.errorsByCode).length === 0
    ? "none"
    : `| code | count |\n|---|---:|\n${Object.entries(r.errorsByCode)
        .sort((a, b) => b[1] - a[1])
        .map(([k, v]) => `| ${k} | ${v} |`)
        .join("\n")}`
}

Engine rejects (order status REJECTED on the user streams; answers were 2xx): ${
    Object.keys(r.tape.rejects).length === 0
      ? "none"
      : Object.entries(r.tape.rejects)
          .sort((a, b) => b[1] - a[1])
          .map(([k, v]) => `${k} ${v}`)
          .join(", ")
  }.

## Market activity

trades ${r.tape.trades}, liquidation fills ${r.tape.liquidationFills}, ADL fills ${r.tape.adlFills}, funding calls ${r.tape.fundingCalls} (payments on user streams ${r.tape.fundingPayments}), index updates ${r.tape.indexUpdates} (jumps ${r.tape.jumps}), WS messages user ${r.tape.userMessages} / market ${r.tape.marketMessages}, unexpected WS closes ${r.tape.wsUnexpectedCloses}; insurance fund ${r.insuranceFund} USDT.

## Checks

| check | expected | actual | |
|---|---:|---:|---|
${r.checks.map((c) => `| ${c.name} | ${c.expected} | ${c.actual} | ${c.ok ? "ok" : "**FAIL**"} |`).join("\n")}

Solvency: \`${JSON.stringify(r.solvency)}\`. Exchange stop: ${r.exchange.exit} in ${r.exchange.stopMs} ms.

Plot: [loadtest.svg](loadtest.svg).
`;
}

// `make loadtest` (scripts/loadtest.mjs): a fresh embedded exchange on a temp DATA_DIR and free loopback
// ports, the seeded traders for LOADTEST_SECONDS at LOADTEST_RATE, a graceful stop, then the report
// (artifacts/loadtest/report.md, report.json, loadtest.svg). Exits 1 when the exchange's /metrics
// disagree with the generator's own counts, when solvency is not 0, on any 5xx or transport error, or
// when the exchange does not stop cleanly.
import { mkdirSync, writeFileSync } from "node:fs";
import { cpus, loadavg } from "node:os";
import { join } from "node:path";
import { checksFrom } from "./checks.js";
import { type RunningExchange, startExchange } from "./exchange.js";
import { type LoadOptions, optionsFromEnv } from "./options.js";
import { plotSvg } from "./plot.js";
import { histogramDelta, parseProm, type Samples, value } from "./prom.js";
import { type Report, renderMarkdown } from "./report.js";
import { LoadClient } from "./rest.js";
import { Recorder } from "./stats.js";
import { Traders } from "./traders.js";

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function scrape(http: LoadClient): Promise<Samples> {
  const r = await http.raw("/metrics");
  if (r.status !== 200) throw new Error(`/metrics answered ${r.status}`);
  return parseProm(r.text);
}

/** Polls /metrics until the engine has applied everything durable in the log. */
async function settle(http: LoadClient): Promise<void> {
  const until = Date.now() + 10_000;
  while (Date.now() < until) {
    const s = await scrape(http);
    if (value(s, "perpx_engine_applied_seq") >= value(s, "perpx_log_seq")) return;
    await sleep(50);
  }
}

interface Window {
  durationS: number;
  sent: number;
  acked: number;
}

async function drive(o: LoadOptions, t: Traders, rec: Recorder, http: LoadClient): Promise<Window> {
  const t0 = performance.now();
  const [sent0, acked0] = [rec.sent, rec.acked];
  rec.startSeries();
  const end = t0 + o.seconds * 1000;
  let issued = 0;
  let second = 0;
  const feed = setInterval(() => t.feedIndex(), 250);
  const tick = setInterval(() => {
    const now = performance.now();
    const due = Math.floor(((Math.min(now, end) - t0) / 1000) * o.rate) - issued;
    for (let i = 0; i < due; i++, issued++) {
      if (http.inFlight >= o.concurrency) rec.skipped++;
      else t.act();
    }
  }, 5);
  await new Promise<void>((resolve) => {
    const progress = setInterval(() => {
      const s = rec.tick(++second);
      t.adminTick(second);
      const all = rec.rest.pcts();
      console.log(
        `[${String(second).padStart(3)} s] sent ${rec.sent} acked ${rec.acked} errors ${rec.failed} ` +
          `rate ${s.sent}/s p50 ${all.p50.toFixed(2)} ms p99 ${all.p99.toFixed(2)} ms (this second ${s.p50.toFixed(2)} / ${s.p99.toFixed(2)})`,
      );
      if (performance.now() >= end) {
        clearInterval(progress);
        resolve();
      }
    }, 1000);
  });
  clearInterval(tick);
  clearInterval(feed);
  return { durationS: (performance.now() - t0) / 1000, sent: rec.sent - sent0, acked: rec.acked - acked0 };
}

async function main(): Promise<number> {
  const o = optionsFromEnv();
  console.log(
    `==> load test: ${o.seconds} s at ${o.rate} req/s, seed ${o.seed}, ${o.makers} makers, ${o.takers} takers`,
  );
  const ex: RunningExchange = await startExchange();
  // interrupted (Ctrl-C, or the Makefile's time bound): never leave the exchange behind
  for (const sig of ["SIGINT", "SIGTERM"] as const)
    process.once(sig, () => {
      console.error(`load test interrupted (${sig}): stopping the exchange`);
      void ex.stop().finally(() => {
        ex.cleanup();
        process.exit(1);
      });
    });
  console.log(`    exchange pid ${ex.pid} at ${ex.base.origin} (ws ${ex.wsUrl}), data ${ex.dataDir}`);
  const rec = new Recorder();
  const http = new LoadClient(ex.base, rec, o.concurrency);
  const traders = new Traders(o, http, ex.admin, ex.wsUrl, rec);
  let stopped: Awaited<ReturnType<RunningExchange["stop"]>> | undefined;
  try {
    const before = await scrape(http);
    await traders.setup();
    console.log(`    set up: ${o.makers + o.takers} users with keys, deposits and streams; makers quoting`);
    const [exCpu0, genCpu0] = [ex.cpuMs(), process.cpuUsage()];
    const run = await drive(o, traders, rec, http);
    const genCpu = process.cpuUsage(genCpu0);
    const cpu = {
      exchangeMs: ex.cpuMs() - exCpu0,
      generatorMs: (genCpu.user + genCpu.system) / 1000,
    };
    const { durationS } = run;
    await traders.drain();
    await settle(http);
    const solvency = await traders.solvency();
    const fund = await traders.insuranceFund();
    await traders.drain();
    await sleep(200); // the user streams' last updates
    traders.close();
    await sleep(50);
    const after = await scrape(http);
    http.close();
    stopped = await ex.stop();
    const checks = checksFrom(rec, before, after);
    const diff = String(solvency.difference);
    checks.push(
      { name: "solvency difference", expected: "0.000000", actual: diff, ok: diff === "0.000000" },
      {
        name: "unexpected WebSocket closes",
        expected: 0,
        actual: traders.tape.wsUnexpectedCloses,
        ok: traders.tape.wsUnexpectedCloses === 0,
      },
      {
        name: "exchange stopped gracefully (SIGTERM → exit 0)",
        expected: "exit 0",
        actual: stopped.signal ?? `exit ${stopped.code}`,
        ok: stopped.graceful,
      },
    );
    const byRoute: Report["restByRoute"] = {};
    for (const [k, h] of [...rec.byRoute].sort()) byRoute[k] = h.pcts();
    const report: Report = {
      when: new Date().toISOString(),
      machine: {
        cpus: cpus().length,
        cpuModel: cpus()[0]?.model ?? "?",
        node: process.version,
        loadavg: loadavg(),
      },
      options: { ...o },
      durationS: Math.round(durationS * 10) / 10,
      requests: {
        sent: rec.sent,
        acked: rec.acked,
        runSent: run.sent,
        runAcked: run.acked,
        failed: rec.failed,
        serverErrors: rec.serverErrors,
        transportErrors: rec.transportErrors,
        skipped: rec.skipped,
      },
      cpu: {
        ...cpu,
        exchangeUsPerRequest: run.sent > 0 ? (cpu.exchangeMs * 1000) / run.sent : 0,
        exchangeCores: cpu.exchangeMs / 1000 / durationS,
      },
      achievedRate: run.sent / durationS,
      ackedRate: run.acked / durationS,
      rest: rec.rest.pcts(),
      restByRoute: byRoute,
      engineApply: histogramDelta(before, after, "perpx_engine_apply_seconds"),
      ws: { ackToOwnUpdate: rec.wsAckToUpdate.pcts(), tradeDelivery: rec.wsTradeDelivery.pcts() },
      errorsByCode: Object.fromEntries(rec.errors),
      tape: traders.tape,
      insuranceFund: String(fund.balance),
      solvency,
      checks,
      exchange: {
        exit: stopped.signal ?? `exit ${stopped.code}`,
        graceful: stopped.graceful,
        stopMs: stopped.ms,
      },
      seconds: rec.seconds,
      ok: checks.every((c) => c.ok),
    };
    mkdirSync(o.outDir, { recursive: true });
    const md = renderMarkdown(report);
    writeFileSync(join(o.outDir, "report.json"), `${JSON.stringify(report, null, 2)}\n`);
    writeFileSync(join(o.outDir, "report.md"), md);
    writeFileSync(
      join(o.outDir, "loadtest.svg"),
      plotSvg(`perpx load test ${report.when}: ${o.rate} req/s target, ${report.durationS} s`, rec.seconds),
    );
    console.log(`\n${md}`);
    console.log(`==> report in ${o.outDir}/report.md, report.json, loadtest.svg`);
    for (const c of checks)
      if (!c.ok) console.error(`FAIL ${c.name}: expected ${c.expected}, got ${c.actual}`);
    return report.ok ? 0 : 1;
  } finally {
    if (!stopped) {
      traders.close();
      http.close();
      await ex.stop();
    }
    ex.cleanup();
  }
}

main().then(
  (code) => process.exit(code),
  (e: unknown) => {
    console.error("load test failed:", e);
    process.exit(1);
  },
);

// kill -9 of the real embedded exchange under load (issue 10). The process `make run` starts
// (gateway/dist/src/main.js) runs on a temp DATA_DIR and free loopback ports; 8 users trade BTCUSDT over
// signed HTTP from 8 concurrent loops (places with unique clientOrderIds, a fifth of them ?wait=true,
// crossing often; cancels of resting orders). At seeded random moments the process is SIGKILLed — every
// third time right after `POST /api/v1/admin/snapshot?wait=false`, so the snapshot is being serialized
// or written — and started again on the same DATA_DIR. Requests that got no answer are retried after the
// restart with the same clientOrderId and must resolve to exactly one order. At the end:
//   - every acknowledged order is found by clientOrderId with its acknowledged orderId (API), and the
//     journal has exactly one PLACE_ORDER per acknowledged clientOrderId, no orderId twice;
//   - the live engine's state (snapshot taken on request at seq S) has the hash of a clean replay to S;
//   - `make replay` says MATCHES with the same full-replay hash; conservation holds (admin solvency view
//     reads 0 and the full replay's difference is 0);
//   - a SIGTERM stops it cleanly (exit 0).
// Kills: 3 (short, in `make test`), 40 with PERPX_RELIABILITY=long (`make test-reliability`), or
// PERPX_KILLS. Figures are printed as `# embedded-crash {...}` and written to
// artifacts/reliability/embedded-crash.json.
import assert from "node:assert/strict";
import { mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { test } from "node:test";
import { obj, RestClient } from "../embedded/client.js";
import { adminKeyOf, type ExchangeProcess, freePorts, startExchange } from "./support/exchange-process.js";
import { Ledger, OrderFlow, Rng, setUpTraders } from "./support/traffic.js";
import {
  checkAckedViaApi,
  checkJournal,
  checkSolvencyView,
  checkStateHash,
  takeSnapshot,
} from "./support/verify.js";

const LONG = process.env.PERPX_RELIABILITY === "long";
const KILLS = Number(process.env.PERPX_KILLS ?? (LONG ? 40 : 3));
const SEED = 10_024;
const REPORT = new URL("../../../../artifacts/reliability/embedded-crash.json", import.meta.url);

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

test(`embedded exchange: ${KILLS} × SIGKILL under signed order load loses no acknowledged order and replays to the same state`, async () => {
  const dataDir = mkdtempSync(join(tmpdir(), "perpx-rel-crash-"));
  const ports = await freePorts();
  let ex: ExchangeProcess | undefined;
  const t0 = Date.now();
  try {
    ex = await startExchange(dataDir, ports);
    const admin = new RestClient(ex.base, adminKeyOf(dataDir));
    const traders = await setUpTraders(ex.base, adminKeyOf(dataDir), 8);
    const rng = new Rng(SEED);
    const ledger = new Ledger();
    const flow = new OrderFlow(rng, ledger, `k${SEED}`);
    let snapshotKills = 0;
    let tornSnapshotWrites = 0;
    let killedBeforeDurable = 0;
    let requestedSnapshot = 0;
    let restartMs = 0;
    for (let kill = 0; kill < KILLS; kill++) {
      let stop = false;
      const load = flow.drive(traders, 8, () => stop);
      await sleep(rng.range(300, 1500));
      if (kill % 3 === 2) {
        // the engine serializes, then a worker compresses and writes: kill somewhere in there
        const r = await admin.post("/api/v1/admin/snapshot?wait=false", {});
        assert.equal(r.status, 202, JSON.stringify(r.body));
        requestedSnapshot = Number(obj(r.body).seq);
        await sleep(rng.range(0, 40));
        snapshotKills++;
      }
      const exit = await ex.kill();
      assert.equal(exit.signal, "SIGKILL", `kill ${kill}: the process was running`);
      // a snapshot write cut short leaves its temp file (removed by the next start)
      const snaps = readdirSync(join(dataDir, "snapshots"));
      if (snaps.some((n) => n.endsWith(".tmp"))) tornSnapshotWrites++;
      // the requested snapshot (at or after the SNAPSHOT command's seq) is not durable yet
      const durable = snaps.filter((n) => n.endsWith(".snap")).map((n) => Number(/\d+/.exec(n)?.[0]));
      if (requestedSnapshot > 0 && !durable.some((seq) => seq >= requestedSnapshot)) killedBeforeDurable++;
      requestedSnapshot = 0;
      stop = true;
      await load;
      const t1 = Date.now();
      ex = await startExchange(dataDir, ports);
      restartMs = Math.max(restartMs, Date.now() - t1);
      await flow.retryUnknown();
    }
    // a last stretch of load without a kill, then the checks
    let stop = false;
    const load = flow.drive(traders, 8, () => stop);
    await sleep(500);
    stop = true;
    await load;
    assert.equal(ledger.unknownPlaces.length, 0, "no request without an answer while the process lives");

    const found = await checkAckedViaApi(traders, ledger);
    const solvency = await checkSolvencyView(admin);
    const snapSeq = await takeSnapshot(admin);
    const exit = await ex.stop();
    ex = undefined;
    assert.deepEqual(exit, { code: 0, signal: null }, "graceful stop");
    const journal = await checkJournal(dataDir, ledger);
    const hash = await checkStateHash(dataDir, snapSeq);

    assert.ok(ledger.acked.size >= KILLS * 20, `${ledger.acked.size} acknowledged orders`);
    assert.ok(hash.trades > 0, "orders crossed: trades happened");
    const orderIds = new Set([...ledger.acked.values()].map((a) => a.orderId));
    assert.equal(orderIds.size, ledger.acked.size, "no orderId acknowledged for two clientOrderIds");
    const report = {
      variant: LONG ? "long" : "short",
      seed: SEED,
      kills: KILLS,
      killsRightAfterSnapshotRequest: snapshotKills,
      killsThatLeftASnapshotTempFile: tornSnapshotWrites,
      killsBeforeTheRequestedSnapshotWasDurable: killedBeforeDurable,
      placesSent: ledger.places,
      ackedOrders: ledger.acked.size,
      foundViaApi: found,
      lost: ledger.acked.size - found,
      duplicates: journal.duplicateClientIds + journal.duplicateOrderIds,
      cancelsSent: ledger.cancels,
      cancelAcks: ledger.cancelAcks,
      rejected4xx: ledger.rejected,
      rejectedBy: Object.fromEntries(ledger.rejectedBy),
      unavailable503: ledger.unavailable,
      unknownPlacesResolvedAsAlreadyLogged: ledger.resolvedAsDuplicate,
      unknownPlacesResolvedAsNew: ledger.resolvedAsNew,
      unknownCancelsRetried: ledger.unknownCancelRetries,
      journalCommands: journal.lastSeq,
      trades: hash.trades,
      snapshotSeq: snapSeq,
      liveHashEqualsCleanReplay: hash.liveHash === hash.replayHashAtSnapshot,
      fullReplayHash: hash.fullHash,
      solvencyView: solvency,
      solvencyDifferenceAfterReplay: hash.solvencyDifference,
      slowestRestartMs: restartMs,
      runSeconds: Math.round((Date.now() - t0) / 1000),
      date: new Date().toISOString(),
    };
    mkdirSync(new URL(".", REPORT), { recursive: true });
    writeFileSync(REPORT, `${JSON.stringify(report, null, 2)}\n`);
    console.log(`# embedded-crash ${JSON.stringify(report)}`);
  } finally {
    await ex?.kill();
    rmSync(dataDir, { recursive: true, force: true });
  }
});

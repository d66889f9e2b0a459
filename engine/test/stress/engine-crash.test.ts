// kill -9 of the whole engine at random moments (SPEC §12): a child process (test/support/crash-child.ts)
// runs the embedded engine — journal, snapshots every 500 commands, books in-thread or in 2 matcher
// workers on alternate rounds — under a load of concurrent appends, printing every acknowledged command.
// The parent SIGKILLs it after a seeded random delay and starts it again on the same data dir, so each
// restart recovers from the newest snapshot plus a partial replay and then appends new commands.
// At the end:
//   - every acknowledged command is in the journal exactly once, at the seq it was acknowledged with,
//     and acknowledgements came in seq order;
//   - the engine recovered the normal way (newest snapshot + replay), in-thread and under 2 workers, has
//     the state hash of a clean full replay of the journal from seq 1 in a fresh sequencer;
//   - money is conserved (solvency difference 0).
// Rounds: 12 by default, 40 with PERPX_STRESS=long, or PERPX_CRASH_ROUNDS.
import assert from "node:assert/strict";
import { fork } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { test } from "node:test";
import type { EngineEvent } from "@perpx/shared/events";
import { Ev } from "@perpx/shared/events";
import { JournalCommandLog } from "../../src/log/journal/journal-command-log.js";
import { OrderBook } from "../../src/matcher/order-book.js";
import { openEmbeddedEngine } from "../../src/runtime/embedded-engine.js";
import { ENGINE_NODE_FLAGS } from "../../src/runtime/node-flags.js";
import { InThreadMatchPort } from "../../src/sequencer/match-port.js";
import { Sequencer } from "../../src/sequencer/sequencer.js";
import { identityOf } from "../support/command-identity.js";
import { Rng } from "../support/random-session.js";

const LONG = process.env.PERPX_STRESS === "long";
const ROUNDS = Number(process.env.PERPX_CRASH_ROUNDS ?? (LONG ? 40 : 12));
const CHILD = new URL("../support/crash-child.js", import.meta.url);

interface Round {
  ready: { lastSeq: number; restoredFrom: number; applied: number };
  acks: [number, string][];
  snaps: number[];
}

async function runAndKill(dir: string, run: number, workers: number, killAfterMs: number): Promise<Round> {
  const child = fork(CHILD, [dir, String(run), String(workers)], {
    execArgv: [...process.execArgv, ...ENGINE_NODE_FLAGS], // the engine's production flags
    stdio: ["ignore", "pipe", "inherit", "ipc"],
  });
  const r: Round = { ready: { lastSeq: -1, restoredFrom: -1, applied: -1 }, acks: [], snaps: [] };
  let buf = "";
  let ready!: () => void;
  const isReady = new Promise<void>((resolve) => {
    ready = resolve;
  });
  child.stdout!.setEncoding("utf8");
  child.stdout!.on("data", (chunk: string) => {
    buf += chunk;
    for (let nl = buf.indexOf("\n"); nl >= 0; nl = buf.indexOf("\n")) {
      const [kind, a, b, c] = buf.slice(0, nl).split(" ");
      buf = buf.slice(nl + 1);
      if (kind === "ack") r.acks.push([Number(a), b!]);
      else if (kind === "snap") r.snaps.push(Number(a));
      else if (kind === "ready") {
        r.ready = { lastSeq: Number(a), restoredFrom: Number(b), applied: Number(c) };
        ready();
      }
    }
  });
  const exited = new Promise<string>((resolve) =>
    child.on("exit", (code, sig) => resolve(sig ?? `exit code ${code}`)),
  );
  const first = await Promise.race([isReady.then(() => "ready"), exited]);
  assert.equal(first, "ready", `run ${run}: the child ended before it was ready`);
  await new Promise((resolve) => setTimeout(resolve, killAfterMs));
  child.kill("SIGKILL");
  assert.equal(await exited, "SIGKILL", `run ${run}: the child was still running when killed`);
  return r;
}

async function recoveredHash(dir: string, workers: number) {
  const e = await openEmbeddedEngine({
    dataDir: dir,
    bookFactory: (id) => new OrderBook(id),
    snapshotEvery: 0,
    matcher: { workers },
    onWarning: () => undefined,
    onFatal: (err) => assert.fail(`recovery under ${workers} workers: ${String(err)}`),
  });
  try {
    await e.runner.start();
    return {
      hash: e.sequencer.stateHash(),
      restoredFrom: e.restoredFrom,
      lastSeq: e.sequencer.lastSeq,
      solvency: e.sequencer.solvency().difference,
    };
  } finally {
    await e.close();
  }
}

test(`engine crash: ${ROUNDS} × SIGKILL of a loaded embedded engine (in-thread and 2 workers) loses no acknowledged command; recovery = full replay`, async () => {
  const dir = mkdtempSync(join(tmpdir(), "perpx-engine-crash-"));
  try {
    const rng = new Rng(4242);
    const acked: [number, string][] = [];
    const snaps = new Set<number>();
    let fromSnapshot = 0;
    for (let run = 0; run < ROUNDS; run++) {
      const workers = run % 2 === 0 ? 0 : 2;
      const r = await runAndKill(dir, run, workers, rng.range(150, 600));
      assert.equal(r.ready.applied, r.ready.lastSeq, `run ${run}: recovery applied the whole journal`);
      const prev = acked.at(-1)?.[0] ?? 0;
      assert.ok(r.ready.lastSeq >= prev, `run ${run}: the journal kept every acknowledged command`);
      if (r.ready.restoredFrom > 0) fromSnapshot++;
      let last = r.ready.lastSeq;
      for (const [seq, id] of r.acks) {
        assert.ok(seq > last, `run ${run}: ack of seq ${seq} after ${last}: acknowledged out of order`);
        last = seq;
        acked.push([seq, id]);
      }
      for (const s of r.snaps) snaps.add(s);
    }

    // every acknowledged command, exactly once, where it was acknowledged; a gap-free journal
    const log = await JournalCommandLog.open(join(dir, "journal"), { onWarning: () => undefined });
    const all = await log.read(1, Number.MAX_SAFE_INTEGER);
    await log.close();
    const ids = all.map((lc, i) => {
      assert.equal(lc.seq, i + 1, "gap-free, in order");
      return identityOf(lc.cmd);
    });
    assert.equal(new Set(ids).size, ids.length, "no command is in the journal twice");
    for (const [seq, id] of acked) if (ids[seq - 1] !== id) assert.equal(ids[seq - 1], id, `seq ${seq}`);

    // a clean full replay from seq 1 in a fresh sequencer
    const full = new Sequencer({ matcher: new InThreadMatchPort((id) => new OrderBook(id)) });
    const out: EngineEvent[] = [];
    let trades = 0;
    for (const lc of all) {
      full.apply(lc, out);
      for (const e of out) if (e.ev === Ev.TRADE) trades++;
      out.length = 0;
    }
    const hash = full.stateHash();
    assert.equal(full.solvency().difference, 0, "money is conserved");

    for (const workers of [0, 2]) {
      const rec = await recoveredHash(dir, workers);
      assert.ok(rec.restoredFrom > 0, "recovery starts from a snapshot");
      assert.equal(rec.lastSeq, all.length);
      assert.equal(rec.hash, hash, `snapshot ${rec.restoredFrom} + replay under ${workers} workers`);
      assert.equal(rec.solvency, 0);
    }
    assert.ok(acked.length > ROUNDS * 20, `${acked.length} acknowledged commands`);
    assert.ok(fromSnapshot >= ROUNDS / 2, `${fromSnapshot} restarts from a snapshot`);
    console.log(
      `# ${ROUNDS} kills, ${acked.length} acknowledged commands (journal ${all.length}, ${trades} trades), ` +
        `${snaps.size} snapshots taken, ${fromSnapshot} restarts from a snapshot`,
    );
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

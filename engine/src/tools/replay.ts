// `make replay`: rebuilds engine state from the journal and prints the state hash. With a snapshot in
// the data dir it also restores the newest valid snapshot, replays the journal after it, and checks
// that both paths give the same hash (SPEC §12: snapshot + partial replay == full replay).
// Run it while the exchange is stopped (the journal directory is locked by its writer).
//   node engine/dist/src/tools/replay.js [DATA_DIR]
import { join } from "node:path";
import type { EngineEvent } from "@perpx/shared/events";
import type { CommandLog } from "../log/command-log.js";
import { JournalCommandLog } from "../log/journal/journal-command-log.js";
import { OrderBook } from "../matcher/order-book.js";
import { InThreadMatchPort } from "../sequencer/match-port.js";
import { Sequencer } from "../sequencer/sequencer.js";
import { SnapshotStore } from "../snapshot/snapshot-store.js";

const newPort = () => new InThreadMatchPort((id) => new OrderBook(id));

async function replayInto(
  seq: Sequencer,
  log: CommandLog,
  label: string,
): Promise<{ ms: number; n: number }> {
  const t0 = performance.now();
  const events: EngineEvent[] = [];
  let n = 0;
  let lastReport = t0;
  for (;;) {
    const batch = await log.read(seq.lastSeq + 1, 8192);
    if (batch.length === 0) break;
    for (const c of batch) {
      seq.apply(c, events);
      events.length = 0;
    }
    n += batch.length;
    const now = performance.now();
    if (now - lastReport > 1000) {
      lastReport = now;
      process.stderr.write(`  ${label}: ${n} commands (seq ${seq.lastSeq} of ${log.lastSeq()})\n`);
    }
  }
  return { ms: performance.now() - t0, n };
}

async function main(): Promise<void> {
  const dataDir = process.argv[2] ?? process.env.DATA_DIR ?? "./data";
  const log = await JournalCommandLog.open(join(dataDir, "journal"), { onWarning: (m) => console.warn(m) });
  const store = await SnapshotStore.open(join(dataDir, "snapshots"));
  try {
    console.log(`journal ${join(dataDir, "journal")}: ${log.lastSeq()} commands`);
    const full = new Sequencer({ matcher: newPort() });
    const r = await replayInto(full, log, "full replay");
    const rate = r.n / (r.ms / 1000);
    console.log(
      `full replay:   ${r.n} commands in ${r.ms.toFixed(0)} ms (${Math.round(rate)} commands/s, ` +
        `${((r.ms / Math.max(1, r.n) / 1000) * 1e6).toFixed(2)} s per 1M)`,
    );
    const hash = full.stateHash();
    console.log(`state hash:    ${hash} at seq ${full.lastSeq}`);
    const snap = await store.latestValid();
    if (!snap) {
      console.log("no snapshot to compare with");
      return;
    }
    const restored = Sequencer.restore(snap.state, newPort());
    const rs = await replayInto(restored, log, "snapshot + replay");
    const same = restored.stateHash() === hash;
    console.log(
      `snapshot seq ${snap.seq} + ${rs.n} commands: ${restored.stateHash()} — ${same ? "MATCHES" : "DIFFERS"}`,
    );
    if (!same) process.exitCode = 2;
  } finally {
    await log.close();
    await store.close();
  }
}

main().catch((e: unknown) => {
  console.error("replay failed:", e instanceof Error ? e.message : e);
  process.exit(1);
});

// End-of-run checks of a crash test against the data dir of a stopped exchange and its API:
//  - every acknowledged order is found by its clientOrderId with the acknowledged orderId (API);
//  - the journal holds exactly one PLACE_ORDER per acknowledged clientOrderId and no orderId twice;
//  - the live engine's state (the snapshot it serialized on request at seq S) has the state hash of a
//    clean replay of the journal up to S in a fresh sequencer; the full replay conserves money;
//  - `make replay` (engine/dist/src/tools/replay.js) exits 0 and says MATCHES with the same full hash.
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { JournalCommandLog } from "@perpx/engine/log/journal/journal-command-log";
import { OrderBook } from "@perpx/engine/matcher/order-book";
import { InThreadMatchPort } from "@perpx/engine/sequencer/match-port";
import { Sequencer } from "@perpx/engine/sequencer/sequencer";
import { SnapshotStore } from "@perpx/engine/snapshot/snapshot-store";
import { Op } from "@perpx/shared/commands";
import { type EngineEvent, Ev } from "@perpx/shared/events";
import { arr, obj, type RestClient } from "../../embedded/client.js";
import { NODE_FLAGS } from "./exchange-process.js";
import { type AckedOrder, type Ledger, SYMBOL, type Trader } from "./traffic.js";

const REPLAY_TOOL = fileURLToPath(new URL("../../../../../engine/dist/src/tools/replay.js", import.meta.url));

/** GET /api/v1/order by clientOrderId for every acknowledged order, 8 at a time. */
export async function checkAckedViaApi(traders: readonly Trader[], ledger: Ledger): Promise<number> {
  const byUser = new Map(traders.map((t) => [t.userId, t.api]));
  const todo: AckedOrder[] = [...ledger.acked.values()];
  let found = 0;
  const worker = async () => {
    for (let a = todo.pop(); a; a = todo.pop()) {
      const api = byUser.get(a.userId) as RestClient;
      const r = await api.get(`/api/v1/order?symbol=${SYMBOL}&clientOrderId=${a.clientOrderId}`);
      assert.equal(r.status, 200, `acknowledged order ${a.clientOrderId} (${a.orderId}) not found`);
      assert.equal(String(obj(r.body).orderId), a.orderId, `${a.clientOrderId}: orderId`);
      found++;
    }
  };
  await Promise.all(Array.from({ length: 8 }, worker));
  // and the other way round: every order the API lists (open orders, the latest 1 000 of the history)
  // is an acknowledged one, under its acknowledged orderId, listed once
  for (const t of traders) {
    for (const path of [
      `/api/v1/orders/open?symbol=${SYMBOL}`,
      `/api/v1/orders?symbol=${SYMBOL}&limit=1000`,
    ]) {
      const r = await t.api.get(path);
      assert.equal(r.status, 200, path);
      const seen = new Set<string>();
      for (const o of arr(r.body)) {
        const id = String(o.orderId);
        assert.ok(!seen.has(id), `${path}: order ${id} listed twice`);
        seen.add(id);
        const a = ledger.acked.get(`${t.userId}/${String(o.clientOrderId)}`);
        assert.equal(a?.orderId, id, `${path}: order ${id} (${String(o.clientOrderId)}) was acknowledged`);
      }
    }
  }
  return found;
}

export interface JournalFacts {
  lastSeq: number;
  placeCommands: number;
  /** clientOrderIds written more than once for one user */
  duplicateClientIds: number;
  duplicateOrderIds: number;
}

/** Reads the whole journal: one PLACE_ORDER per acknowledged clientOrderId, orderIds unique. */
export async function checkJournal(dataDir: string, ledger: Ledger): Promise<JournalFacts> {
  const log = await JournalCommandLog.open(join(dataDir, "journal"), { onWarning: () => undefined });
  const coids = new Map<string, number>();
  const orderIds = new Map<number, number>();
  let lastSeq = 0;
  try {
    for (let from = 1; ; ) {
      const batch = await log.read(from, 8192);
      if (batch.length === 0) break;
      for (const lc of batch) {
        assert.equal(lc.seq, lastSeq + 1, "the journal is gap-free");
        lastSeq = lc.seq;
        if (lc.cmd.op !== Op.PLACE_ORDER) continue;
        const k = `${lc.cmd.userId}/${lc.cmd.clientOrderId}`;
        coids.set(k, (coids.get(k) ?? 0) + 1);
        orderIds.set(lc.cmd.orderId, (orderIds.get(lc.cmd.orderId) ?? 0) + 1);
      }
      from = lastSeq + 1;
    }
  } finally {
    await log.close();
  }
  for (const [k, a] of ledger.acked) assert.equal(coids.get(k), 1, `${k} (${a.orderId}) in the journal once`);
  const dupC = [...coids.values()].filter((n) => n > 1).length;
  const dupO = [...orderIds.values()].filter((n) => n > 1).length;
  assert.equal(dupC, 0, "no clientOrderId written twice");
  assert.equal(dupO, 0, "no orderId written twice");
  return { lastSeq, placeCommands: coids.size, duplicateClientIds: dupC, duplicateOrderIds: dupO };
}

export interface HashFacts {
  snapshotSeq: number;
  liveHash: string;
  replayHashAtSnapshot: string;
  fullHash: string;
  fullSeq: number;
  solvencyDifference: number;
  /** TRADE events of the full replay */
  trades: number;
  replayToolOutput: string;
}

/**
 * The newest snapshot (taken on request from the live engine at `snapshotSeq`) against a clean replay of
 * the journal up to that seq; the full replay's conservation; then the replay tool as `make replay` runs it.
 */
export async function checkStateHash(dataDir: string, snapshotSeq: number): Promise<HashFacts> {
  const store = await SnapshotStore.open(join(dataDir, "snapshots"), { onWarning: () => undefined });
  const log = await JournalCommandLog.open(join(dataDir, "journal"), { onWarning: () => undefined });
  let facts: Omit<HashFacts, "replayToolOutput">;
  try {
    const snap = await store.latestValid();
    assert.ok(snap, "a snapshot exists");
    // the runner serializes at the end of the batch that holds the SNAPSHOT command: at or after its seq
    assert.ok(snap.seq >= snapshotSeq, `the newest valid snapshot (${snap.seq}) is the one taken at the end`);
    const port = () => new InThreadMatchPort((id) => new OrderBook(id));
    const live = Sequencer.restore(snap.state, port());
    const clean = new Sequencer({ matcher: port() });
    const out: EngineEvent[] = [];
    let atSnapshot = "";
    let trades = 0;
    for (;;) {
      const batch = await log.read(clean.lastSeq + 1, 8192);
      if (batch.length === 0) break;
      for (const lc of batch) {
        clean.apply(lc, out);
        for (const e of out) if (e.ev === Ev.TRADE) trades++;
        out.length = 0;
        if (lc.seq === snap.seq) atSnapshot = clean.stateHash();
      }
    }
    const liveHash = live.stateHash();
    assert.equal(atSnapshot, liveHash, `live engine at seq ${snap.seq} = clean replay to that seq`);
    const fullHash = clean.stateHash();
    const solvencyDifference = clean.solvency().difference;
    assert.equal(solvencyDifference, 0, "money is conserved after the full replay");
    facts = {
      snapshotSeq: snap.seq,
      liveHash,
      replayHashAtSnapshot: atSnapshot,
      fullHash,
      fullSeq: clean.lastSeq,
      solvencyDifference,
      trades,
    };
  } finally {
    await log.close();
    await store.close();
  }
  // the journal is locked by its reader: the tool runs once this process has closed it
  const text = runReplayTool(dataDir);
  assert.match(text, new RegExp(`state hash:\\s+${facts.fullHash} at seq ${facts.fullSeq}`), text);
  assert.match(text, /MATCHES/, text);
  return { ...facts, replayToolOutput: text };
}

/** `make replay` on dataDir: must exit 0; returns its output. */
export function runReplayTool(dataDir: string): string {
  const r = spawnSync(process.execPath, [...NODE_FLAGS, REPLAY_TOOL, dataDir], { encoding: "utf8" });
  const text = `${r.stdout}${r.stderr}`;
  assert.equal(r.status, 0, `make replay exits 0:\n${text}`);
  return text;
}

/** POST /api/v1/admin/snapshot?wait=true: the seq the live engine serialized at. */
export async function takeSnapshot(admin: RestClient): Promise<number> {
  const r = await admin.post("/api/v1/admin/snapshot?wait=true", {});
  assert.equal(r.status, 200, JSON.stringify(r.body));
  assert.equal(obj(r.body).status, "TAKEN");
  return Number(obj(r.body).seq);
}

/** GET /api/v1/admin/solvency: the difference must read zero. */
export async function checkSolvencyView(admin: RestClient): Promise<string> {
  const r = await admin.get("/api/v1/admin/solvency");
  assert.equal(r.status, 200);
  const d = String(obj(r.body).difference);
  assert.match(d, /^-?0(\.0+)?$/, `solvency difference ${d}`);
  return d;
}

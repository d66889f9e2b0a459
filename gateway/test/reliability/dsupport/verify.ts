// The end checks of the distributed reliability tests, after the load and the faults:
//   1. every acknowledged order is answered by GET /api/v1/order (waited for: then the engine has
//      applied every acknowledged command);
//   2. the engine takes a snapshot at seq S (through a gateway, waiting) and is stopped; a CLEAN engine
//      (empty data dir) replays the whole recorded sequence from Kafka: it must end at S with the same
//      state hash as the stopped engine's snapshot at S (which itself came from restarts from older
//      snapshots + Kafka replay after every SIGKILL);
//   3. every ack is in that engine (clientOrderId → one orderId, the acked one unless the ack was a
//      retry's answer) and in MySQL exactly once, with the engine's orderId;
//   4. MySQL matches the engine: every account balance, every position (qty, entry value), the set of
//      open orders (id, executed qty); as many order rows as the engine has orders; Σ executed qty of
//      all orders = 2 × Σ trade qty (no trade written twice or lost); Σ commissions = the fee account;
//   5. conservation (SPEC §2): the replayed engine's solvency difference is 0, and the gateway's too.
import assert from "node:assert/strict";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { OrderBook } from "@perpx/engine/matcher/order-book";
import { openDistributedEngine } from "@perpx/engine/runtime/distributed-engine";
import { InThreadMatchPort } from "@perpx/engine/sequencer/match-port";
import { Sequencer } from "@perpx/engine/sequencer/sequencer";
import { SnapshotStore } from "@perpx/engine/snapshot/snapshot-store";
import { DEFAULT_INSTRUMENTS } from "@perpx/shared/instruments";
import type { RowDataPacket } from "mysql2/promise";
import { obj } from "../../embedded/client.js";
import { eventually } from "../../integration/read-side-env.js";
import { ADMIN, type Deployment } from "./deployment.js";
import type { Traffic } from "./traffic.js";

export interface Figures {
  acked: number;
  lost: number;
  duplicates: number;
  unknownSeen: number;
  retriesResolved: number;
  /** retries answered "duplicate": the first attempt had reached Kafka although its answer was lost */
  retryDuplicates: number;
  /** retried acks whose answer carried a fresh orderId the engine then refused as DUPLICATE */
  retryFreshIds: number;
  trades: number;
  hashEqual: boolean;
  seq: number;
}

const OPEN = new Set(["NEW", "PARTIALLY_FILLED"]);

export async function finalChecks(d: Deployment, t: Traffic, log: (m: string) => void): Promise<Figures> {
  const q = async (sql: string, args: unknown[] = []) => (await d.pool.query<RowDataPacket[]>(sql, args))[0];
  d.unsupervise();

  // 1. the API answers every acked order (gateway read model). Waiting for this first also means the
  // engine applied every acknowledged command, so the snapshot below is the last command of the log
  // (the engine merges its input topics in arrival order: a SNAPSHOT sent while orders are still
  // unread could be sequenced before them).
  const byCoid = new Map<string, string>();
  const acks = [...t.acks.values()];
  await eventually("every acked order to be visible through the API", 180_000, async () => {
    const missing = acks.filter((a) => !byCoid.has(a.coid));
    for (let i = 0; i < missing.length; i += 16) {
      await Promise.all(
        missing.slice(i, i + 16).map(async (a, j) => {
          const u = d.users.find((x) => x.id === a.userId)!;
          const r = await d
            .rest((i + j) % d.gatewayUrls.length)
            .as(u.key)
            .get(`/api/v1/order?symbol=BTCUSDT&clientOrderId=${a.coid}`)
            .catch(() => undefined);
          if (r?.status === 200) byCoid.set(a.coid, String(obj(r.body).orderId));
        }),
      );
    }
    return byCoid.size === acks.length;
  }).catch((e: unknown) => log(`API: ${acks.length - byCoid.size} acked orders not visible: ${String(e)}`));

  // 2. snapshot at S, everything downstream caught up
  const admin = d.rest(0).as(ADMIN);
  let seq = 0;
  await eventually("a snapshot through the gateway", 60_000, async () => {
    const r = await admin.post("/api/v1/admin/snapshot?wait=true", {}).catch(() => undefined);
    if (r?.status === 200) seq = Number(obj(r.body).seq);
    return seq > 0;
  });
  await d.readSideCaughtUp();
  // stopped first (SIGTERM: the runner finishes its chained snapshot saves before it exits): opening
  // the store of a live engine would race its temp files
  await d.engine.stop(120_000);
  const engineStore = await SnapshotStore.open(join(d.o.dir, "engine", "snapshots"));
  const s = await engineStore.latestValid();
  await engineStore.close();
  assert.equal(
    s?.seq,
    seq,
    "the stopped engine's newest snapshot is the final one (nothing applied after it)",
  );
  const snapHash = Sequencer.restore(s.state, new InThreadMatchPort((id) => new OrderBook(id))).stateHash();
  log(`final snapshot at seq ${seq}; read side caught up`);

  // 2. clean replay of the whole recorded sequence
  const cleanDir = mkdtempSync(join(tmpdir(), "perpx-rel-clean-"));
  const clean = await openDistributedEngine({
    kafka: d.kafka,
    names: d.names,
    dataDir: cleanDir,
    bookFactory: (id) => new OrderBook(id),
    initialInstruments: DEFAULT_INSTRUMENTS,
    snapshotEvery: 0,
    schedulers: false,
    reader: { fencing: true },
  });
  try {
    const sq = clean.sequencer;
    assert.equal(clean.runner.appliedSeq, seq, "the clean replay ends at the final snapshot's seq");
    const cleanHash = sq.stateHash();
    const hashEqual = cleanHash === snapHash;

    // 3. every ack: in the engine once, in MySQL once, from the API
    const engineCoids = new Map<string, number>();
    let engineOrders = 0;
    for (const acc of sq.accounts()) {
      for (const [coid, id] of acc.clientOrderIds) engineCoids.set(`${acc.userId}/${coid}`, id);
      engineOrders += acc.clientOrderIds.size;
    }
    const rows = await q("SELECT order_id, client_order_id, user_id, status, executed_qty FROM orders");
    const mysqlByCoid = new Map<string, RowDataPacket>();
    let duplicates = 0;
    for (const r of rows) {
      const k = `${Number(r.user_id)}/${String(r.client_order_id)}`;
      if (mysqlByCoid.has(k)) duplicates++;
      mysqlByCoid.set(k, r);
    }
    let lost = 0;
    let retryFreshIds = 0;
    for (const a of acks) {
      const k = `${a.userId}/${a.coid}`;
      const eid = engineCoids.get(k);
      const row = mysqlByCoid.get(k);
      if (eid === undefined || row === undefined || byCoid.get(a.coid) !== String(eid)) {
        lost++;
        log(`LOST ${k}: engine ${eid} mysql ${row?.order_id} api ${byCoid.get(a.coid)} ack ${a.orderId}`);
        continue;
      }
      assert.equal(Number(row.order_id), eid, `${k}: MySQL order id = the engine's`);
      if (String(eid) !== a.orderId) {
        // only a retry may answer with another id (a fresh id the engine refused as DUPLICATE)
        assert.ok(a.retried, `${k}: first-attempt ack ${a.orderId} but the engine holds ${eid}`);
        retryFreshIds++;
      }
    }
    assert.equal(
      rows.length,
      engineOrders,
      "MySQL holds exactly the engine's orders (none twice, none missing)",
    );

    // 4. MySQL = engine
    const accRows = await q("SELECT user_id, wallet_balance FROM accounts");
    const wallet = new Map(accRows.map((r) => [Number(r.user_id), Number(r.wallet_balance)]));
    const posRows = await q("SELECT user_id, symbol_id, qty, entry_value FROM positions");
    const pos = new Map(posRows.map((r) => [`${Number(r.user_id)}/${Number(r.symbol_id)}`, r]));
    const openEngine = new Map<number, number>();
    for (const acc of sq.accounts()) {
      assert.equal(wallet.get(acc.userId), acc.crossWallet, `wallet of user ${acc.userId}`);
      for (const p of acc.positions.values()) {
        const r = pos.get(`${acc.userId}/${p.symbolId}`);
        if (p.qty === 0 && r === undefined) continue;
        assert.equal(Number(r?.qty), p.qty, `position qty of ${acc.userId}/${p.symbolId}`);
        assert.equal(Number(r?.entry_value), p.entryValue, `entry value of ${acc.userId}/${p.symbolId}`);
        for (const id of p.orderIds) openEngine.set(id, sq.openOrder(id)?.executedQty ?? -1);
      }
    }
    const openMysql = rows.filter((r) => OPEN.has(String(r.status)));
    assert.equal(openMysql.length, openEngine.size, "open orders: MySQL = engine");
    for (const r of openMysql) assert.equal(Number(r.executed_qty), openEngine.get(Number(r.order_id)));
    const [tr] = await q("SELECT COUNT(*) AS n, COALESCE(SUM(qty),0) AS q FROM trades");
    const [ex] = await q("SELECT COALESCE(SUM(executed_qty),0) AS q FROM orders");
    assert.equal(
      Number(ex?.q),
      2 * Number(tr?.q),
      "Σ executed = 2 × Σ traded: no trade lost or written twice",
    );
    const sol = sq.solvency();
    const [fees] = await q("SELECT COALESCE(SUM(amount),0) AS s FROM transactions WHERE type = 'COMMISSION'");
    assert.equal(-Number(fees?.s), sol.feeAccount, "Σ commission rows = the fee account");

    // 5. conservation
    assert.equal(sol.difference, 0, `conservation: ${JSON.stringify(sol)}`);
    const gs = await d.rest(0).as(ADMIN).get("/api/v1/admin/solvency");
    assert.equal(obj(gs.body).difference, "0.000000", JSON.stringify(gs.body));

    return {
      acked: acks.length,
      lost,
      duplicates,
      unknownSeen: t.unknownSeen,
      retriesResolved: t.retriesResolved,
      retryDuplicates: acks.filter((a) => a.retried && a.duplicate).length,
      retryFreshIds,
      trades: Number(tr?.n),
      hashEqual,
      seq,
    };
  } finally {
    await clean.close();
    rmSync(cleanDir, { recursive: true, force: true });
  }
}

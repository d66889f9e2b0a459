// Seeded randomized sequencer run (short by default, long with PERPX_STRESS=long): 50 users, cross and
// isolated, deposits, withdrawals, leverage and margin-type changes, isolated margin moves, LIMIT GTC /
// IOC / FOK / GTX and MARKET orders, reduce-only, STP modes, amends, cancels, oracle moves in a band.
//
// The generator (test/support/random-session.ts) drives engine A, looking at its state to pick plausible
// commands.
// In lockstep the same commands go to engine B (from scratch) and, from a random point on, to engine C
// restored from A's snapshot there. After every command: the conservation invariant holds exactly,
// every touched account's wallets are explained, and B's and C's events deep-equal A's. At the end all
// three state hashes agree.
import assert from "node:assert/strict";
import { test } from "node:test";
import type { Command } from "@perpx/shared/commands";
import { Side } from "@perpx/shared/domain";
import type { EngineEvent } from "@perpx/shared/events";
import { Ev } from "@perpx/shared/events";
import type { InThreadMatchPort } from "../../src/sequencer/match-port.js";
import { Sequencer } from "../../src/sequencer/sequencer.js";
import { INSTRUMENTS, Rng, randomSession } from "../support/random-session.js";
import { newPort } from "../support/seq-harness.js";

const LONG = process.env.PERPX_STRESS === "long";

interface Run {
  commands: number;
  trades: number;
  rejects: number;
}

function runRandom(seed: number, total: number): Run {
  const rng = new Rng(seed);
  const portA = newPort();
  const a = new Sequencer({ matcher: portA });
  const b = new Sequencer({ matcher: newPort() });
  let c: Sequencer | undefined;
  const restoreAt = Math.floor(total * (0.2 + 0.6 * rng.next()));
  const stats: Run = { commands: 0, trades: 0, rejects: 0 };

  const run = (cmd: Command): EngineEvent[] => {
    const seq = a.lastSeq + 1;
    const outA: EngineEvent[] = [];
    a.apply({ seq, cmd }, outA);
    const outB: EngineEvent[] = [];
    b.apply({ seq, cmd }, outB);
    assert.deepEqual(outB, outA, `engine B diverged at seq ${seq}`);
    if (c !== undefined) {
      const outC: EngineEvent[] = [];
      c.apply({ seq, cmd }, outC);
      assert.deepEqual(outC, outA, `restored engine diverged at seq ${seq}`);
    }
    check(a, outA, seq);
    if (seq % 250 === 0) checkBooks(a, portA, seq);
    stats.commands++;
    for (const e of outA) {
      if (e.ev === Ev.TRADE) stats.trades++;
      if (e.ev === Ev.REJECT || (e.ev === Ev.ORDER && e.status === 4)) stats.rejects++;
    }
    if (seq === restoreAt) {
      const bytes = a.snapshot();
      c = Sequencer.restore(bytes, newPort());
      assert.equal(c.stateHash(), a.stateHash(), "restore reproduces the hash");
      assert.deepEqual(c.snapshot(), bytes, "restore reproduces the bytes");
    }
    return outA;
  };
  randomSession(rng, total, a, run);
  const hash = a.stateHash();
  assert.equal(b.stateHash(), hash, "full replay gives the same state hash");
  assert.ok(c !== undefined);
  assert.equal(c.stateHash(), hash, "snapshot + replay of the rest gives the same state hash");
  return stats;
}

/**
 * The sequencer's open orders are exactly the books' orders (id, user, side, price, remaining), and each
 * position's side aggregates are the sums over its open orders.
 */
function checkBooks(s: Sequencer, port: InThreadMatchPort, seq: number): void {
  let inBooks = 0;
  for (const inst of INSTRUMENTS) {
    port.book(inst.symbolId).forEachOrder((orderId, userId, side, price, remaining) => {
      const o = s.openOrder(orderId);
      inBooks++;
      if (o === undefined || o.userId !== userId || o.side !== side || o.bookPrice !== price) {
        assert.fail(`seq ${seq}: book order ${orderId} is not the sequencer's`);
      }
      if (o.origQty - o.executedQty !== remaining)
        assert.fail(`seq ${seq}: order ${orderId} remaining differs`);
    });
  }
  let open = 0;
  for (const acc of s.accounts()) {
    for (const p of acc.positions.values()) {
      const sums = [0, 0, 0, 0, 0, 0, 0, 0];
      for (const id of p.orderIds) {
        const o = s.openOrder(id)!;
        const rem = o.origQty - o.executedQty;
        const k = o.side === Side.BUY ? 0 : 4;
        sums[k]! += rem;
        sums[k + 1]! += rem * o.bookPrice;
        sums[k + 2]! += rem * o.openLoss;
        sums[k + 3]! += o.reduceOnly ? rem : 0;
        open++;
      }
      const agg = [p.buy, p.sell].flatMap((x) => [x.qty, x.qtyPrice, x.qtyLoss, x.roQty]);
      assert.deepEqual(agg, sums, `seq ${seq}: aggregates of user ${acc.userId} symbol ${p.symbolId}`);
    }
  }
  assert.equal(open, inBooks, `seq ${seq}: open order count`);
}

/** Conservation to the micro-USDT, and every touched account's wallets explained. */
function check(s: Sequencer, events: readonly EngineEvent[], seq: number): void {
  const sol = s.solvency();
  if (sol.difference !== 0) assert.fail(`seq ${seq}: solvency difference ${sol.difference}`);
  // with leverage ≤ 5 and marks within ±3 % no isolated position can close bankrupt: the insurance
  // fund (which would cover such a deficit) never moves
  if (sol.insuranceFund !== 0 || events.some((e) => e.ev === Ev.INSURANCE)) {
    assert.fail(`seq ${seq}: insurance fund moved (${sol.insuranceFund})`);
  }
  const users = new Set<number>();
  for (const e of events) if (e.ev === Ev.BALANCE || e.ev === Ev.POSITION) users.add(e.userId);
  for (const u of users) {
    const acc = s.account(u)!;
    for (const p of acc.positions.values()) {
      if (p.isolatedWallet < 0) assert.fail(`seq ${seq}: user ${u} isolated wallet ${p.isolatedWallet}`);
      if (p.qty === 0 && (p.entryValue !== 0 || p.isolatedWallet !== 0))
        assert.fail(`seq ${seq}: flat residue`);
    }
    const r = s.risk(u)!;
    // a cross wallet below zero is only explained by unrealized profit carrying the margin balance
    if (r.marginBalance < 0 || (r.crossWallet < 0 && r.crossUpnl <= 0)) {
      assert.fail(`seq ${seq}: user ${u} wallet ${r.crossWallet} upnl ${r.crossUpnl} unexplained`);
    }
  }
}

test(`randomized sequencer: conservation after every command, replay and snapshot determinism (${LONG ? "long" : "short"})`, () => {
  const seeds = LONG ? [1, 2, 3, 4, 5] : [7];
  const total = LONG ? 150_000 : 20_000;
  for (const seed of seeds) {
    const t0 = performance.now();
    const s = runRandom(seed, total);
    const ms = Math.round(performance.now() - t0);
    console.log(`seed ${seed}: ${s.commands} commands, ${s.trades} trades, ${s.rejects} rejects, ${ms} ms`);
    assert.equal(s.commands, total);
    assert.ok(s.trades > total / 20, "the stream trades");
  }
});

// Seeded randomized sequencer run (short by default, long with PERPX_STRESS=long): 50 users, cross and
// isolated, leverage 1–20, deposits, withdrawals, leverage and margin-type changes, isolated margin moves,
// LIMIT GTC / IOC / FOK / GTX and MARKET orders, reduce-only, STP modes, amends, cancels, conditional
// orders of every type (mark and last price, close-position, trailing with and without activation),
// oracle moves in a band with jumps of 3–15 % that liquidate and deleverage, mark samples, funding
// payments and dead-man switches.
//
// The generator (test/support/random-session.ts) drives engine A, looking at its state to pick plausible
// commands.
// In lockstep the same commands go to engine B (from scratch) and, from a random point on, to engine C
// restored from A's snapshot there. After every command: the conservation invariant holds exactly, the
// insurance fund is not negative, no account or isolated position is left at or below maintenance margin
// (detection missed nothing), no wallet is negative without open positions, and B's and C's events
// deep-equal A's. At the end all three state hashes agree.
import assert from "node:assert/strict";
import { test } from "node:test";
import type { Command } from "@perpx/shared/commands";
import { Op } from "@perpx/shared/commands";
import { MarginType, OrderStatus, Side, TradeType } from "@perpx/shared/domain";
import type { EngineEvent } from "@perpx/shared/events";
import { Ev } from "@perpx/shared/events";
import { isolatedRisk } from "../../src/sequencer/account-risk.js";
import type { InThreadMatchPort } from "../../src/sequencer/match-port.js";
import { Sequencer } from "../../src/sequencer/sequencer.js";
import type { Position } from "../../src/sequencer/state.js";
import { INSTRUMENTS, Rng, randomSession } from "../support/random-session.js";
import { newPort } from "../support/seq-harness.js";

const LONG = process.env.PERPX_STRESS === "long";

interface Run {
  commands: number;
  trades: number;
  rejects: number;
  liquidations: number;
  adlFills: number;
  fundings: number;
  triggered: number;
  marginCalls: number;
  countdownCancels: number;
}

function runRandom(seed: number, total: number): Run {
  const rng = new Rng(seed);
  const portA = newPort();
  const a = new Sequencer({ matcher: portA });
  const b = new Sequencer({ matcher: newPort() });
  let c: Sequencer | undefined;
  const restoreAt = Math.floor(total * (0.2 + 0.6 * rng.next()));
  /** armed dead-man switches (for the count only; the engine keeps its own) */
  const countdowns = new Map<string, number>();
  const stats: Run = {
    commands: 0,
    trades: 0,
    rejects: 0,
    liquidations: 0,
    adlFills: 0,
    fundings: 0,
    triggered: 0,
    marginCalls: 0,
    countdownCancels: 0,
  };

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
      if (seq % 100 === 0) check(c, seq);
    }
    check(a, seq);
    if (seq % 250 === 0) checkBooks(a, portA, seq);
    stats.commands++;
    for (const e of outA) {
      if (e.ev === Ev.TRADE) stats.trades++;
      if (e.ev === Ev.TRADE && e.type === TradeType.ADL) stats.adlFills++;
      if (e.ev === Ev.REJECT || (e.ev === Ev.ORDER && e.status === OrderStatus.REJECTED)) stats.rejects++;
      if (e.ev === Ev.ORDER && e.clientOrderId.startsWith("autoclose-")) stats.liquidations++;
      if (e.ev === Ev.ORDER && e.status === OrderStatus.TRIGGERED) stats.triggered++;
      if (e.ev === Ev.FUNDING_RATE) stats.fundings++;
      if (e.ev === Ev.MARGIN_CALL) stats.marginCalls++;
    }
    // the dead-man switches this command fired (a shadow of the engine's rule: deadline ≤ ts)
    for (const [k, d] of countdowns) {
      if (d <= cmd.ts) {
        stats.countdownCancels++;
        countdowns.delete(k);
      }
    }
    if (cmd.op === Op.COUNTDOWN_CANCEL_ALL) {
      if (cmd.deadline === 0) countdowns.delete(`${cmd.userId}:${cmd.symbolId}`);
      else countdowns.set(`${cmd.userId}:${cmd.symbolId}`, cmd.deadline);
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

/**
 * Conservation to the micro-USDT; the insurance fund never negative; after the risk work of every
 * command nothing is left at or below maintenance margin, no flat isolated position keeps money, and no
 * wallet is negative without open positions to carry it.
 */
function check(s: Sequencer, seq: number): void {
  const sol = s.solvency();
  if (sol.difference !== 0) assert.fail(`seq ${seq}: solvency difference ${sol.difference}`);
  if (sol.insuranceFund < 0) assert.fail(`seq ${seq}: insurance fund ${sol.insuranceFund}`);
  for (const acc of s.accounts()) {
    const u = acc.userId;
    let crossOpen = 0;
    for (const p of acc.positions.values()) {
      if (p.qty === 0) {
        if (p.entryValue !== 0 || p.isolatedWallet !== 0) assert.fail(`seq ${seq}: user ${u} flat residue`);
        continue;
      }
      if (p.marginType === MarginType.CROSSED) {
        crossOpen++;
        continue;
      }
      const r = isolatedRisk(p as Position, s.symbol(p.symbolId)!);
      if (r.equity <= r.maintMargin)
        assert.fail(
          `seq ${seq}: user ${u} isolated ${p.symbolId} left liquidatable (${r.equity} ≤ ${r.maintMargin})`,
        );
    }
    const r = s.risk(u)!;
    // the running margin totals the margin checks use (margin-cache.ts) equal the from-scratch figure
    if (s.availableBalance(u) !== r.available)
      assert.fail(`seq ${seq}: user ${u} cached available ${s.availableBalance(u)} ≠ ${r.available}`);
    if (crossOpen > 0 && r.marginBalance <= r.maintMargin)
      assert.fail(`seq ${seq}: user ${u} left liquidatable (${r.marginBalance} ≤ ${r.maintMargin})`);
    if (crossOpen === 0 && acc.crossWallet < 0)
      assert.fail(`seq ${seq}: user ${u} wallet ${acc.crossWallet} flat`);
  }
}

test(`randomized sequencer: conservation after every command, replay and snapshot determinism (${LONG ? "long" : "short"})`, () => {
  const seeds = LONG ? [1, 2, 3, 4, 5] : [7];
  const total = LONG ? 150_000 : 20_000;
  for (const seed of seeds) {
    const t0 = performance.now();
    const s = runRandom(seed, total);
    const ms = Math.round(performance.now() - t0);
    console.log(
      `seed ${seed}: ${s.commands} commands, ${s.trades} trades, ${s.rejects} rejects, ` +
        `${s.liquidations} liquidations, ${s.adlFills} ADL fills, ${s.fundings} funding settlements, ` +
        `${s.triggered} triggered, ${s.marginCalls} margin calls, ${s.countdownCancels} dead-man fires, ${ms} ms`,
    );
    assert.equal(s.commands, total);
    assert.ok(s.trades > total / 20, "the stream trades");
    assert.ok(s.liquidations > 0 && s.adlFills > 0 && s.fundings > 0 && s.triggered > 0, "risk paths ran");
  }
});

// Money-invariant soak (issue 10): one long seeded run of the random session (test/support/
// random-session.ts: 50 users, cross and isolated margin, every order type, oracle jumps that liquidate
// and deleverage, funding, dead-man switches) through one sequencer, with the conservation invariant
// checked after EVERY command (difference exactly 0 micro-USDT, insurance fund ≥ 0). At the end a clean
// replay of the same commands in a fresh sequencer must give the same state hash, and the totals are
// written to artifacts/reliability/soak.json.
// Size: 50 000 commands (short, in `make test`), 1 000 000 with PERPX_RELIABILITY=long, or PERPX_SOAK_COMMANDS.
import assert from "node:assert/strict";
import { mkdirSync, writeFileSync } from "node:fs";
import { test } from "node:test";
import type { Command } from "@perpx/shared/commands";
import { OrderStatus, TradeType } from "@perpx/shared/domain";
import type { EngineEvent } from "@perpx/shared/events";
import { Ev } from "@perpx/shared/events";
import { Sequencer } from "../../src/sequencer/sequencer.js";
import { Rng, randomSession } from "../support/random-session.js";
import { newPort } from "../support/seq-harness.js";

const LONG = process.env.PERPX_RELIABILITY === "long";
const TOTAL = Number(process.env.PERPX_SOAK_COMMANDS ?? (LONG ? 1_000_000 : 50_000));
const SEED = 20_261_124;
const REPORT = new URL("../../../../artifacts/reliability/soak.json", import.meta.url);

test(`money soak: ${TOTAL} seeded commands with liquidations, ADL and funding; conservation after every command`, () => {
  const t0 = performance.now();
  const s = new Sequencer({ matcher: newPort() });
  const log: Command[] = [];
  const totals = {
    commands: 0,
    trades: 0,
    liquidations: 0,
    adlFills: 0,
    fundingSettlements: 0,
    triggeredOrders: 0,
    rejects: 0,
    maxAbsConservationDiff: 0,
    minInsuranceFund: Number.MAX_SAFE_INTEGER,
  };
  /** engine-made liquidation orders (clientOrderId "autoclose-n"), by order id */
  const liquidationOrders = new Set<number>();
  const out: EngineEvent[] = [];
  randomSession(new Rng(SEED), TOTAL, s, (cmd) => {
    log.push(cmd);
    s.apply({ seq: s.lastSeq + 1, cmd }, out);
    const sol = s.solvency();
    const d = Math.abs(sol.difference);
    if (d > totals.maxAbsConservationDiff) totals.maxAbsConservationDiff = d;
    if (sol.insuranceFund < totals.minInsuranceFund) totals.minInsuranceFund = sol.insuranceFund;
    if (sol.difference !== 0) assert.fail(`seq ${s.lastSeq}: conservation difference ${sol.difference}`);
    if (sol.insuranceFund < 0) assert.fail(`seq ${s.lastSeq}: insurance fund ${sol.insuranceFund}`);
    totals.commands++;
    for (const e of out) {
      if (e.ev === Ev.TRADE) {
        totals.trades++;
        if (e.type === TradeType.ADL) totals.adlFills++;
      } else if (e.ev === Ev.ORDER) {
        if (e.clientOrderId.startsWith("autoclose-")) liquidationOrders.add(e.orderId);
        if (e.status === OrderStatus.TRIGGERED) totals.triggeredOrders++;
        if (e.status === OrderStatus.REJECTED) totals.rejects++;
      } else if (e.ev === Ev.FUNDING_RATE) totals.fundingSettlements++;
      else if (e.ev === Ev.REJECT) totals.rejects++;
    }
    out.length = 0;
  });
  totals.liquidations = liquidationOrders.size;
  const hash = s.stateHash();
  const sol = s.solvency();
  const runMs = performance.now() - t0;

  // a clean replay of the same commands in a fresh sequencer lands on the same state
  const replay = new Sequencer({ matcher: newPort() });
  for (let i = 0; i < log.length; i++) {
    replay.apply({ seq: i + 1, cmd: log[i]! }, out);
    out.length = 0;
  }
  assert.equal(replay.stateHash(), hash, "a clean replay gives the same state hash");
  assert.equal(replay.solvency().difference, 0);

  assert.equal(totals.commands, TOTAL);
  assert.equal(totals.maxAbsConservationDiff, 0);
  // the run exercised what it claims to (counts scale with the size; these hold from 20 000 commands)
  assert.ok(totals.liquidations > 0, "liquidations happened");
  assert.ok(totals.adlFills > 0, "ADL fills happened");
  assert.ok(totals.fundingSettlements > 0, "funding was settled");
  const report = {
    seed: SEED,
    variant: LONG ? "long" : "short",
    ...totals,
    finalTotals: {
      netDeposits: sol.netDeposits,
      wallets: sol.wallets,
      feeAccount: sol.feeAccount,
      insuranceFund: sol.insuranceFund,
      unrealizedPnl: sol.unrealizedPnl,
      difference: sol.difference,
      unit: "micro-USDT",
    },
    stateHash: hash,
    replayHashEqual: true,
    runMs: Math.round(runMs),
    date: new Date().toISOString(),
  };
  mkdirSync(new URL(".", REPORT), { recursive: true });
  writeFileSync(REPORT, `${JSON.stringify(report, null, 2)}\n`);
  console.log(`# soak ${JSON.stringify(report)}`);
});

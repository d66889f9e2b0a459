// The running margin totals (engine/src/sequencer/margin-cache.ts) against the from-scratch definition
// (account-risk.ts crossRisk): a seeded randomized session (random-session.ts: fills, amends, cancels,
// leverage and margin-type changes, oracle jumps that liquidate and deleverage, funding, triggers), and
// after every command a random few accounts are compared — so most accounts go many commands between two
// looks and their cached figures pile up changes — plus every account every 500 commands. Half-way the
// engine is snapshotted and a restored copy (totals rebuilt lazily) is compared the same way. Any change
// to a position that does not mark it stale shows up as a difference.
import assert from "node:assert/strict";
import { test } from "node:test";
import type { Command } from "@perpx/shared/commands";
import type { EngineEvent } from "@perpx/shared/events";
import { Sequencer } from "../../src/sequencer/sequencer.js";
import { Rng, randomSession, USERS } from "../support/random-session.js";
import { newPort } from "../support/seq-harness.js";

const LONG = process.env.PERPX_STRESS === "long";

function compare(s: Sequencer, userId: number, seq: number, tag: string): boolean {
  const cached = s.availableBalance(userId);
  const exact = s.risk(userId)?.available;
  if (cached !== exact) assert.fail(`${tag} seq ${seq} user ${userId}: cached ${cached} ≠ exact ${exact}`);
  return exact !== undefined;
}

test("running margin totals equal crossRisk after every command, also after a restore", () => {
  const total = LONG ? 100_000 : 15_000;
  for (const seed of LONG ? [11, 12, 13] : [11]) {
    const rng = new Rng(seed);
    const pick = new Rng(seed ^ 0x9e37);
    const a = new Sequencer({ matcher: newPort() });
    let c: Sequencer | undefined;
    let compared = 0;
    let nonZeroOrderMargin = 0;
    const run = (cmd: Command): void => {
      const seq = a.lastSeq + 1;
      const out: EngineEvent[] = [];
      a.apply({ seq, cmd }, out);
      if (c !== undefined) c.apply({ seq, cmd }, []);
      const engines: [Sequencer, string][] =
        c === undefined
          ? [[a, "A"]]
          : [
              [a, "A"],
              [c, "restored"],
            ];
      for (const [s, tag] of engines) {
        if (seq % 500 === 0) {
          for (let u = 1; u <= USERS; u++) if (compare(s, u, seq, tag)) compared++;
        } else {
          for (let k = 0; k < 3; k++) if (compare(s, 1 + pick.int(USERS), seq, tag)) compared++;
        }
      }
      const r = a.risk(1 + pick.int(USERS));
      if (r !== undefined && r.orderMargin > 0 && r.crossUpnl !== 0) nonZeroOrderMargin++;
      if (seq === Math.floor(total / 2)) c = Sequencer.restore(a.snapshot(), newPort());
    };
    randomSession(rng, total, a, run);
    assert.ok(c !== undefined);
    // the comparisons were about accounts with orders and open cross positions, not empty ones
    assert.ok(compared > total, `compared ${compared}`);
    assert.ok(nonZeroOrderMargin > total / 20, `accounts with orders and cross UPnL: ${nonZeroOrderMargin}`);
    assert.equal(c.stateHash(), a.stateHash());
  }
});

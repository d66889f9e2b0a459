// The liquidation-index keys' number fast paths (risk-index.ts riskKeyOf / recoverKeyOf) against their
// BigInt definitions, on random positions, marks and budgets across the whole safe range (both paths and
// the switch between them).
import assert from "node:assert/strict";
import { test } from "node:test";
import { notionalFactor } from "@perpx/shared/domain";
import { DEFAULT_INSTRUMENTS } from "@perpx/shared/instruments";
import { seededRandom } from "../util/prng.js";
import { recoverKeyBig, recoverKeyOf, riskKeyBig, riskKeyOf, WARN_DEN, WARN_NUM } from "./risk-index.js";
import { newAccount, newPosition } from "./state.js";
import { newSymbolState } from "./symbol-state.js";

/** A random integer in [0, 10^digits) with `digits` itself uniform in [0, maxDigits]: every magnitude. */
function anyInt(rnd: () => number, maxDigits: number): number {
  const digits = Math.floor(rnd() * (maxDigits + 1));
  return Math.min(Number.MAX_SAFE_INTEGER, Math.floor(rnd() * 10 ** digits));
}

test("risk and recovery keys: the number paths equal the BigInt definitions", () => {
  const rnd = seededRandom(20_261_124);
  let checked = 0;
  for (const inst of DEFAULT_INSTRUMENTS) {
    const sym = newSymbolState(inst, notionalFactor(inst));
    for (let i = 0; i < 20_000; i++) {
      const p = newPosition(newAccount(1), inst);
      const q = 1 + anyInt(rnd, 15);
      p.qty = rnd() < 0.5 ? q : -q;
      sym.markPrice = 1 + anyInt(rnd, 10);
      const budget = anyInt(rnd, 16);
      for (const [kNum, kDen] of [
        [1, 1],
        [WARN_NUM, WARN_DEN],
      ] as const) {
        let fast: unknown;
        let slow: unknown;
        try {
          fast = riskKeyOf(p, sym, budget, kNum, kDen);
        } catch (e) {
          fast = (e as Error).name;
        }
        try {
          slow = riskKeyBig(p, sym, budget, kNum, kDen);
        } catch (e) {
          slow = (e as Error).name;
        }
        assert.equal(
          fast,
          slow,
          `riskKey q=${p.qty} mark=${sym.markPrice} budget=${budget} k=${kNum}/${kDen}`,
        );
      }
      assert.equal(
        recoverKeyOf(p, sym, budget),
        recoverKeyBig(p, sym, budget),
        `recoverKey q=${p.qty} mark=${sym.markPrice} budget=${budget}`,
      );
      checked++;
    }
  }
  assert.ok(checked > 0);
});

// The engine's ADL queue (doubles with an exact fallback) must pick victims in exactly the order of the
// exact shared rule with user-id ties: checked on random states full of ties and near-ties.
import assert from "node:assert/strict";
import { test } from "node:test";
import { MarginType, notionalFactor } from "@perpx/shared/domain";
import { DEFAULT_INSTRUMENTS } from "@perpx/shared/instruments";
import { seededRandom } from "../util/prng.js";
import { AdlQueue, rankPositions } from "./adl.js";
import { newAccount, newPosition, SequencerState } from "./state.js";
import { newSymbolState } from "./symbol-state.js";

const BTC = DEFAULT_INSTRUMENTS[0]!;

test("AdlQueue.best takes victims in the exact ranking's order (ties, near-ties, equity ≤ 0)", () => {
  for (let seed = 1; seed <= 8; seed++) {
    const r = seededRandom(seed);
    const st = new SequencerState();
    const sym = newSymbolState(BTC, notionalFactor(BTC));
    sym.markPrice = 500_000;
    st.symbols.set(1, sym);
    for (let u = 1; u <= 300; u++) {
      const acc = newAccount(u);
      const p = newPosition(acc, BTC);
      // a few shapes repeated: exact ties between accounts, and entries one unit apart (near-ties)
      const shape = Math.floor(r() * 6);
      const qty = [1_000, 1_000, 2_000, 1, 999, 1_001][shape]!;
      const entry = 490_000 + Math.floor(r() * 4) * 5_000 + (r() < 0.3 ? 1 : 0);
      p.qty = r() < 0.8 ? -qty : qty;
      p.entryValue = entry * qty;
      if (r() < 0.4) {
        p.marginType = MarginType.ISOLATED;
        p.isolatedWallet = Math.floor(r() * 3) * 1_000_000_000 + (r() < 0.2 ? 1 : 0);
      }
      acc.crossWallet = (Math.floor(r() * 5) - 1) * 2_000_000_000; // some cross equity ≤ 0
      acc.positions.set(1, p);
      st.accounts.set(u, acc);
    }
    const q = new AdlQueue();
    for (let n = 0; ; n++) {
      const want = rankPositions(st, 1, -1)[0];
      const got = q.best(st, 1, -1);
      assert.equal(got?.acc.userId, want?.acc.userId, `seed ${seed}, pick ${n}`);
      if (got === undefined) break;
      got.pos.qty = 0; // taken: out of line
      q.invalidate(got.acc);
    }
  }
});

// The sequencer's per-command scratch stores that receive prices straight from MatchReport's
// Float64Array: CommandCtx's changed levels (LevelSet, via Settler.apply → CommandCtx.level) and the
// risk engine's trade prices (Settler.trade → RiskEngine.onTradePrice). As number[]s they changed their
// elements kind (small integers → doubles) on the first boxed price, at a point that depends on V8's
// tiering, in code inlined into hot callers — the pattern that made optimized code lose MatchReport's
// TRADE records (match-port.ts, match-port.test.ts); likewise CommandCtx's qty and wallet before the
// command (written by `touch`, inlined into hot callers). These tests pin them to one representation,
// and their growth, order and reuse.
import assert from "node:assert/strict";
import { test } from "node:test";
import type { BalanceReason } from "@perpx/shared/domain";
import type { EngineEvent } from "@perpx/shared/events";
import { Ev } from "@perpx/shared/events";
import { OrderBook } from "../matcher/order-book.js";
import { CommandCtx, LevelSet } from "./command-ctx.js";
import { InThreadMatchPort } from "./match-port.js";
import { Sequencer } from "./sequencer.js";
import type { Account, Position, SequencerState } from "./state.js";

test("LevelSet: prices and totals live in Float64Arrays that a double does not change", () => {
  const set = new LevelSet();
  const prices = set.prices;
  const qtys = set.qtys;
  assert.ok(prices instanceof Float64Array && qtys instanceof Float64Array);
  set.set(500_000, 12); // small integers
  const column = new Float64Array([284_857.0, 1_006.0]); // as the report gives them
  set.set(column[0]!, column[1]!);
  set.set(2 ** 40, 0.5); // a large integer and a fraction
  assert.equal(set.prices, prices, "the stores are the same objects: nothing was converted");
  assert.equal(set.qtys, qtys);
  set.set(500_000, 13); // latest total per price wins
  assert.equal(set.count, 3);
  assert.deepEqual(set.sorted(true), [
    [2 ** 40, 0.5],
    [500_000, 13],
    [284_857, 1_006],
  ]);
  assert.deepEqual(set.sorted(false), [
    [284_857, 1_006],
    [500_000, 13],
    [2 ** 40, 0.5],
  ]);
});

test("LevelSet: grows past its initial stores and past the price index threshold, and is reused after reset()", () => {
  const set = new LevelSet();
  const n = 100;
  for (let i = 0; i < n; i++) set.set(1_000 + i, i + 0.25);
  for (let i = 0; i < n; i += 3) set.set(1_000 + i, i); // updates, through the index beyond 16 levels
  assert.equal(set.count, n);
  assert.ok(set.prices instanceof Float64Array && set.qtys instanceof Float64Array);
  const asc = set.sorted(false);
  assert.equal(asc.length, n);
  for (let i = 0; i < n; i++) assert.deepEqual(asc[i], [1_000 + i, i % 3 === 0 ? i : i + 0.25]);
  const prices = set.prices;
  set.reset();
  set.set(7, 1);
  set.set(7, 2);
  assert.equal(set.prices, prices, "a warm set allocates nothing");
  assert.deepEqual(set.sorted(true), [[7, 2]]);
});

test("RiskEngine: trade prices live in a Float64Array that a double does not change", () => {
  const s = new Sequencer({ matcher: new InThreadMatchPort((id) => new OrderBook(id)) });
  const risk = (
    s as unknown as { riskEngine: { evPrice: unknown; onTradePrice(sym: number, p: number): void } }
  ).riskEngine;
  const store = risk.evPrice;
  assert.ok(store instanceof Float64Array);
  const column = new Float64Array([284_857.0, 284_858.5]);
  for (let i = 0; i < 100; i++) {
    // alternate symbols so that nothing coalesces and the store grows
    risk.onTradePrice(1 + (i % 2), i % 3 === 0 ? 500_000 : column[i % 2]!);
  }
  assert.ok(risk.evPrice instanceof Float64Array);
});

test("CommandCtx: qty and wallet before the command live in Float64Arrays, by slot, growing past their initial size", () => {
  const ctx = new CommandCtx();
  const qtyBefore = ctx.qtyBefore;
  assert.ok(qtyBefore instanceof Float64Array);
  const accounts: Account[] = [];
  const positions: Position[] = [];
  const n = 40; // past the initial stores
  for (let i = 0; i < n; i++) {
    const acc = {
      ctxStamp: 0,
      ctxSlot: 0,
      dirtyStamp: 0,
      crossWallet: i === 0 ? 5 : 2 ** 31 + i + 0.5,
    } as Account;
    accounts.push(acc);
    positions.push({ ctxStamp: 0, acc, qty: i % 2 === 0 ? i : -(2 ** 33) - i } as Position);
  }
  const out: EngineEvent[] = [];
  for (let round = 0; round < 2; round++) {
    ctx.begin(round + 1, 0, out, 0 as BalanceReason);
    for (let i = 0; i < n; i++) ctx.touch(accounts[i]!, positions[i]!);
    for (let i = 0; i < n; i++) ctx.touch(accounts[i]!, positions[i]!); // again: no second slot
    assert.equal(ctx.positions.length, n);
    assert.ok(ctx.qtyBefore instanceof Float64Array);
    for (let i = 0; i < n; i++) {
      assert.equal(ctx.qtyBefore[i], positions[i]!.qty);
      assert.equal(accounts[i]!.ctxSlot, i);
    }
    for (const acc of accounts) acc.crossWallet += 1_000 * (round + 1);
    out.length = 0;
    ctx.finish({} as SequencerState);
    const deltas = out.filter((e) => e.ev === Ev.BALANCE).map((e) => (e as { delta: number }).delta);
    assert.deepEqual(deltas, new Array(n).fill(1_000 * (round + 1)), "wallet before, per slot");
  }
  const grown = ctx.qtyBefore;
  ctx.begin(3, 0, out, 0 as BalanceReason);
  ctx.touch(accounts[5]!, positions[5]!);
  assert.equal(ctx.qtyBefore, grown, "a warm ctx allocates nothing");
  assert.equal(ctx.qtyBefore[0], positions[5]!.qty);
});

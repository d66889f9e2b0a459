import assert from "node:assert/strict";
import { test } from "node:test";
import { MarginType, notionalFactor } from "@perpx/shared/domain";
import { DEFAULT_INSTRUMENTS } from "@perpx/shared/instruments";
import { crossRisk, isolatedRisk, positionOrderMargin } from "./account-risk.js";
import { newAccount, SequencerState } from "./state.js";
import { newSymbolState } from "./symbol-state.js";

const U = 1_000_000;
const BTC = DEFAULT_INSTRUMENTS[0]!;
const ETH = DEFAULT_INSTRUMENTS[1]!;

function state(btcMark: number, ethMark: number) {
  const st = new SequencerState();
  for (const [inst, mark] of [
    [BTC, btcMark],
    [ETH, ethMark],
  ] as const) {
    const sym = newSymbolState(inst, notionalFactor(inst));
    sym.indexPrice = mark;
    sym.lastPrice = mark;
    sym.markPrice = mark;
    st.symbols.set(inst.symbolId, sym);
  }
  const acc = newAccount(1);
  st.accounts.set(1, acc);
  return { st, acc };
}

test("available = wallet + cross UPnL − cross IM at mark − order margin of every symbol", () => {
  const { st, acc } = state(510_000, 300_000); // BTC 51 000.0, ETH 3 000.00
  acc.crossWallet = 10_000 * U;
  // cross long 1 BTC entered at 50 000, leverage 20
  const btc = st.position(acc, st.symbols.get(1)!);
  btc.qty = 1000;
  btc.entryValue = 500_000 * 1000;
  // isolated short 2 ETH at 3 100 with a 620 USDT wallet, leverage 10, plus a resting buy of 3 ETH at 2 990
  const eth = st.position(acc, st.symbols.get(2)!);
  eth.marginType = MarginType.ISOLATED;
  eth.leverage = 10;
  eth.qty = -2000;
  eth.entryValue = 310_000 * 2000;
  eth.isolatedWallet = 620 * U;
  eth.buy.qty = 3000;
  eth.buy.qtyPrice = 3000 * 299_000;

  const upnl = 1_000 * U; // (51 000 − 50 000) × 1
  const im = (51_000 * U) / 20; // 2 550
  // the ETH buy reduces the 2 ETH short: only 1 of its 3 ETH opens → ⌈(3 × 2 990 / 10) × 1/3⌉ = 299
  const orders = (2_990 * U * 3) / 10 / 3;
  assert.equal(positionOrderMargin(eth, notionalFactor(ETH)), orders);
  const r = crossRisk(st, acc);
  assert.equal(r.crossUpnl, upnl);
  assert.equal(r.marginBalance, 11_000 * U);
  assert.equal(r.positionInitialMargin, im);
  assert.equal(r.orderMargin, orders);
  assert.equal(r.available, 10_000 * U + upnl - im - orders);
  assert.equal(r.withdrawable, r.available - upnl); // unrealized profit is not cash
  // 51 000 USDT is past the 50 000 cap: bracket 2, 0.50 % − 50 USDT = 205
  assert.equal(r.maintMargin, (51_000 * U * 5) / 1000 - 50 * U);

  // the isolated position: wallet + UPnL against its own IM and MM
  const iso = isolatedRisk(eth, st.symbols.get(2)!);
  assert.equal(iso.upnl, 200 * U); // short 2 from 3 100 to 3 000
  assert.equal(iso.equity, 820 * U);
  assert.equal(iso.initialMargin, 600 * U); // 6 000 / 10
  assert.equal(iso.maintMargin, 24 * U); // 0.40 % of 6 000

  // what-if leverage (SET_LEVERAGE checks): BTC at 10x doubles its IM
  assert.equal(crossRisk(st, acc, { symbolId: 1, leverage: 10 }).positionInitialMargin, 2 * im);
});

test("a losing cross position reduces available through UPnL and IM at the new mark", () => {
  const { st, acc } = state(490_000, 300_000);
  acc.crossWallet = 5_000 * U;
  const btc = st.position(acc, st.symbols.get(1)!);
  btc.qty = 1000;
  btc.entryValue = 500_000 * 1000;
  const r = crossRisk(st, acc);
  assert.equal(r.available, 5_000 * U - 1_000 * U - (49_000 * U) / 20);
  assert.equal(r.withdrawable, r.available);
});

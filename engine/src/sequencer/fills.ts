// One side of one fill applied to a position and its wallets (SPEC §5). Owner: the sequencer (settle).
//
// Exactness. A position keeps its entry value E = |Σ entry price × qty| in price·qty units, an integer.
// A fill of q at price p on a position Q splits into a reducing part r = min(q, |Q|) (when the fill is
// against the position) and an opening part o = q − r:
//   reduce: the entry value removed is m = E × r / |Q|, rounded against the holder (long: up, short:
//           down) — all of E when r = |Q| — and realized PnL = sign(Q) × (p × r − m) × factor micro-USDT;
//   open:   E += p × o.
// For each side, Δwallet(realized) − factor × Δ(signed entry value) = −factor × (signed p × q), whatever
// integer m is chosen, and the buyer's and seller's terms cancel: Σ wallets − factor × Σ signed entry
// values is unchanged by every fill. Since Σ Q = 0 per symbol, Σ UPnL at any common price is exactly
// −factor × Σ signed entry values, so the conservation invariant holds to the micro-USDT with no residue
// account needed for PnL. The rounding of m only moves a sub-unit of PnL from this fill to the position's
// later closes; nothing leaves the system. Fees are integers paid into the fee account (margin.ts feeOf).
//
// Isolated positions: an opening fill moves ⌈p × o × factor / leverage⌉ from the cross wallet to the
// isolated wallet (p capped for price-improved sells, isolatedFundPrice), less that fill's fee (paid from the isolated wallet; a flipping fill splits its fee
// between the closing and the opening part in proportion to r and o). A reducing fill books realized
// PnL and fee in the isolated wallet, then returns to cross the closed share of the wallet as it was
// (⌊W × r / |Q|⌋) plus that PnL − fee, clamped to what the isolated wallet holds; a full close returns the
// whole remainder. A remainder below zero (a bankrupt isolated position, which liquidation is there to
// prevent) is covered by the insurance fund as far as its balance goes, never by the cross wallet.
import { MarginType, Side } from "@perpx/shared/domain";
import { add, mul, mulDiv, sub } from "@perpx/shared/fixed";
import type { CommandCtx } from "./command-ctx.js";
import { insuranceOut } from "./insurance.js";
import { initialMargin, notionalOf } from "./margin.js";
import type { Account, Position, SequencerState } from "./state.js";
import { staleMargin } from "./state.js";
import type { SymbolState } from "./symbol-state.js";

/**
 * Applies one side of a fill; returns the realized PnL in micro-USDT (before fees). `fundPrice` is the
 * price an isolated opening part is funded at (see isolatedFundPrice).
 */
export function applyFill(
  st: SequencerState,
  ctx: CommandCtx,
  acc: Account,
  pos: Position,
  sym: SymbolState,
  side: Side,
  qty: number,
  price: number,
  fee: number,
  fundPrice: number,
): number {
  const factor = sym.factor;
  const dir = side === Side.BUY ? 1 : -1;
  const q0 = pos.qty;
  const abs0 = q0 < 0 ? -q0 : q0;
  const reduce = q0 !== 0 && (q0 > 0 ? 1 : -1) !== dir ? Math.min(qty, abs0) : 0;
  const open = qty - reduce;
  const isolated = pos.marginType === MarginType.ISOLATED;
  // an isolated flip pays the fee in proportion from the closing wallet and from the new one
  const reduceFee = open === 0 ? fee : mulDiv(fee, reduce, qty, "trunc");
  let realized = 0;

  if (reduce > 0) {
    const s = q0 > 0 ? 1 : -1;
    const removed =
      reduce === abs0 ? pos.entryValue : mulDiv(pos.entryValue, reduce, abs0, s > 0 ? "ceil" : "floor");
    realized = mul(s * sub(mul(price, reduce), removed), factor);
    pos.entryValue = sub(pos.entryValue, removed);
    pos.qty = q0 - s * reduce;
    if (isolated) reduceIsolated(st, ctx, acc, pos, reduce, abs0, realized, reduceFee);
    else acc.crossWallet = add(acc.crossWallet, sub(realized, fee));
  }
  if (open > 0) {
    pos.entryValue = add(pos.entryValue, mul(price, open));
    pos.qty += dir * open;
    if (isolated) {
      const im = initialMargin(notionalOf(fundPrice, open, factor), pos.leverage);
      acc.crossWallet = sub(acc.crossWallet, im);
      pos.isolatedWallet = add(pos.isolatedWallet, sub(im, fee - reduceFee));
    } else if (reduce === 0) {
      acc.crossWallet = sub(acc.crossWallet, fee);
    }
  }
  staleMargin(pos);
  return realized;
}

/**
 * The price an isolated opening fill is funded at: the fill price, except that a sell filled above both
 * its limit and the mark (a taker selling into bids above mark) is funded at max(limit, mark). The order
 * reserved q × limit / leverage + q × max(0, mark − limit) (SPEC §5 order cost), which covers funding at
 * max(limit, mark) but not the price improvement beyond mark; that improvement is already the short's
 * unrealized profit at mark, so funding it from cross would only overdraw the cross wallet. A buy fills at
 * or below its limit, so its fill price is always covered.
 */
export function isolatedFundPrice(side: Side, price: number, limit: number, mark: number): number {
  if (side === Side.BUY) return price;
  const cap = limit > mark ? limit : mark;
  return price < cap ? price : cap;
}

function reduceIsolated(
  st: SequencerState,
  ctx: CommandCtx,
  acc: Account,
  pos: Position,
  reduce: number,
  abs0: number,
  realized: number,
  fee: number,
): void {
  const before = pos.isolatedWallet;
  let w = add(before, sub(realized, fee));
  if (pos.qty === 0) {
    // a bankrupt close: the insurance fund pays what it can (liquidation is there to prevent this)
    if (w < 0) w += insuranceOut(st, ctx, -w, "DEFICIT", pos.symbolId);
    acc.crossWallet = add(acc.crossWallet, w);
    pos.isolatedWallet = 0;
    return;
  }
  const share = before > 0 ? mulDiv(before, reduce, abs0, "floor") : 0;
  let back = add(share, sub(realized, fee));
  if (back > w) back = w;
  if (back < 0) back = 0;
  acc.crossWallet = add(acc.crossWallet, back);
  pos.isolatedWallet = w - back;
}

// Account-level margin figures (SPEC §5), derived on demand from the sequencer's state at current marks.
// Owner: read-only over SequencerState. Nothing here is cached, so a figure can never drift from the
// positions and orders it describes.
//
//   cross margin balance = cross wallet + Σ cross UPnL (at mark)
//   available            = margin balance − Σ cross position IM (notional at mark / leverage)
//                          − Σ order margin of every symbol (cross and isolated orders alike: an isolated
//                            position is funded from the cross wallet when it fills)
//   withdrawable         = available − max(0, Σ cross UPnL): unrealized profit is margin, not cash.
import { MarginType } from "@perpx/shared/domain";
import { initialMargin, maintenanceMargin, notionalOf, sideOrderMargin, unrealizedPnl } from "./margin.js";
import type { Account, Position, SequencerState } from "./state.js";
import { positionsOf } from "./state.js";
import type { SymbolState } from "./symbol-state.js";

/** Order margin of one position's open orders (both sides, each with its reduce allowance). */
export function positionOrderMargin(pos: Position, factor: number, leverage = pos.leverage): number {
  const q = pos.qty;
  return (
    sideOrderMargin(pos.buy, q < 0 ? -q : 0, leverage, factor) +
    sideOrderMargin(pos.sell, q > 0 ? q : 0, leverage, factor)
  );
}

export interface CrossRisk {
  crossWallet: number;
  crossUpnl: number;
  marginBalance: number;
  positionInitialMargin: number;
  orderMargin: number;
  maintMargin: number;
  available: number;
  withdrawable: number;
}

/** Leverage to assume for one symbol instead of the position's own (SET_LEVERAGE checks). */
export interface LeverageOverride {
  symbolId: number;
  leverage: number;
}

export function crossRisk(st: SequencerState, acc: Account, override?: LeverageOverride): CrossRisk {
  let upnl = 0;
  let im = 0;
  let om = 0;
  let mm = 0;
  for (const pos of positionsOf(acc)) {
    const sym = st.symbols.get(pos.symbolId)!;
    const lev =
      override !== undefined && override.symbolId === pos.symbolId ? override.leverage : pos.leverage;
    if (pos.buy.qty !== 0 || pos.sell.qty !== 0) om += positionOrderMargin(pos, sym.factor, lev);
    if (pos.qty === 0 || pos.marginType !== MarginType.CROSSED) continue;
    const mark = sym.markPrice;
    const notional = notionalOf(mark, pos.qty, sym.factor);
    upnl += unrealizedPnl(pos.qty, pos.entryValue, mark, sym.factor);
    im += initialMargin(notional, lev);
    mm += maintenanceMargin(sym.inst, notional);
  }
  const marginBalance = acc.crossWallet + upnl;
  const available = marginBalance - im - om;
  return {
    crossWallet: acc.crossWallet,
    crossUpnl: upnl,
    marginBalance,
    positionInitialMargin: im,
    orderMargin: om,
    maintMargin: mm,
    available,
    withdrawable: available - (upnl > 0 ? upnl : 0),
  };
}

export interface IsolatedRisk {
  upnl: number;
  /** isolated wallet + UPnL */
  equity: number;
  initialMargin: number;
  maintMargin: number;
}

/** One isolated position at mark (`leverage` overrides the position's for SET_LEVERAGE checks). */
export function isolatedRisk(pos: Position, sym: SymbolState, leverage = pos.leverage): IsolatedRisk {
  const mark = sym.markPrice;
  const notional = notionalOf(mark, pos.qty, sym.factor);
  const upnl = unrealizedPnl(pos.qty, pos.entryValue, mark, sym.factor);
  return {
    upnl,
    equity: pos.isolatedWallet + upnl,
    initialMargin: initialMargin(notional, leverage),
    maintMargin: maintenanceMargin(sym.inst, notional),
  };
}

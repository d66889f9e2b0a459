// Derived account numbers (SPEC §5, §7): everything the account and positions endpoints show beyond
// the wallets and positions the engine publishes. Computed on demand at the latest mark of each symbol.
//   from events:  crossWallet, isolatedWallet, qty, entryValue, leverage, marginType, mark
//   derived here: notional, unrealizedPnl, maintMargin, initialMargin, open-order cost,
//                 marginBalance, availableBalance, liquidationPrice, entryPrice text, ADL quantile
// A position without any mark yet is shown at its entry price (UPnL 0).
import { type AdlScore, adlQuantile, adlScore as sharedAdlScore } from "@perpx/shared/adl";
import { notionalFactor, QUOTE_ASSET } from "@perpx/shared/domain";
import { formatDecimal, formatMoney, mul, mulDiv } from "@perpx/shared/fixed";
import { marginTypeName } from "./format.js";
import {
  averagePriceText,
  initialMargin,
  liquidationPrice,
  maintMargin,
  notionalOf,
  unrealizedPnl,
} from "./margin-math.js";
import type { MarketState } from "./market-state.js";
import type { PositionRec, UserState } from "./user-state.js";
import type { AccountView, AdlQuantileView, PositionView } from "./views.js";

export interface PositionRisk {
  p: PositionRec;
  m: MarketState;
  /** price used: the mark, or the truncated entry price when there is no mark */
  price: number;
  notional: number;
  upnl: number;
  mm: number;
  im: number;
}

export function positionRisks(u: UserState, markets: ReadonlyMap<number, MarketState>): PositionRisk[] {
  const out: PositionRisk[] = [];
  for (const p of u.positions.values()) {
    const m = markets.get(p.symbolId);
    if (!m) continue;
    const aq = Math.abs(p.qty);
    let price: number;
    let notional: number;
    let upnl: number;
    if (m.mark !== undefined) {
      price = m.mark;
      notional = notionalOf(m.inst, aq, price);
      upnl = unrealizedPnl(m.inst, p.qty, p.entryValue, price);
    } else {
      price = mulDiv(p.entryValue, 1, aq, "floor");
      notional = mul(p.entryValue, notionalFactor(m.inst));
      upnl = 0;
    }
    out.push({
      p,
      m,
      price,
      notional,
      upnl,
      mm: maintMargin(m.inst, notional),
      im: initialMargin(notional, p.leverage),
    });
  }
  return out;
}

/** Σ open-order cost still reserved: each order's reservation pro rata to its remaining quantity. */
export function openOrderCost(u: UserState): number {
  let sum = 0;
  for (const id of u.open) {
    const r = u.orders.get(id);
    if (!r || r.reserved === 0 || r.reservedQty === 0) continue;
    const remaining = r.e.origQty - r.e.executedQty;
    sum += remaining >= r.reservedQty ? r.reserved : mulDiv(r.reserved, remaining, r.reservedQty, "ceil");
  }
  return sum;
}

export function accountView(u: UserState, markets: ReadonlyMap<number, MarketState>): AccountView {
  const risks = positionRisks(u, markets);
  let isolated = 0;
  let upnl = 0;
  let crossUpnl = 0;
  let mm = 0;
  let posIm = 0;
  let crossIm = 0;
  for (const r of risks) {
    upnl += r.upnl;
    mm += r.mm;
    posIm += r.im;
    if (r.p.marginType === 1) isolated += r.p.isolatedWallet;
    else {
      crossUpnl += r.upnl;
      crossIm += r.im;
    }
  }
  const orderCost = openOrderCost(u);
  const wallet = u.crossWallet + isolated;
  return {
    userId: u.userId,
    assets: [
      {
        asset: QUOTE_ASSET,
        walletBalance: formatMoney(wallet),
        crossWalletBalance: formatMoney(u.crossWallet),
        unrealizedPnl: formatMoney(upnl),
        crossUnrealizedPnl: formatMoney(crossUpnl),
        marginBalance: formatMoney(wallet + upnl),
        availableBalance: formatMoney(u.crossWallet + crossUpnl - crossIm - orderCost),
        maintMargin: formatMoney(mm),
        initialMargin: formatMoney(posIm + orderCost),
        positionInitialMargin: formatMoney(posIm),
        openOrderInitialMargin: formatMoney(orderCost),
      },
    ],
    updateTime: u.updateTime,
  };
}

/**
 * Liquidation price per position. Isolated: against its own wallet. Cross: the cross wallet plus every
 * other cross position's (UPnL − MM) at the current marks, held constant while this position's mark
 * moves (exact for a single cross position; an approximation when several move together).
 */
export function liquidationPrices(u: UserState, risks: readonly PositionRisk[]): number[] {
  let crossSlack = u.crossWallet;
  for (const r of risks) if (r.p.marginType === 0) crossSlack += r.upnl - r.mm;
  return risks.map((r) => {
    const backing = r.p.marginType === 1 ? r.p.isolatedWallet : crossSlack - (r.upnl - r.mm);
    return liquidationPrice(r.m.inst, r.p.qty, r.p.entryValue, backing, r.notional);
  });
}

export function positionViews(u: UserState, markets: ReadonlyMap<number, MarketState>): PositionView[] {
  const risks = positionRisks(u, markets);
  const liqs = liquidationPrices(u, risks);
  return risks.map((r, i) => {
    const inst = r.m.inst;
    const liq = liqs[i]!;
    return {
      symbol: inst.symbol,
      positionSide: "BOTH",
      positionAmt: formatDecimal(r.p.qty, inst.qtyDecimals),
      entryPrice: averagePriceText(inst, r.p.entryValue, Math.abs(r.p.qty)),
      markPrice: formatDecimal(r.price, inst.priceDecimals),
      unrealizedPnl: formatMoney(r.upnl),
      liquidationPrice: formatDecimal(liq, inst.priceDecimals),
      leverage: r.p.leverage,
      marginType: marginTypeName(r.p.marginType),
      isolatedWallet: formatMoney(r.p.marginType === 1 ? r.p.isolatedWallet : 0),
      maintMargin: formatMoney(r.mm),
      initialMargin: formatMoney(r.im),
      notional: formatMoney(r.p.qty < 0 ? -r.notional : r.notional),
      updateTime: r.p.updateTime,
    };
  });
}

/**
 * ADL ranking score of a position (SPEC §7.5) by the rule the engine deleverages with
 * (@perpx/shared/adl): exact, with equity = isolated wallet + UPnL, or the cross wallet + cross UPnL.
 */
export function adlScore(r: PositionRisk, crossEquity: number): AdlScore {
  const entryNotional = mul(r.p.entryValue, notionalFactor(r.m.inst));
  const equity = r.p.marginType === 1 ? r.p.isolatedWallet + r.upnl : crossEquity;
  return sharedAdlScore(r.upnl, r.notional, entryNotional, equity);
}

/** Quantile 1..5 of `score` among `all` scores of the same side (5 = first to be deleveraged). */
export function quintile(score: AdlScore, all: readonly AdlScore[]): AdlQuantileView["adlQuantile"] {
  return adlQuantile(score, all);
}

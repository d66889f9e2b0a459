// Positions nearest liquidation, for the admin pages (GET /api/v1/admin/positions/at-risk). Derived on
// demand from the same numbers as the positions endpoint (account-view.ts): margin ratio = maintenance
// margin / margin balance of what backs the position (cross: the whole cross account; isolated: the
// position's own wallet), and the liquidation becomes due at a ratio of 1 (SPEC §7.1). The scan visits
// every holder of every symbol: an operator's query, not a hot path.
import { formatDecimal, formatMoney, mulDiv, RATE_SCALE } from "@perpx/shared/fixed";
import { liquidationPrices, positionRisks } from "./account-view.js";
import { marginTypeName } from "./format.js";
import type { MarketState } from "./market-state.js";
import type { UserState } from "./user-state.js";
import type { AtRiskPositionView } from "./views.js";

interface Ranked {
  /** margin ratio in parts per 1e8; Infinity when nothing backs the position any more */
  ratio: number;
  view: AtRiskPositionView;
}

function ratioOf(mm: number, equity: number): number {
  return equity <= 0 ? Number.POSITIVE_INFINITY : mulDiv(mm, RATE_SCALE, equity, "ceil");
}

function rankUser(u: UserState, markets: ReadonlyMap<number, MarketState>, out: Ranked[]): void {
  const risks = positionRisks(u, markets);
  if (risks.length === 0) return;
  const liqs = liquidationPrices(u, risks);
  let crossEquity = u.crossWallet;
  let crossMm = 0;
  for (const r of risks) {
    if (r.p.marginType !== 0) continue;
    crossEquity += r.upnl;
    crossMm += r.mm;
  }
  risks.forEach((r, i) => {
    const inst = r.m.inst;
    const isolated = r.p.marginType === 1;
    const equity = isolated ? r.p.isolatedWallet + r.upnl : crossEquity;
    const ratio = ratioOf(isolated ? r.mm : crossMm, equity);
    const liq = liqs[i]!;
    const distance =
      liq > 0 && r.price > 0 ? mulDiv(Math.abs(r.price - liq), RATE_SCALE, r.price, "floor") : undefined;
    out.push({
      ratio,
      view: {
        userId: u.userId,
        symbol: inst.symbol,
        positionAmt: formatDecimal(r.p.qty, inst.qtyDecimals),
        markPrice: formatDecimal(r.price, inst.priceDecimals),
        liquidationPrice: formatDecimal(liq, inst.priceDecimals),
        marginType: marginTypeName(r.p.marginType),
        leverage: r.p.leverage,
        notional: formatMoney(r.p.qty < 0 ? -r.notional : r.notional),
        unrealizedPnl: formatMoney(r.upnl),
        maintMargin: formatMoney(isolated ? r.mm : crossMm),
        marginBalance: formatMoney(equity),
        marginRatio: Number.isFinite(ratio) ? formatDecimal(ratio, 8) : null,
        liquidationDistance: distance === undefined ? null : formatDecimal(distance, 8),
        liquidatable: ratio >= RATE_SCALE,
      },
    });
  });
}

/** The `limit` open positions with the highest margin ratio (nearest liquidation) first. */
export function positionsAtRisk(
  holders: Iterable<UserState>,
  markets: ReadonlyMap<number, MarketState>,
  limit: number,
): AtRiskPositionView[] {
  const ranked: Ranked[] = [];
  for (const u of holders) rankUser(u, markets, ranked);
  ranked.sort((a, b) => b.ratio - a.ratio || a.view.userId - b.view.userId);
  return ranked.slice(0, limit).map((r) => r.view);
}

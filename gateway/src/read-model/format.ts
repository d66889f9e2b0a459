// Event records → wire views (SPEC §2 formats). Pure functions shared by the memory read model.
import {
  type Instrument,
  MARGIN_TYPE_NAMES,
  notionalFactor,
  ORDER_STATUS_NAMES,
  ORDER_TYPE_NAMES,
  SIDE_NAMES,
  STP_NAMES,
  TIF_NAMES,
  WORKING_TYPE_NAMES,
} from "@perpx/shared/domain";
import { rejectReasonName } from "@perpx/shared/errors";
import type { OrderEvent } from "@perpx/shared/events";
import { formatDecimal, formatMoney, formatRate, mul } from "@perpx/shared/fixed";
import { averagePriceText, maxLeverage } from "./margin-math.js";
import type { BracketView, InstrumentView, OrderView } from "./views.js";

/** Name of an enum value, "UNKNOWN" for a value this build does not know (newer engine). */
export function nameOf(table: readonly string[], v: number): string {
  return table[v] ?? "UNKNOWN";
}

export function marginTypeName(v: number): string {
  return nameOf(MARGIN_TYPE_NAMES, v);
}

export function rejectName(code: number): string {
  try {
    return rejectReasonName(code);
  } catch {
    return `UNKNOWN_${code}`;
  }
}

export function orderView(e: OrderEvent, inst: Instrument, updateTime: number): OrderView {
  const pd = inst.priceDecimals;
  const qd = inst.qtyDecimals;
  const v: OrderView = {
    orderId: String(e.orderId),
    clientOrderId: e.clientOrderId,
    symbol: inst.symbol,
    side: nameOf(SIDE_NAMES, e.side),
    type: nameOf(ORDER_TYPE_NAMES, e.type),
    status: nameOf(ORDER_STATUS_NAMES, e.status),
    price: formatDecimal(e.price, pd),
    origQty: formatDecimal(e.origQty, qd),
    executedQty: formatDecimal(e.executedQty, qd),
    avgPrice: averagePriceText(inst, e.cumQuoteUnits, e.executedQty),
    cumQuote: formatMoney(mul(e.cumQuoteUnits, notionalFactor(inst))),
    timeInForce: nameOf(TIF_NAMES, e.tif),
    reduceOnly: e.reduceOnly,
    closePosition: e.closePosition,
    stopPrice: formatDecimal(e.stopPrice, pd),
    workingType: nameOf(WORKING_TYPE_NAMES, e.workingType),
    selfTradePreventionMode: nameOf(STP_NAMES, e.stp),
    positionSide: "BOTH",
    time: e.createTime,
    updateTime,
  };
  if (e.rejectReason !== 0) v.rejectReason = rejectName(e.rejectReason);
  return v;
}

export function bracketViews(inst: Instrument): BracketView[] {
  let floor = 0;
  return inst.brackets.map((b, i) => {
    const v: BracketView = {
      bracket: i + 1,
      initialLeverage: b.maxLeverage,
      notionalCap: formatMoney(b.notionalCap),
      notionalFloor: formatMoney(floor),
      maintMarginRatio: formatRate(b.maintMarginRate),
      cum: formatMoney(b.maintAmount),
    };
    floor = b.notionalCap;
    return v;
  });
}

export function instrumentView(inst: Instrument): InstrumentView {
  const qd = inst.qtyDecimals;
  return {
    symbol: inst.symbol,
    symbolId: inst.symbolId,
    baseAsset: inst.baseAsset,
    quoteAsset: inst.quoteAsset,
    tickSize: inst.tickSize,
    stepSize: inst.stepSize,
    pricePrecision: inst.priceDecimals,
    quantityPrecision: qd,
    minQty: formatDecimal(inst.minQty, qd),
    maxQty: formatDecimal(inst.maxQty, qd),
    maxMarketQty: formatDecimal(inst.maxMarketQty, qd),
    minNotional: formatMoney(inst.minNotional),
    pricePercentBand: formatRate(inst.pricePercentBand),
    marketTakeBound: formatRate(inst.marketTakeBound),
    maxOpenOrders: inst.maxOpenOrders,
    makerFeeRate: formatRate(inst.makerFeeRate),
    takerFeeRate: formatRate(inst.takerFeeRate),
    liquidationFeeRate: formatRate(inst.liquidationFeeRate),
    fundingIntervalHours: inst.fundingIntervalHours,
    interestRate: formatRate(inst.interestRate),
    fundingCap: formatRate(inst.fundingCap),
    impactMarginNotional: formatMoney(inst.impactMarginNotional),
    defaultLeverage: inst.defaultLeverage,
    maxLeverage: maxLeverage(inst),
  };
}

/** Newest `limit` rows inside [start, end] (rows in time order), oldest first. */
export function selectRange<T>(
  rows: readonly T[],
  time: (r: T) => number,
  symbolOf: (r: T) => number,
  q: { symbolId?: number; startTime?: number; endTime?: number; limit: number },
): T[] {
  const out: T[] = [];
  const start = q.startTime ?? 0;
  const end = q.endTime ?? Number.MAX_SAFE_INTEGER;
  for (let i = rows.length - 1; i >= 0 && out.length < q.limit; i--) {
    const r = rows[i] as T;
    const t = time(r);
    // no early exit: command timestamps come from several gateway clocks and need not be monotonic
    if (t < start || t > end) continue;
    if (q.symbolId !== undefined && symbolOf(r) !== q.symbolId) continue;
    out.push(r);
  }
  return out.reverse();
}

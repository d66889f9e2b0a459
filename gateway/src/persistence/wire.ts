// Integer records of the read side → wire views with the SPEC §2 formats (decimal strings: prices at
// the tick's decimals, quantities at the step's, money with 6, rates and average prices with 8 decimals
// truncated). One module for the report queries, the Redis cache and the notifier, so a cache rebuilt
// from MySQL holds exactly what the notifier wrote. Products that may pass 2^53 are done in BigInt.
import { type Instrument, notionalFactor } from "@perpx/shared/domain";
import { formatDecimal, formatDecimalBig, formatMoney, MONEY_DECIMALS } from "@perpx/shared/fixed";
import type { OrderView } from "../read-model/views.js";

/** An order as the read side keeps it: integer amounts, enums by name. */
export interface OrderRecord {
  orderId: number;
  clientOrderId: string;
  userId: number;
  symbolId: number;
  side: string;
  type: string;
  tif: string;
  status: string;
  price: number;
  stopPrice: number;
  origQty: number;
  executedQty: number;
  cumQuoteUnits: number;
  reduceOnly: boolean;
  closePosition: boolean;
  workingType: string;
  stp: string;
  rejectReason: string | null;
  createTime: number;
  updateTime: number;
  seq: number;
}

/** avg = Σ(price × qty) / qty, at 8 decimals, truncated (SPEC §2); "0.00000000" before any fill. */
export function averagePrice(inst: Instrument, valueUnits: number, qty: number): string {
  const q = BigInt(Math.abs(qty));
  if (q === 0n) return formatDecimalBig(0n, 8);
  const scaled = (BigInt(Math.abs(valueUnits)) * 10n ** BigInt(8 - inst.priceDecimals)) / q;
  return formatDecimalBig(scaled, 8);
}

/** A price·qty value as USDT money text (× 10^(6 − pd − qd) micro-USDT). */
export function quoteMoney(inst: Instrument, valueUnits: number): string {
  return formatDecimalBig(BigInt(valueUnits) * BigInt(notionalFactor(inst)), MONEY_DECIMALS);
}

/** The one OrderView shape (SPEC §8.3): the report DB answers exactly what the memory read model does. */
export type { OrderView };

export function orderView(o: OrderRecord, inst: Instrument): OrderView {
  const v: OrderView = {
    orderId: String(o.orderId),
    clientOrderId: o.clientOrderId,
    symbol: inst.symbol,
    side: o.side,
    type: o.type,
    status: o.status,
    price: formatDecimal(o.price, inst.priceDecimals),
    origQty: formatDecimal(o.origQty, inst.qtyDecimals),
    executedQty: formatDecimal(o.executedQty, inst.qtyDecimals),
    avgPrice: averagePrice(inst, o.cumQuoteUnits, o.executedQty),
    cumQuote: quoteMoney(inst, o.cumQuoteUnits),
    timeInForce: o.tif,
    reduceOnly: o.reduceOnly,
    closePosition: o.closePosition,
    stopPrice: formatDecimal(o.stopPrice, inst.priceDecimals),
    workingType: o.workingType,
    selfTradePreventionMode: o.stp,
    positionSide: "BOTH",
    time: o.createTime,
    updateTime: o.updateTime,
  };
  if (o.rejectReason) v.rejectReason = o.rejectReason;
  return v;
}

/** The Redis order value: the order view plus the owner and the engine seq of this state. */
export function orderCacheValue(o: OrderRecord, inst: Instrument): string {
  return JSON.stringify({ ...orderView(o, inst), userId: o.userId, seq: o.seq });
}

export interface TradeRecord {
  tradeId: number;
  symbolId: number;
  type: string;
  price: number;
  qty: number;
  quote: number;
  buyOrderId: number;
  sellOrderId: number;
  buyUserId: number;
  sellUserId: number;
  makerSide: string;
  buyFee: number;
  sellFee: number;
  buyRealizedPnl: number;
  sellRealizedPnl: number;
  time: number;
}

/** GET /api/v1/trades item (SPEC §8.2), for one side of a trade. */
export function userTradeView(t: TradeRecord, side: "BUY" | "SELL", inst: Instrument) {
  const buy = side === "BUY";
  return {
    tradeId: String(t.tradeId),
    orderId: String(buy ? t.buyOrderId : t.sellOrderId),
    symbol: inst.symbol,
    side,
    price: formatDecimal(t.price, inst.priceDecimals),
    qty: formatDecimal(t.qty, inst.qtyDecimals),
    quoteQty: formatMoney(t.quote),
    commission: formatMoney(buy ? t.buyFee : t.sellFee),
    commissionAsset: inst.quoteAsset,
    realizedPnl: formatMoney(buy ? t.buyRealizedPnl : t.sellRealizedPnl),
    maker: t.makerSide === side,
    type: t.type,
    time: t.time,
  };
}
export type UserTradeView = ReturnType<typeof userTradeView>;

/** GET /api/v1/trades/recent item. */
export function publicTradeView(t: TradeRecord, inst: Instrument) {
  return {
    tradeId: String(t.tradeId),
    price: formatDecimal(t.price, inst.priceDecimals),
    qty: formatDecimal(t.qty, inst.qtyDecimals),
    quoteQty: formatMoney(t.quote),
    isBuyerMaker: t.makerSide === "BUY",
    time: t.time,
  };
}
export type PublicTradeView = ReturnType<typeof publicTradeView>;

export interface PositionRecord {
  userId: number;
  symbolId: number;
  qty: number;
  entryValue: number;
  marginType: string;
  leverage: number;
  isolatedWallet: number;
  updateTime: number;
  seq: number;
}

/** The Redis position value: what the engine published; mark-dependent numbers are derived by readers. */
export function positionCacheValue(
  p: PositionRecord,
  inst: Instrument,
  positionId: string,
  accountId: number,
): string {
  return JSON.stringify({
    positionId,
    accountId,
    userId: p.userId,
    symbol: inst.symbol,
    positionSide: "BOTH",
    positionAmt: formatDecimal(p.qty, inst.qtyDecimals),
    entryPrice: averagePrice(inst, p.entryValue, p.qty),
    leverage: p.leverage,
    marginType: p.marginType,
    isolatedWallet: formatMoney(p.isolatedWallet),
    updateTime: p.updateTime,
    seq: p.seq,
  });
}

export interface AccountRecord {
  accountId: number;
  userId: number;
  asset: string;
  wallet: number;
  updateTime: number;
  seq: number;
}

/** The Redis account value (both account keys hold it). */
export function accountCacheValue(a: AccountRecord): string {
  return JSON.stringify({
    accountId: a.accountId,
    userId: a.userId,
    asset: a.asset,
    crossWalletBalance: formatMoney(a.wallet),
    updateTime: a.updateTime,
    seq: a.seq,
  });
}

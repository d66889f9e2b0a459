// Domain enums and the instrument definition, shared by gateway, engine and codecs.
// Enum values are small integers because they travel in binary records; they are part of the log
// format: never renumber, only append. Name tables map them to the upper-case wire strings.

export const Side = { BUY: 0, SELL: 1 } as const;
export type Side = (typeof Side)[keyof typeof Side];

export const OrderType = {
  LIMIT: 0,
  MARKET: 1,
  STOP: 2,
  STOP_MARKET: 3,
  TAKE_PROFIT: 4,
  TAKE_PROFIT_MARKET: 5,
  TRAILING_STOP_MARKET: 6,
} as const;
export type OrderType = (typeof OrderType)[keyof typeof OrderType];

export const TimeInForce = { GTC: 0, IOC: 1, FOK: 2, GTX: 3 } as const;
export type TimeInForce = (typeof TimeInForce)[keyof typeof TimeInForce];

export const StpMode = { NONE: 0, EXPIRE_TAKER: 1, EXPIRE_MAKER: 2, EXPIRE_BOTH: 3 } as const;
export type StpMode = (typeof StpMode)[keyof typeof StpMode];

export const WorkingType = { CONTRACT_PRICE: 0, MARK_PRICE: 1 } as const;
export type WorkingType = (typeof WorkingType)[keyof typeof WorkingType];

export const MarginType = { CROSSED: 0, ISOLATED: 1 } as const;
export type MarginType = (typeof MarginType)[keyof typeof MarginType];

export const OrderStatus = {
  NEW: 0,
  PARTIALLY_FILLED: 1,
  FILLED: 2,
  CANCELED: 3,
  REJECTED: 4,
  EXPIRED: 5,
  EXPIRED_IN_MATCH: 6,
  UNTRIGGERED: 7,
  TRIGGERED: 8,
} as const;
export type OrderStatus = (typeof OrderStatus)[keyof typeof OrderStatus];

export const TradeType = { NORMAL: 0, LIQUIDATION: 1, ADL: 2 } as const;
export type TradeType = (typeof TradeType)[keyof typeof TradeType];

/** Why a balance changed (SPEC §9 user channel reasons). */
export const BalanceReason = {
  ORDER: 0,
  FUNDING_FEE: 1,
  LIQUIDATION: 2,
  ADL: 3,
  DEPOSIT: 4,
  WITHDRAW: 5,
  MARGIN_TRANSFER: 6,
} as const;
export type BalanceReason = (typeof BalanceReason)[keyof typeof BalanceReason];

/** Reverse lookup table: value → NAME, for enums declared as above. */
export function namesOf<T extends Record<string, number>>(e: T): readonly (keyof T & string)[] {
  const out: (keyof T & string)[] = [];
  for (const [k, v] of Object.entries(e)) out[v] = k as keyof T & string;
  return out;
}

export const SIDE_NAMES = namesOf(Side);
export const ORDER_TYPE_NAMES = namesOf(OrderType);
export const TIF_NAMES = namesOf(TimeInForce);
export const STP_NAMES = namesOf(StpMode);
export const WORKING_TYPE_NAMES = namesOf(WorkingType);
export const MARGIN_TYPE_NAMES = namesOf(MarginType);
export const ORDER_STATUS_NAMES = namesOf(OrderStatus);
export const TRADE_TYPE_NAMES = namesOf(TradeType);
export const BALANCE_REASON_NAMES = namesOf(BalanceReason);

/**
 * One leverage/maintenance bracket (SPEC §3). Money in micro-USDT, rates in parts per 1e8.
 * maintAmount_k = maintAmount_{k-1} + floor_k × (MMR_k − MMR_{k−1}), floor_k = previous notionalCap.
 */
export interface Bracket {
  readonly notionalCap: number;
  readonly maxLeverage: number;
  readonly maintMarginRate: number;
  readonly maintAmount: number;
}

/**
 * A perpetual instrument. Units used everywhere in the engine:
 *  - price: integer at `priceDecimals` places (the tick's decimals); must be a multiple of `tickUnits`
 *  - quantity: integer at `qtyDecimals` places; must be a multiple of `stepUnits`
 *  - money: micro-USDT; rates: parts per 1e8
 * notional (micro-USDT) = price × qty × 10^(6 − priceDecimals − qtyDecimals); instruments are validated
 * so that priceDecimals + qtyDecimals ≤ 6, which keeps every notional an exact integer.
 */
export interface Instrument {
  readonly symbolId: number;
  readonly symbol: string;
  readonly baseAsset: string;
  readonly quoteAsset: string;
  /** wire text of the tick and step, e.g. "0.10" and "0.001" */
  readonly tickSize: string;
  readonly stepSize: string;
  readonly priceDecimals: number;
  readonly qtyDecimals: number;
  readonly tickUnits: number;
  readonly stepUnits: number;
  readonly minQty: number;
  readonly maxQty: number;
  readonly maxMarketQty: number;
  readonly minNotional: number;
  /** limit price within ±band of mark, parts per 1e8 */
  readonly pricePercentBand: number;
  /** market orders never fill further than this from mark, parts per 1e8 */
  readonly marketTakeBound: number;
  readonly maxOpenOrders: number;
  readonly makerFeeRate: number;
  readonly takerFeeRate: number;
  readonly liquidationFeeRate: number;
  readonly fundingIntervalHours: number;
  readonly interestRate: number;
  readonly fundingCap: number;
  readonly impactMarginNotional: number;
  readonly brackets: readonly Bracket[];
  readonly defaultLeverage: number;
}

/** 10^(6 − pd − qd): multiply price × qty by this to get micro-USDT. */
export function notionalFactor(inst: Pick<Instrument, "priceDecimals" | "qtyDecimals">): number {
  const e = 6 - inst.priceDecimals - inst.qtyDecimals;
  if (e < 0) throw new RangeError("priceDecimals + qtyDecimals must be ≤ 6");
  return 10 ** e;
}

export const QUOTE_ASSET = "USDT";

// Wire shapes the read model answers with (SPEC §8.2, §8.3). Decimals are strings formatted by the
// fixed-point rules of SPEC §2; times are ms since epoch; orderId is a u64 decimal string.
// Any read model (memory, MySQL) returns exactly these, so routes only serialize them.

export interface OrderView {
  orderId: string;
  clientOrderId: string;
  symbol: string;
  side: string;
  type: string;
  status: string;
  price: string;
  origQty: string;
  executedQty: string;
  /** cumQuote / executedQty, 8 decimals, truncated */
  avgPrice: string;
  /** USDT, 6 decimals */
  cumQuote: string;
  timeInForce: string;
  reduceOnly: boolean;
  closePosition: boolean;
  stopPrice: string;
  workingType: string;
  selfTradePreventionMode: string;
  positionSide: "BOTH";
  rejectReason?: string;
  time: number;
  updateTime: number;
}

export interface UserTradeView {
  tradeId: number;
  orderId: string;
  symbol: string;
  side: string;
  price: string;
  qty: string;
  quoteQty: string;
  commission: string;
  commissionAsset: string;
  realizedPnl: string;
  maker: boolean;
  type: string;
  time: number;
}

export interface AccountAssetView {
  asset: string;
  /** cross wallet + Σ isolated wallets */
  walletBalance: string;
  crossWalletBalance: string;
  /** Σ UPnL of every open position at the current mark */
  unrealizedPnl: string;
  crossUnrealizedPnl: string;
  /** walletBalance + unrealizedPnl */
  marginBalance: string;
  /** cross wallet + cross UPnL − cross position IM − open-order cost (SPEC §5) */
  availableBalance: string;
  maintMargin: string;
  /** position IM + open-order cost */
  initialMargin: string;
  positionInitialMargin: string;
  openOrderInitialMargin: string;
}

export interface AccountView {
  userId: number;
  assets: AccountAssetView[];
  updateTime: number;
}

export interface PositionView {
  symbol: string;
  positionSide: "BOTH";
  positionAmt: string;
  entryPrice: string;
  markPrice: string;
  unrealizedPnl: string;
  liquidationPrice: string;
  leverage: number;
  marginType: string;
  isolatedWallet: string;
  maintMargin: string;
  initialMargin: string;
  notional: string;
  updateTime: number;
}

export interface DepthView {
  lastUpdateId: number;
  bids: [string, string][];
  asks: [string, string][];
}

export interface PublicTradeView {
  tradeId: number;
  price: string;
  qty: string;
  quoteQty: string;
  isBuyerMaker: boolean;
  type: string;
  time: number;
}

export interface TickerView {
  symbol: string;
  priceChange: string;
  priceChangePercent: string;
  lastPrice: string;
  openPrice: string;
  highPrice: string;
  lowPrice: string;
  volume: string;
  quoteVolume: string;
  openTime: number;
  closeTime: number;
  count: number;
}

export interface PremiumIndexView {
  symbol: string;
  markPrice: string;
  indexPrice: string;
  lastFundingRate: string;
  predictedFundingRate: string;
  interestRate: string;
  nextFundingTime: number;
  time: number;
}

export interface FundingRateView {
  symbol: string;
  fundingTime: number;
  fundingRate: string;
  markPrice: string;
}

export interface FundingPaymentView {
  symbol: string;
  fundingTime: number;
  fundingRate: string;
  positionAmt: string;
  markPrice: string;
  /** signed, from the user's point of view */
  amount: string;
}

export interface TransactionView {
  tranId: string;
  /** DEPOSIT | WITHDRAW | COMMISSION | REALIZED_PNL | FUNDING_FEE */
  type: string;
  symbol: string;
  asset: string;
  amount: string;
  info: string;
  time: number;
}

export interface InsuranceFundView {
  asset: string;
  balance: string;
  updateTime: number;
}

export interface InsuranceHistoryView {
  symbol: string;
  delta: string;
  balance: string;
  reason: string;
  time: number;
}

export interface BracketView {
  bracket: number;
  initialLeverage: number;
  notionalCap: string;
  notionalFloor: string;
  maintMarginRatio: string;
  cum: string;
}

export interface LeverageBracketsView {
  symbol: string;
  brackets: BracketView[];
}

export interface InstrumentView {
  symbol: string;
  symbolId: number;
  baseAsset: string;
  quoteAsset: string;
  tickSize: string;
  stepSize: string;
  pricePrecision: number;
  quantityPrecision: number;
  minQty: string;
  maxQty: string;
  maxMarketQty: string;
  minNotional: string;
  pricePercentBand: string;
  marketTakeBound: string;
  maxOpenOrders: number;
  makerFeeRate: string;
  takerFeeRate: string;
  liquidationFeeRate: string;
  fundingIntervalHours: number;
  interestRate: string;
  fundingCap: string;
  impactMarginNotional: string;
  defaultLeverage: number;
  maxLeverage: number;
}

export interface SolvencyView {
  asset: string;
  netDeposits: string;
  walletBalances: string;
  insuranceFund: string;
  feeAccount: string;
  unrealizedPnl: string;
  /** walletBalances + insuranceFund + feeAccount + unrealizedPnl − netDeposits: "0.000000" or a bug */
  difference: string;
}

export interface DepositView {
  txId: string;
  userId: number;
  asset: string;
  amount: string;
  walletBalance: string;
  time: number;
}

export interface WithdrawalView {
  withdrawId: string;
  userId: number;
  asset: string;
  amount: string;
  walletBalance: string;
  time: number;
}

export interface AdlQuantileView {
  symbol: string;
  /** 1..5 lights, 0 when there is no position */
  adlQuantile: number;
}

export interface RejectView {
  seq: number;
  userId: number;
  op: number;
  reason: string;
  ref: string;
}

/** GET /api/v1/admin/positions/at-risk: one open position and how close it is to liquidation. */
export interface AtRiskPositionView {
  userId: number;
  symbol: string;
  positionAmt: string;
  markPrice: string;
  liquidationPrice: string;
  marginType: string;
  leverage: number;
  notional: string;
  unrealizedPnl: string;
  /** of what backs the position: the cross account's total, or the isolated position's own */
  maintMargin: string;
  marginBalance: string;
  /** maintMargin / marginBalance, 8 decimals; null when the margin balance is ≤ 0 */
  marginRatio: string | null;
  /** |mark − liquidationPrice| / mark, 8 decimals; null without a liquidation price */
  liquidationDistance: string | null;
  /** margin ratio ≥ 1: the engine liquidates it at the next mark */
  liquidatable: boolean;
}

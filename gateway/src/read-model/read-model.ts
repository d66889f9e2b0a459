// The read model contract: a projection of EngineEvents that answers every query of SPEC §8.2.
// Owner: the consumer that applies events (embedded: the engine's publisher; distributed: a saver).
// Routes only read it. Implementations: MemoryReadModel (here), MySQL/Redis (later).
import type { Instrument } from "@perpx/shared/domain";
import type { EngineEvent } from "@perpx/shared/events";
import type {
  AccountView,
  AdlQuantileView,
  AtRiskPositionView,
  DepositView,
  DepthView,
  FundingPaymentView,
  FundingRateView,
  InstrumentView,
  InsuranceFundView,
  InsuranceHistoryView,
  LeverageBracketsView,
  OrderView,
  PositionView,
  PremiumIndexView,
  PublicTradeView,
  RejectView,
  SolvencyView,
  TickerView,
  TransactionView,
  UserTradeView,
  WithdrawalView,
} from "./views.js";

/** Time-range filter: inclusive bounds in ms; the newest `limit` matches are returned, oldest first. */
export interface RangeQuery {
  symbolId?: number;
  startTime?: number;
  endTime?: number;
  limit: number;
}

export interface ReadModel {
  apply(events: readonly EngineEvent[]): void;
  /** highest engine seq applied (0 before any event) */
  lastSeq(): number;

  // reference data (used by the filters as well)
  instrument(symbol: string): Instrument | undefined;
  instrumentById(symbolId: number): Instrument | undefined;
  instruments(): readonly Instrument[];
  instrumentViews(): InstrumentView[];
  leverageBrackets(symbolId?: number): LeverageBracketsView[];
  /** latest mark in price units, undefined before the first MARK event */
  markPrice(symbolId: number): number | undefined;
  userExists(userId: number): boolean;
  /** highest orderId seen (seeds the id generator after a restart) */
  maxOrderId(): number;

  // orders (per user; clientOrderIds are remembered for ever: idempotency)
  orderById(userId: number, orderId: number): OrderView | undefined;
  orderByClientId(userId: number, clientOrderId: string): OrderView | undefined;
  /** orderByClientId(…) !== undefined without building the view */
  knowsClientOrderId(userId: number, clientOrderId: string): boolean;
  /** is the order open (NEW, PARTIALLY_FILLED, UNTRIGGERED, TRIGGERED)? undefined when unknown */
  isOpen(userId: number, orderId: number): boolean | undefined;
  openOrders(userId: number, symbolId?: number): OrderView[];
  orderHistory(userId: number, q: RangeQuery): OrderView[];
  userTrades(userId: number, q: RangeQuery): UserTradeView[];

  // account
  account(userId: number): AccountView | undefined;
  positions(userId: number): PositionView[];
  userFunding(userId: number, q: RangeQuery): FundingPaymentView[];
  transactions(userId: number, q: RangeQuery): TransactionView[];
  adlQuantile(userId: number): AdlQuantileView[];
  /** per user and symbol: {leverage, marginType} now in effect */
  settings(userId: number, symbolId: number): { leverage: number; marginType: string };

  // market data
  depth(symbolId: number, limit: number): DepthView;
  recentTrades(symbolId: number, limit: number): PublicTradeView[];
  ticker24h(symbolId: number, now: number): TickerView;
  premiumIndex(symbolId: number): PremiumIndexView;
  fundingRates(symbolId: number, q: RangeQuery): FundingRateView[];

  // exchange accounts
  insuranceFund(): InsuranceFundView;
  insuranceHistory(limit: number): InsuranceHistoryView[];
  solvency(): SolvencyView;
  /** open positions with the highest margin ratio first (admin: nearest liquidation) */
  positionsAtRisk(limit: number): AtRiskPositionView[];

  // command outcomes (idempotency and ?wait answers)
  deposit(txId: string): DepositView | undefined;
  withdrawal(withdrawId: string): WithdrawalView | undefined;
  /** rejects of non-order commands caused by the command at `seq` */
  rejectsAt(seq: number): RejectView[];
}

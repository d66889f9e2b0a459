// Engine events: what the sequencer publishes (in batches, in order) to the event log, the in-process
// read model, the savers and the stream. Same units as commands.ts. Every event carries `seq`, the
// engine sequence of the command that caused it, and `ts`, that command's log time; several events may
// share a seq and keep their emission order. Consumers are idempotent on (seq, index in batch).
import type {
  BalanceReason,
  Instrument,
  MarginType,
  OrderStatus,
  OrderType,
  Side,
  StpMode,
  TimeInForce,
  TradeType,
  WorkingType,
} from "./domain.js";

export const Ev = {
  USER: 1,
  ORDER: 2,
  TRADE: 3,
  POSITION: 4,
  BALANCE: 5,
  BOOK: 6,
  MARK: 7,
  FUNDING_RATE: 8,
  FUNDING_PAYMENT: 9,
  INSURANCE: 10,
  INSTRUMENT: 11,
  REJECT: 12,
  MARGIN_CALL: 13,
  DEPOSIT: 14,
  WITHDRAWAL: 15,
  LEVERAGE: 16,
  FEE_ACCOUNT: 17,
} as const;
export type Ev = (typeof Ev)[keyof typeof Ev];

interface Base {
  seq: number;
  ts: number;
}

export interface UserEvent extends Base {
  ev: typeof Ev.USER;
  userId: number;
}

/** Full order state after the command (the read model keeps the latest per orderId). */
export interface OrderEvent extends Base {
  ev: typeof Ev.ORDER;
  orderId: number;
  clientOrderId: string;
  userId: number;
  symbolId: number;
  side: Side;
  type: OrderType;
  tif: TimeInForce;
  status: OrderStatus;
  price: number;
  stopPrice: number;
  origQty: number;
  executedQty: number;
  /** Σ fill price × qty in price·qty units (exact; avgPrice = cumQuoteUnits / executedQty) */
  cumQuoteUnits: number;
  reduceOnly: boolean;
  closePosition: boolean;
  workingType: WorkingType;
  stp: StpMode;
  /** RejectReason code, 0 unless REJECTED / EXPIRED for a reason */
  rejectReason: number;
  /** ts of creation */
  createTime: number;
}

export interface TradeEvent extends Base {
  ev: typeof Ev.TRADE;
  tradeId: number;
  symbolId: number;
  type: TradeType;
  price: number;
  qty: number;
  /** notional in micro-USDT */
  quote: number;
  buyOrderId: number;
  sellOrderId: number;
  buyUserId: number;
  sellUserId: number;
  /** side of the maker (resting) order */
  makerSide: Side;
  /** micro-USDT paid (negative = rebate) */
  buyFee: number;
  sellFee: number;
  buyRealizedPnl: number;
  sellRealizedPnl: number;
}

/** A position after the command. qty signed (long > 0); qty 0 means closed. */
export interface PositionEvent extends Base {
  ev: typeof Ev.POSITION;
  userId: number;
  symbolId: number;
  qty: number;
  /** Σ entry price × qty in price·qty units, exact (entry price = entryValue / |qty|) */
  entryValue: number;
  marginType: MarginType;
  leverage: number;
  /** micro-USDT, isolated only */
  isolatedWallet: number;
  reason: BalanceReason;
}

/** A cross wallet after the command, with the signed change and why. */
export interface BalanceEvent extends Base {
  ev: typeof Ev.BALANCE;
  userId: number;
  /** micro-USDT cross wallet balance after */
  wallet: number;
  delta: number;
  reason: BalanceReason;
}

/** Changed levels of one symbol's book for one update id (absolute quantities, 0 deletes). */
export interface BookEvent extends Base {
  ev: typeof Ev.BOOK;
  symbolId: number;
  /** first and last book update id covered; prevUpdateId is the previous event's lastUpdateId */
  firstUpdateId: number;
  lastUpdateId: number;
  prevUpdateId: number;
  /** [price, qty] pairs */
  bids: [number, number][];
  asks: [number, number][];
}

export interface MarkEvent extends Base {
  ev: typeof Ev.MARK;
  symbolId: number;
  markPrice: number;
  indexPrice: number;
  lastPrice: number;
  /** predicted next funding rate, parts per 1e8 */
  fundingRate: number;
  nextFundingTime: number;
}

export interface FundingRateEvent extends Base {
  ev: typeof Ev.FUNDING_RATE;
  symbolId: number;
  fundingTime: number;
  fundingRate: number;
  markPrice: number;
}

export interface FundingPaymentEvent extends Base {
  ev: typeof Ev.FUNDING_PAYMENT;
  userId: number;
  symbolId: number;
  fundingTime: number;
  fundingRate: number;
  positionQty: number;
  markPrice: number;
  /** micro-USDT from the user's point of view (negative = paid) */
  amount: number;
}

export interface InsuranceEvent extends Base {
  ev: typeof Ev.INSURANCE;
  /** micro-USDT after */
  balance: number;
  delta: number;
  /** e.g. LIQUIDATION_FEE, DEFICIT, FUNDING_RESIDUE, FEE_RESIDUE */
  reason: string;
  symbolId: number;
}

/**
 * The exchange's fee account after the command (SPEC §2: trading fees in, maker rebates out, rounding
 * residues that are not the insurance fund's). Needed by the solvency view, which cannot derive it.
 */
export interface FeeAccountEvent extends Base {
  ev: typeof Ev.FEE_ACCOUNT;
  /** micro-USDT after */
  balance: number;
  delta: number;
  /** e.g. TRADING_FEE, MAKER_REBATE, ROUNDING_RESIDUE */
  reason: string;
  symbolId: number;
}

export interface InstrumentEvent extends Base {
  ev: typeof Ev.INSTRUMENT;
  instrument: Instrument;
}

/** A command the engine refused that is not an order (orders report REJECTED in OrderEvent). */
export interface RejectEvent extends Base {
  ev: typeof Ev.REJECT;
  userId: number;
  /** the Op of the refused command */
  op: number;
  reason: number;
  /** the command's idempotency id if any (txId, withdrawId, orderId as text) */
  ref: string;
}

export interface MarginCallEvent extends Base {
  ev: typeof Ev.MARGIN_CALL;
  userId: number;
  symbolId: number;
  marginBalance: number;
  maintMargin: number;
}

export interface DepositEvent extends Base {
  ev: typeof Ev.DEPOSIT;
  userId: number;
  txId: string;
  amount: number;
  wallet: number;
}

export interface WithdrawalEvent extends Base {
  ev: typeof Ev.WITHDRAWAL;
  userId: number;
  withdrawId: string;
  amount: number;
  wallet: number;
}

export interface LeverageEvent extends Base {
  ev: typeof Ev.LEVERAGE;
  userId: number;
  symbolId: number;
  leverage: number;
  marginType: MarginType;
}

export type EngineEvent =
  | UserEvent
  | OrderEvent
  | TradeEvent
  | PositionEvent
  | BalanceEvent
  | BookEvent
  | MarkEvent
  | FundingRateEvent
  | FundingPaymentEvent
  | InsuranceEvent
  | InstrumentEvent
  | RejectEvent
  | MarginCallEvent
  | DepositEvent
  | WithdrawalEvent
  | LeverageEvent
  | FeeAccountEvent;

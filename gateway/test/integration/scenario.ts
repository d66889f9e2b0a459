// A hand-built engine event stream with hand-computed numbers (BTCUSDT: price at 1 decimal, qty at 3,
// money in micro-USDT, notional = price × qty × 100): two users deposit, user 2 rests a sell that user 1
// takes, user 1 places and cancels an order, funding is paid at a mark that leaves a 1 micro-USDT residue
// to the insurance fund, user 2 rests a bid that user 1 partly takes (realized PnL on both sides), and
// user 1 changes leverage. Conservation holds: wallets + fees + insurance = deposits (see `EXPECT`).
import {
  BalanceReason,
  MarginType,
  OrderStatus,
  OrderType,
  Side,
  StpMode,
  TimeInForce,
  TradeType,
  WorkingType,
} from "@perpx/shared/domain";
import { type EngineEvent, Ev, type OrderEvent } from "@perpx/shared/events";
import { DEFAULT_INSTRUMENTS } from "@perpx/shared/instruments";

export const BTC = DEFAULT_INSTRUMENTS[0]!;
export const T0 = 1_764_000_000_000; // a funding time (multiple of 8 h)
export const ts = (seq: number) => T0 + seq * 1000;
const USDT = 1_000_000;

function order(
  seq: number,
  orderId: number,
  userId: number,
  side: Side,
  price: number,
  origQty: number,
  status: OrderStatus,
  executedQty: number,
  cumQuoteUnits: number,
  createSeq: number,
): OrderEvent {
  return {
    ev: Ev.ORDER,
    seq,
    ts: ts(seq),
    orderId,
    clientOrderId: `c-${orderId}`,
    userId,
    symbolId: 1,
    side,
    type: OrderType.LIMIT,
    tif: TimeInForce.GTC,
    status,
    price,
    stopPrice: 0,
    origQty,
    executedQty,
    cumQuoteUnits,
    reduceOnly: false,
    closePosition: false,
    workingType: WorkingType.CONTRACT_PRICE,
    stp: StpMode.EXPIRE_TAKER,
    rejectReason: 0,
    createTime: ts(createSeq),
  };
}

function book(seq: number, u: number, bids: [number, number][], asks: [number, number][]): EngineEvent {
  return {
    ev: Ev.BOOK,
    seq,
    ts: ts(seq),
    symbolId: 1,
    firstUpdateId: u,
    lastUpdateId: u,
    prevUpdateId: u - 1,
    bids,
    asks,
  };
}

function balance(
  seq: number,
  userId: number,
  wallet: number,
  delta: number,
  reason: BalanceReason,
): EngineEvent {
  return { ev: Ev.BALANCE, seq, ts: ts(seq), userId, wallet, delta, reason };
}

function position(seq: number, userId: number, qty: number, entryValue: number, leverage = 20): EngineEvent {
  return {
    ev: Ev.POSITION,
    seq,
    ts: ts(seq),
    userId,
    symbolId: 1,
    qty,
    entryValue,
    marginType: MarginType.CROSSED,
    leverage,
    isolatedWallet: 0,
    reason: BalanceReason.ORDER,
  };
}

/** Events of seqs 1..14 in engine order. */
export function scenario(): EngineEvent[] {
  return [
    { ev: Ev.INSTRUMENT, seq: 1, ts: ts(1), instrument: BTC },
    { ev: Ev.USER, seq: 2, ts: ts(2), userId: 1 },
    { ev: Ev.USER, seq: 3, ts: ts(3), userId: 2 },
    {
      ev: Ev.DEPOSIT,
      seq: 4,
      ts: ts(4),
      userId: 1,
      txId: "dep-1",
      amount: 10_000 * USDT,
      wallet: 10_000 * USDT,
    },
    balance(4, 1, 10_000 * USDT, 10_000 * USDT, BalanceReason.DEPOSIT),
    {
      ev: Ev.DEPOSIT,
      seq: 5,
      ts: ts(5),
      userId: 2,
      txId: "dep-2",
      amount: 10_000 * USDT,
      wallet: 10_000 * USDT,
    },
    balance(5, 2, 10_000 * USDT, 10_000 * USDT, BalanceReason.DEPOSIT),
    // user 2 rests SELL 0.100 @ 50000.0
    order(6, 1001, 2, Side.SELL, 500_000, 100, OrderStatus.NEW, 0, 0, 6),
    book(6, 1, [], [[500_000, 100]]),
    // user 1 takes it: quote 5000 USDT, taker fee 0.05% = 2.5, maker fee 0.02% = 1
    {
      ev: Ev.TRADE,
      seq: 7,
      ts: ts(7),
      tradeId: 1,
      symbolId: 1,
      type: TradeType.NORMAL,
      price: 500_000,
      qty: 100,
      quote: 5_000 * USDT,
      buyOrderId: 1002,
      sellOrderId: 1001,
      buyUserId: 1,
      sellUserId: 2,
      makerSide: Side.SELL,
      buyFee: 2_500_000,
      sellFee: 1_000_000,
      buyRealizedPnl: 0,
      sellRealizedPnl: 0,
    },
    order(7, 1001, 2, Side.SELL, 500_000, 100, OrderStatus.FILLED, 100, 50_000_000, 6),
    order(7, 1002, 1, Side.BUY, 500_000, 100, OrderStatus.FILLED, 100, 50_000_000, 7),
    position(7, 1, 100, 50_000_000),
    position(7, 2, -100, 50_000_000),
    balance(7, 1, 9_997_500_000, -2_500_000, BalanceReason.ORDER),
    balance(7, 2, 9_999_000_000, -1_000_000, BalanceReason.ORDER),
    book(7, 2, [], [[500_000, 0]]),
    // user 1 places BUY 0.050 @ 49900.0 and cancels it
    order(8, 1003, 1, Side.BUY, 499_000, 50, OrderStatus.NEW, 0, 0, 8),
    book(8, 3, [[499_000, 50]], []),
    order(9, 1003, 1, Side.BUY, 499_000, 50, OrderStatus.CANCELED, 0, 0, 8),
    book(9, 4, [[499_000, 0]], []),
    {
      ev: Ev.MARK,
      seq: 10,
      ts: ts(10),
      symbolId: 1,
      markPrice: 500_001,
      indexPrice: 500_000,
      lastPrice: 500_000,
      fundingRate: 10_001,
      nextFundingTime: T0 + 8 * 3_600_000,
    },
    // funding at mark 50000.1, rate 0.010001%: 0.1 × 50000.1 × 0.00010001 = 0.5000510001 USDT
    // long pays 500 052 (rounded up), short receives 500 051 (rounded down), residue 1 → insurance fund
    {
      ev: Ev.FUNDING_RATE,
      seq: 11,
      ts: ts(11),
      symbolId: 1,
      fundingTime: T0,
      fundingRate: 10_001,
      markPrice: 500_001,
    },
    {
      ev: Ev.FUNDING_PAYMENT,
      seq: 11,
      ts: ts(11),
      userId: 1,
      symbolId: 1,
      fundingTime: T0,
      fundingRate: 10_001,
      positionQty: 100,
      markPrice: 500_001,
      amount: -500_052,
    },
    {
      ev: Ev.FUNDING_PAYMENT,
      seq: 11,
      ts: ts(11),
      userId: 2,
      symbolId: 1,
      fundingTime: T0,
      fundingRate: 10_001,
      positionQty: -100,
      markPrice: 500_001,
      amount: 500_051,
    },
    balance(11, 1, 9_996_999_948, -500_052, BalanceReason.FUNDING_FEE),
    balance(11, 2, 9_999_500_051, 500_051, BalanceReason.FUNDING_FEE),
    { ev: Ev.INSURANCE, seq: 11, ts: ts(11), balance: 1, delta: 1, reason: "FUNDING_RESIDUE", symbolId: 1 },
    // user 2 rests BUY 0.100 @ 49950.0; user 1 sells 0.050 into it (closes half of the long at a loss)
    order(12, 1004, 2, Side.BUY, 499_500, 100, OrderStatus.NEW, 0, 0, 12),
    book(12, 5, [[499_500, 100]], []),
    {
      ev: Ev.TRADE,
      seq: 13,
      ts: ts(13),
      tradeId: 2,
      symbolId: 1,
      type: TradeType.NORMAL,
      price: 499_500,
      qty: 50,
      quote: 2_497_500_000,
      buyOrderId: 1004,
      sellOrderId: 1005,
      buyUserId: 2,
      sellUserId: 1,
      makerSide: Side.BUY,
      buyFee: 499_500, // maker 0.02% of 2497.5
      sellFee: 1_248_750, // taker 0.05%
      buyRealizedPnl: 2_500_000, // short −0.1 @ 50000 buys 0.05 @ 49950: +2.5
      sellRealizedPnl: -2_500_000, // long 0.1 @ 50000 sells 0.05 @ 49950: −2.5
    },
    order(13, 1004, 2, Side.BUY, 499_500, 100, OrderStatus.PARTIALLY_FILLED, 50, 24_975_000, 12),
    order(13, 1005, 1, Side.SELL, 499_500, 50, OrderStatus.FILLED, 50, 24_975_000, 13),
    position(13, 1, 50, 25_000_000),
    position(13, 2, -50, 25_000_000),
    balance(13, 1, 9_993_251_198, -3_748_750, BalanceReason.ORDER),
    balance(13, 2, 10_001_500_551, 2_000_500, BalanceReason.ORDER),
    book(13, 6, [[499_500, 50]], []),
    {
      ev: Ev.LEVERAGE,
      seq: 14,
      ts: ts(14),
      userId: 1,
      symbolId: 1,
      leverage: 10,
      marginType: MarginType.CROSSED,
    },
  ];
}

/** The numbers the read model must show after the scenario. */
export const EXPECT = {
  wallets: { 1: 9_993_251_198, 2: 10_001_500_551 },
  fees: 2_500_000 + 1_000_000 + 499_500 + 1_248_750,
  insurance: 1,
  deposits: 20_000 * USDT,
  lastSeq: 14,
} as const;

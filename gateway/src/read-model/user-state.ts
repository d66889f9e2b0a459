// Per-user state of the memory read model. Owner: MemoryReadModel.apply (single writer).
// What comes from engine events as is: cross wallet (BALANCE/DEPOSIT/WITHDRAWAL `wallet`), positions
// (POSITION: qty, entryValue, isolatedWallet, leverage, marginType), orders (ORDER, latest state), fills
// (TRADE: fees, realized PnL), funding payments (FUNDING_PAYMENT). Everything else the account and
// positions endpoints show is derived in account-view.ts.
import type { MarginType, OrderType, Side, TradeType } from "@perpx/shared/domain";
import type { OrderEvent } from "@perpx/shared/events";

export interface OrderRec {
  e: OrderEvent;
  updateTime: number;
  /**
   * Margin reserved when the order started resting (micro-USDT, SPEC §5), for `reservedQty` of
   * remaining quantity; released pro rata as it fills. 0 for reduce-only, close-position and
   * untriggered orders. Derived: the engine does not publish reservations.
   */
  reserved: number;
  reservedQty: number;
}

export interface PositionRec {
  symbolId: number;
  qty: number;
  entryValue: number;
  marginType: MarginType;
  leverage: number;
  isolatedWallet: number;
  updateTime: number;
}

export interface UserTradeRec {
  tradeId: number;
  orderId: number;
  symbolId: number;
  side: Side;
  price: number;
  qty: number;
  quote: number;
  fee: number;
  realizedPnl: number;
  maker: boolean;
  type: TradeType;
  time: number;
}

export interface FundingRec {
  symbolId: number;
  fundingTime: number;
  fundingRate: number;
  positionQty: number;
  markPrice: number;
  amount: number;
  time: number;
}

export type TxType = "DEPOSIT" | "WITHDRAW" | "COMMISSION" | "REALIZED_PNL" | "FUNDING_FEE";

export interface TxRec {
  tranId: string;
  type: TxType;
  symbolId: number;
  amount: number;
  info: string;
  time: number;
}

export interface Settings {
  leverage: number;
  marginType: MarginType;
}

export const OPEN_STATUSES: ReadonlySet<number> = new Set([0, 1, 7, 8]); // NEW, PARTIALLY_FILLED, UNTRIGGERED, TRIGGERED
const UNTRIGGERED = 7;
const RESERVING_TYPES: ReadonlySet<OrderType> = new Set<OrderType>([0, 2, 4]); // LIMIT, STOP, TAKE_PROFIT

/** Does this order state reserve margin (a resting, opening, priced order)? */
export function reservesMargin(e: OrderEvent): boolean {
  return (
    OPEN_STATUSES.has(e.status) &&
    e.status !== UNTRIGGERED &&
    !e.reduceOnly &&
    !e.closePosition &&
    RESERVING_TYPES.has(e.type) &&
    e.price > 0
  );
}

export class UserState {
  crossWallet = 0;
  updateTime = 0;
  readonly positions = new Map<number, PositionRec>();
  readonly settings = new Map<number, Settings>();
  readonly orders = new Map<number, OrderRec>();
  readonly byClientId = new Map<string, number>();
  readonly open = new Set<number>();
  /** orders in the order they were first seen */
  readonly history: OrderRec[] = [];
  readonly trades: UserTradeRec[] = [];
  readonly funding: FundingRec[] = [];
  readonly txs: TxRec[] = [];

  constructor(readonly userId: number) {}

  setting(symbolId: number, defaultLeverage: number): Settings {
    return this.settings.get(symbolId) ?? { leverage: defaultLeverage, marginType: 0 };
  }
}

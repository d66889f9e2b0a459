// The sequencer's state. Owner: the sequencer on the engine's main thread is the only writer of every
// structure here (accounts, positions, open orders, fee account, insurance fund); matchers own the books.
//
// Units: prices in instrument price units, quantities in qty units, "price·qty units" for products of the
// two (entry values, order aggregates), money in micro-USDT. micro-USDT = price·qty units × factor, where
// factor = notionalFactor(instrument) is an integer (SPEC §2: priceDecimals + qtyDecimals ≤ 6), so every
// conversion from price·qty units to money is exact.
import type {
  Instrument,
  MarginType,
  OrderStatus,
  OrderType,
  Side,
  StpMode,
  TimeInForce,
  WorkingType,
} from "@perpx/shared/domain";
import { MarginType as MT, Side as S } from "@perpx/shared/domain";
import { mul } from "@perpx/shared/fixed";
import type { HeapItem } from "./indexed-heap.js";
import type { SymbolState } from "./symbol-state.js";

/**
 * Aggregates over a position's resting orders on one side (the in-flight order of the command being
 * applied included). They are the whole "reservation": the order margin of a symbol is derived from
 * them (account-risk.ts), so nothing is reserved or released by hand and nothing can leak.
 */
export interface SideOrders {
  /** Σ remaining qty */
  qty: number;
  /** Σ remaining × limit price, price·qty units */
  qtyPrice: number;
  /** Σ remaining × open loss per unit (frozen at placement), price·qty units */
  qtyLoss: number;
  /** Σ remaining of reduce-only orders */
  roQty: number;
}

export function emptySide(): SideOrders {
  return { qty: 0, qtyPrice: 0, qtyLoss: 0, roQty: 0 };
}

/** One key of a position in its symbol's liquidation index (risk-index.ts). */
export interface RiskItem extends HeapItem {
  /** price units */
  key: number;
  readonly userId: number;
}

/** Per user per symbol: settings, the position and the user's open orders in that symbol. */
export interface Position {
  readonly userId: number;
  /** the account holding it (a link: positions are never moved or removed) */
  readonly acc: Account;
  readonly symbolId: number;
  /** signed size, qty units (long > 0) */
  qty: number;
  /** |Σ entry price × qty| of the open size, price·qty units, exact (entry price = entryValue / |qty|) */
  entryValue: number;
  leverage: number;
  marginType: MarginType;
  /** micro-USDT, ISOLATED only (0 when flat) */
  isolatedWallet: number;
  readonly buy: SideOrders;
  readonly sell: SideOrders;
  /** open order ids in placement order (drives reduce-only cut-back: newest first) */
  readonly orderIds: Set<number>;
  /** untriggered (conditional) order ids in placement order; they reserve nothing until they fire */
  readonly triggerIds: Set<number>;
  /**
   * Liquidation index key (risk-index.ts), price units: while the position is open its account must be
   * re-checked once the mark reaches this price (long: mark ≤ key, short: mark ≥ key). Recomputed
   * whenever the account changes or a key is reached.
   */
  riskKey: number;
  /**
   * While the account (cross) or position (isolated) is in the margin-call zone: the price in the
   * position's favour at which it may have left it (long: mark ≥ key, short: mark ≤ key); 0 = none.
   */
  recoverKey: number;
  /** the index entries for riskKey and recoverKey (derived; rebuilt on restore) */
  readonly riskItem: RiskItem;
  readonly recoverItem: RiskItem;
  /** ISOLATED: a margin call was sent and the position has not been back above the warning level since */
  marginCalled: boolean;
  /** scratch of the command being applied (command-ctx.ts): the stamp of the command that touched it */
  ctxStamp: number;
  /**
   * Derived margin figures (margin-cache.ts; not state, never encoded): this position's order margin,
   * and — cross, open — its UPnL and IM at mark; `mStale` = what is to be recomputed (STALE_* bits, 0 =
   * current). `owner` is the account
   * whose running totals include them (null until the account's first full computation).
   */
  mStale: number;
  mOm: number;
  /** the two sides of mOm (buy orders, sell orders; each with its reduce allowance) */
  mOmBuy: number;
  mOmSell: number;
  mUpnl: number;
  mIm: number;
  owner: Account | null;
  /** next position in its owner's stale queue (margin-cache.ts; intrusive: no array per account) */
  mStaleNext: Position | null;
}

export function newPosition(acc: Account, inst: Instrument): Position {
  const userId = acc.userId;
  return {
    userId,
    acc,
    symbolId: inst.symbolId,
    qty: 0,
    entryValue: 0,
    leverage: Math.min(inst.defaultLeverage, inst.brackets[0]?.maxLeverage ?? 1),
    marginType: MT.CROSSED,
    isolatedWallet: 0,
    buy: emptySide(),
    sell: emptySide(),
    orderIds: new Set(),
    triggerIds: new Set(),
    riskKey: 0,
    recoverKey: 0,
    riskItem: { heapIndex: -1, key: 0, userId },
    recoverItem: { heapIndex: -1, key: 0, userId },
    marginCalled: false,
    ctxStamp: 0,
    mStale: 0,
    mOm: 0,
    mOmBuy: 0,
    mOmSell: 0,
    mUpnl: 0,
    mIm: 0,
    owner: null,
    mStaleNext: null,
  };
}

/** Position.mStale bits: the buy side's order margin, the sell side's, everything (size, entry, …). */
export const STALE_BUY = 1;
export const STALE_SELL = 2;
export const STALE_ALL = 7;

/**
 * A figure the margin cache derives from this position changed: call after every such change
 * (margin-cache.ts). `what`: STALE_BUY / STALE_SELL when only that side's order aggregates changed,
 * else STALE_ALL (size, entry value, leverage, margin type).
 */
export function staleMargin(pos: Position, what: number = STALE_ALL): void {
  const was = pos.mStale;
  pos.mStale = was | what;
  if (was !== 0) return;
  const acc = pos.owner;
  if (acc?.mValid) {
    pos.mStaleNext = acc.mStaleHead;
    acc.mStaleHead = pos;
  }
}

export interface Account {
  readonly userId: number;
  /** cross wallet, micro-USDT */
  crossWallet: number;
  /** set by the liquidation engine while it works on the account; orders and withdrawals are refused */
  inLiquidation: boolean;
  /** CROSSED: a margin call was sent and the account has not been back above the warning level since */
  marginCalled: boolean;
  /** per symbolId, in first-use order */
  readonly positions: Map<number, Position>;
  /** every clientOrderId the user ever used → its orderId (unique for ever, SPEC §4) */
  readonly clientOrderIds: Map<string, number>;
  /**
   * Scratch of the command being applied (command-ctx.ts; not state, never encoded): the stamp of the
   * command that touched it, its slot in that command's touched list, and the stamp of the risk engine's
   * dirty list it is in.
   */
  ctxStamp: number;
  ctxSlot: number;
  dirtyStamp: number;
  /** `positions` as an array in the same order (derived, see positionsOf) */
  readonly positionList: Position[];
  /**
   * Running margin totals (margin-cache.ts; derived, never encoded): Σ order margin, Σ cross UPnL and
   * Σ cross IM at the marks of `markStamp`; valid when `mValid`; `mStaleHead` = the queue (linked through Position.mStaleNext) of positions whose figures
   * changed since.
   */
  mValid: boolean;
  mStamp: number;
  mOm: number;
  mUpnl: number;
  mIm: number;
  mStaleHead: Position | null;
}

/**
 * The account's positions in `positions` order, as an array (hot loops: no Map iterator per walk).
 * Positions are never removed from an account, so the list is current whenever its length matches;
 * otherwise (new position, restored account) it is rebuilt.
 */
export function positionsOf(acc: Account): readonly Position[] {
  const list = acc.positionList;
  if (list.length !== acc.positions.size) {
    list.length = 0;
    for (const p of acc.positions.values()) list.push(p);
  }
  return list;
}

export function newAccount(userId: number): Account {
  return {
    userId,
    crossWallet: 0,
    inLiquidation: false,
    marginCalled: false,
    positions: new Map(),
    clientOrderIds: new Map(),
    ctxStamp: 0,
    ctxSlot: 0,
    dirtyStamp: 0,
    positionList: [],
    mValid: false,
    mStamp: 0,
    mOm: 0,
    mUpnl: 0,
    mIm: 0,
    mStaleHead: null,
  };
}

/** An order the sequencer tracks while it is open (resting, or in flight during its own command). */
export interface OpenOrder {
  readonly orderId: number;
  readonly clientOrderId: string;
  readonly userId: number;
  readonly symbolId: number;
  readonly side: Side;
  readonly type: OrderType;
  readonly tif: TimeInForce;
  status: OrderStatus;
  /** limit price as ordered (0 for MARKET) */
  price: number;
  /** price the book holds / was sent (the market-take bound for MARKET) */
  bookPrice: number;
  readonly stopPrice: number;
  origQty: number;
  executedQty: number;
  /** Σ fill price × qty, price·qty units */
  cumQuoteUnits: number;
  readonly reduceOnly: boolean;
  readonly closePosition: boolean;
  readonly workingType: WorkingType;
  readonly stp: StpMode;
  /** open loss per qty unit in price units, frozen when the price was set (SPEC §5 order cost) */
  openLoss: number;
  rejectReason: number;
  readonly createTime: number;
  /**
   * Its owner's position record in the symbol (a link, not state: never encoded), set when the order is
   * registered (open or untriggered) so settlement needs no lookup per fill; null before that and for
   * the engine's own liquidation / ADL orders.
   */
  pos: Position | null;
}

/**
 * A conditional order resting in a trigger book (status UNTRIGGERED), SPEC §4. Not in the matcher's book
 * and reserves nothing; when it fires it becomes an ordinary LIMIT / MARKET order under the same orderId.
 */
export interface TriggerOrder extends OpenOrder, HeapItem {
  /** TRAILING_STOP_MARKET: callback rate, parts per 1e8 */
  readonly callbackRate: number;
  /** TRAILING_STOP_MARKET: activation price, 0 = active at once */
  readonly activationPrice: number;
  /** trailing only: activated and tracking `extreme` */
  active: boolean;
  /** trailing only, when active: highest (SELL) or lowest (BUY) source price since activation */
  extreme: number;
  /** price the trigger book keys it by (stop price, activation price or trailing threshold) */
  key: number;
}

export function remainingOf(o: OpenOrder): number {
  return o.origQty - o.executedQty;
}

/** Adds (sign 1) or removes (sign −1) `qty` of an order to its position's side aggregates. */
export function reserve(pos: Position, o: OpenOrder, qty: number, sign: 1 | -1): void {
  const s = o.side === S.BUY ? pos.buy : pos.sell;
  const q = sign * qty;
  s.qty += q;
  s.qtyPrice += mul(q, o.bookPrice);
  s.qtyLoss += mul(q, o.openLoss);
  if (o.reduceOnly) s.roQty += q;
  staleMargin(pos, o.side === S.BUY ? STALE_BUY : STALE_SELL);
}

/** A dead-man switch armed for one user and symbol (COUNTDOWN_CANCEL_ALL). */
export interface Countdown extends HeapItem {
  readonly userId: number;
  readonly symbolId: number;
  /** ms: the first command with ts ≥ deadline cancels the user's orders on the symbol */
  deadline: number;
}

/** Everything that is money, in one place. */
export class SequencerState {
  lastSeq = 0;
  nextTradeId = 1;
  /** orders the engine makes itself (liquidation, ADL) get ids −1, −2, … (gateway ids are > 0) */
  nextEngineOrderId = 1;
  /** Σ deposits − Σ withdrawals, micro-USDT */
  netDeposits = 0;
  insuranceFund = 0;
  feeAccount = 0;
  /** counts mark changes (derived, never encoded): the margin cache's totals at mark are per stamp */
  markStamp = 0;
  readonly symbols = new Map<number, SymbolState>();
  readonly accounts = new Map<number, Account>();
  /** every open order by orderId, in placement order */
  readonly orders = new Map<number, OpenOrder>();
  /** every untriggered conditional order by orderId, in placement order */
  readonly triggers = new Map<number, TriggerOrder>();
  /** armed dead-man switches by `${userId}:${symbolId}`, in arming order */
  readonly countdowns = new Map<string, Countdown>();
  /** deposit txIds and withdrawal ids ever applied (idempotency, for ever) */
  readonly txIds = new Set<string>();
  readonly withdrawIds = new Set<string>();

  position(account: Account, sym: SymbolState): Position {
    let p = account.positions.get(sym.inst.symbolId);
    if (p === undefined) {
      p = newPosition(account, sym.inst);
      account.positions.set(sym.inst.symbolId, p);
      // flat, no orders: all its cached figures are 0, so the account's totals stay valid
      if (account.mValid) p.owner = account;
    }
    return p;
  }
}

/** The position record of an order's owner (exists for every open order; a miss is a bug). */
export function positionOf(st: SequencerState, userId: number, symbolId: number): Position {
  const p = st.accounts.get(userId)?.positions.get(symbolId);
  if (p === undefined) throw new Error(`no position record for user ${userId} symbol ${symbolId}`);
  return p;
}

// The contract between the sequencer side and an order book (fast book, reference book, or a book behind
// a worker's rings). Owner: each book is written only by the thread that owns its symbol shard.
//
// The matcher knows nothing of margin, positions or reduce-only: the sequencer has already checked and
// reserved for every order it sends. A MARKET order arrives as an IOC limit order whose price is the
// market-take bound (mark × (1 ± marketTakeBound)) computed by the sequencer.
//
// Units: price and qty are safe integers (instrument price/qty units); ids are safe integers.
// Events are reported synchronously, in order, through the sink, during the call that causes them.
import type { Side, StpMode, TimeInForce } from "@perpx/shared/domain";

/** Final or resting state of the command's own order, reported once per place/amend. */
export const PlaceOutcome = {
  /** rests in the book with `remaining` (possibly after partial fills) */
  RESTING: 0,
  /** completely filled */
  FILLED: 1,
  /** IOC/market remainder expired (may have partial fills) */
  EXPIRED: 2,
  /** GTX that would take: nothing happened */
  POST_ONLY_REJECTED: 3,
  /** FOK that could not fill completely: nothing happened */
  FOK_REJECTED: 4,
  /** taker expired by self-trade prevention (EXPIRE_TAKER / EXPIRE_BOTH); may have partial fills */
  EXPIRED_IN_MATCH: 5,
  /** duplicate orderId already in the book: nothing happened */
  DUPLICATE_ID: 6,
} as const;
export type PlaceOutcome = (typeof PlaceOutcome)[keyof typeof PlaceOutcome];

export interface BookSink {
  /** One fill. makerRemaining is the maker's remaining qty after this fill (0 = maker removed). */
  trade(
    makerOrderId: number,
    makerUserId: number,
    takerOrderId: number,
    takerUserId: number,
    takerSide: Side,
    price: number,
    qty: number,
    makerRemaining: number,
  ): void;
  /** A resting order left the book without a fill: STP EXPIRE_MAKER/EXPIRE_BOTH, cancel, cancel-all. */
  removed(orderId: number, userId: number, remaining: number, reason: RemoveReason): void;
  /** The command's own order: outcome, filled qty in this command, remaining qty (resting or expired). */
  outcome(orderId: number, userId: number, outcome: PlaceOutcome, filled: number, remaining: number): void;
  /**
   * A price level whose total quantity changed during the command, reported once per level per
   * command after matching, with the absolute new total (0 = level gone), and the book update id
   * assigned to the command (one id per command that changed the book; ids are consecutive per symbol).
   */
  level(side: Side, price: number, totalQty: number, updateId: number): void;
}

export const RemoveReason = {
  CANCELED: 0,
  EXPIRED_IN_MATCH: 1,
  /** amend that changed price or increased quantity: the order is removed and re-entered */
  AMENDED: 2,
} as const;
export type RemoveReason = (typeof RemoveReason)[keyof typeof RemoveReason];

export const CancelResult = { OK: 0, UNKNOWN_ORDER: 1 } as const;
export type CancelResult = (typeof CancelResult)[keyof typeof CancelResult];

export interface OrderBookApi {
  readonly symbolId: number;
  /** Place a limit order (market = IOC at the bound price). Reports trades, removals, levels, outcome. */
  place(
    orderId: number,
    userId: number,
    side: Side,
    price: number,
    qty: number,
    tif: TimeInForce,
    stp: StpMode,
    sink: BookSink,
  ): void;
  /** Cancel one resting order of `userId` (another user's order is UNKNOWN_ORDER). Reports removed + levels. */
  cancel(orderId: number, userId: number, sink: BookSink): CancelResult;
  /** Cancel every resting order of the user; returns how many. Reports removed + levels. */
  cancelAll(userId: number, sink: BookSink): number;
  /**
   * Amend a resting order to `price` and remaining quantity `remaining` (> 0). Same price and smaller
   * remaining keeps queue priority; anything else removes it (RemoveReason.AMENDED) and re-places it as
   * GTC with the same id and STP mode, so it may match. Reports like place (outcome included).
   */
  amend(orderId: number, userId: number, price: number, remaining: number, sink: BookSink): CancelResult;
  /** Best bid/ask price, or NaN when that side is empty. O(1). */
  bestBid(): number;
  bestAsk(): number;
  /** Remaining qty of a resting order, or 0. */
  remainingOf(orderId: number): number;
  /** Top `depth` levels per side, best first: [price, totalQty]. */
  depth(depth: number): { bids: [number, number][]; asks: [number, number][] };
  /** Last book update id assigned (0 before any). */
  readonly updateId: number;
  /**
   * What a hypothetical taker on `takerSide` would fill, walking the opposite side best first until the
   * filled price·qty sum reaches `maxQuoteUnits` (the last level partially, rounded down to whole qty
   * units), without changing the book. Used for impact bid/ask (SPEC §7).
   */
  impact(takerSide: Side, maxQuoteUnits: number): { qty: number; quoteUnits: number };
  /** Every resting order, in book order, for snapshots and state hashes. */
  forEachOrder(
    fn: (orderId: number, userId: number, side: Side, price: number, remaining: number) => void,
  ): void;
  /** Rebuild from a snapshot: orders in the order forEachOrder gave them, and the update id. */
  restore(
    orders: readonly {
      orderId: number;
      userId: number;
      side: Side;
      price: number;
      remaining: number;
      stp: StpMode;
    }[],
    updateId: number,
  ): void;
}

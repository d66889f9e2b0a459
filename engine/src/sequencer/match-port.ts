// The sequencer's view of the matchers. Owner: the sequencer builds requests and reads reports; each
// book behind the port is written only by the port's matcher (in-thread now, a worker shard later).
//
// Every order command is split in two halves (sequencer.ts):
//   prepare  pre-trade checks and reservation on the sequencer's state → one MatchRequest, or a reject;
//   settle   apply the MatchReport (trades, removals, outcome, levels) to balances, positions and orders.
// `execute` below runs one request synchronously. A pipelined port (worker rings) splits it into
// submit(request) and a later completion carrying the same report, and may let the sequencer prepare
// command M while an earlier command N is still in a matcher. Results equal sequential application iff:
//
//  1. Settles run strictly in command order (trade ids, fee account, event order are assigned there), and
//     requests reach each symbol's book in command order (book update ids and queue priority).
//  2. M is prepared before N is settled only if M's prepare reads nothing N's settle can change. N's settle
//     writes: N's user (wallet, positions, orders), every account with resting orders in N's symbol
//     (fills and STP removals change their wallets, positions, orders), and N's symbol's last trade price,
//     hence its mark whenever the mark depends on the last trade (today: a symbol without an index; with
//     the full SPEC §6 formula: always). M's prepare reads M's user in full (wallet, every position and
//     order aggregate, the marks of every symbol it holds) and M's symbol's mark (band, market bound).
//     So M may go early only if M's user is not N's user, holds no position and no resting order in N's
//     symbol, and M's symbol's mark cannot be moved by N. Otherwise the port waits for N's report.
//     (Cancels read only the order itself: a cancel of an order N cannot fill may always go early.)
//     The risk work after a command (risk-engine.ts) widens N's write set: trigger orders fired by N's
//     trades (any user with triggers in N's symbol), and liquidations of any account N touched or whose
//     index key N's mark change crossed (any symbol those accounts hold). A pipelined port must treat a
//     command that can trade or move a mark as a barrier for every later prepare unless it can show
//     the risk work found nothing to do.
//  3. Settle may issue follow-up requests on the same symbol, which never match: amends that shrink or
//     cancels of resting reduce-only orders (kept within their positions), and cancels of orders that lost
//     their reduce allowance when a position shrank and the account cannot fund them (settle.ts). They must
//     reach the book before any later command's request for that symbol, so a command that may trade
//     (PLACE, AMEND) is a barrier for its symbol's ring until it is settled; cancels are not.
//
// Reports are flat number records (stride REPORT_STRIDE) so a ring transport can copy them as they are.

import type { Side, StpMode, TimeInForce } from "@perpx/shared/domain";
import { Side as S } from "@perpx/shared/domain";
import type { BookSink, OrderBookApi, PlaceOutcome, RemoveReason } from "../matcher/book-api.js";
import { growF64 } from "../matcher/order-pool.js";

/** SAMPLE reads the book (best bid/ask, impact fills of `qty` quote units per side) and changes nothing. */
export const MatchOp = { PLACE: 1, CANCEL: 2, CANCEL_ALL: 3, AMEND: 4, SAMPLE: 5 } as const;
export type MatchOp = (typeof MatchOp)[keyof typeof MatchOp];

/** One book operation. Reused by the sequencer: a port must copy what it keeps past `execute`. */
export class MatchRequest {
  op: MatchOp = MatchOp.PLACE;
  symbolId = 0;
  orderId = 0;
  userId = 0;
  side: Side = S.BUY;
  /** limit price (PLACE, AMEND) */
  price = 0;
  /** quantity (PLACE), new remaining quantity (AMEND), or the impact notional in price·qty units (SAMPLE) */
  qty = 0;
  tif: TimeInForce = 0;
  stp: StpMode = 0;
}

export const ReportKind = { TRADE: 1, REMOVED: 2, OUTCOME: 3, LEVEL: 4, SAMPLE: 5 } as const;
export type ReportKind = (typeof ReportKind)[keyof typeof ReportKind];

/** Numbers per record: kind + up to 8 fields. */
export const REPORT_STRIDE = 9;

/**
 * What one request did, in the order the book reported it. Record layouts (field 0 = kind):
 *   TRADE    makerOrderId, makerUserId, takerOrderId, takerUserId, takerSide, price, qty, makerRemaining
 *   REMOVED  orderId, userId, remaining, reason (RemoveReason)
 *   OUTCOME  orderId, userId, outcome (PlaceOutcome), filled, remaining
 *   LEVEL    side, price, totalQty, updateId
 *   SAMPLE   bestBid, bestAsk (0 = side empty), impact bid qty, impact bid price·qty (a taker SELL),
 *            impact ask qty, impact ask price·qty (a taker BUY)
 * `result` is the CancelResult of CANCEL/AMEND or the count of CANCEL_ALL.
 */
export class MatchReport implements BookSink {
  /**
   * The records, `count × REPORT_STRIDE` numbers; slots past that are left over from earlier reports
   * (kept, not cleared: overwritten in place, so a warm report allocates nothing and clears in O(1)).
   *
   * A Float64Array, not a number[]: a JS array changes its elements kind (small integers → doubles) the
   * first time a record carries a double — a level's price or total read from the book's Float64Array
   * columns is one even when integral — and that transition, at a point that depends on when V8's
   * concurrent compiler finishes, let optimized code (OrderBook.match with MatchReport.trade/record
   * inlined, and Settler.trade) lose TRADE records: the book filled makers the sequencer never heard of
   * ("book does not hold order … the sequencer holds", "maker … remaining disagrees with book"; Node
   * 20.20, 1 process in ~10 at --interrupt-budget=3000, never with the array created double or with
   * either function kept out of TurboFan; the V8 defect itself is not pinned down). A typed array has
   * one representation for good.
   */
  data: Float64Array = new Float64Array(REPORT_STRIDE * 16);
  count = 0;
  result = 0;

  clear(): void {
    this.count = 0;
    this.result = 0;
  }

  /** The records only (tests: `data` may hold left-over slots beyond them). */
  records(): number[] {
    return Array.from(this.data.subarray(0, this.count * REPORT_STRIDE));
  }

  /** Appends one record (kind + 8 fields; unused fields 0). */
  record(
    k: number,
    a: number,
    b: number,
    c: number,
    d: number,
    e: number,
    f: number,
    g: number,
    h: number,
  ): void {
    const at = this.count * REPORT_STRIDE;
    if (at + REPORT_STRIDE > this.data.length) this.data = growF64(this.data, 2 * this.data.length);
    const data = this.data;
    data[at] = k;
    data[at + 1] = a;
    data[at + 2] = b;
    data[at + 3] = c;
    data[at + 4] = d;
    data[at + 5] = e;
    data[at + 6] = f;
    data[at + 7] = g;
    data[at + 8] = h;
    this.count++;
  }

  trade(
    makerOrderId: number,
    makerUserId: number,
    takerOrderId: number,
    takerUserId: number,
    takerSide: Side,
    price: number,
    qty: number,
    makerRemaining: number,
  ): void {
    this.record(
      ReportKind.TRADE,
      makerOrderId,
      makerUserId,
      takerOrderId,
      takerUserId,
      takerSide,
      price,
      qty,
      makerRemaining,
    );
  }
  removed(orderId: number, userId: number, remaining: number, reason: RemoveReason): void {
    this.record(ReportKind.REMOVED, orderId, userId, remaining, reason, 0, 0, 0, 0);
  }
  outcome(orderId: number, userId: number, outcome: PlaceOutcome, filled: number, remaining: number): void {
    this.record(ReportKind.OUTCOME, orderId, userId, outcome, filled, remaining, 0, 0, 0);
  }
  level(side: Side, price: number, totalQty: number, updateId: number): void {
    this.record(ReportKind.LEVEL, side, price, totalQty, updateId, 0, 0, 0, 0);
  }
  sample(book: OrderBookApi, maxQuoteUnits: number): void {
    const bid = book.bestBid();
    const ask = book.bestAsk();
    const sell = book.impact(S.SELL, maxQuoteUnits);
    const buy = book.impact(S.BUY, maxQuoteUnits);
    this.record(
      ReportKind.SAMPLE,
      Number.isNaN(bid) ? 0 : bid,
      Number.isNaN(ask) ? 0 : ask,
      sell.qty,
      sell.quoteUnits,
      buy.qty,
      buy.quoteUnits,
      0,
      0,
    );
  }

  kind(i: number): ReportKind {
    return this.data[i * REPORT_STRIDE] as ReportKind;
  }
  /** field 1..8 of record i */
  field(i: number, f: number): number {
    return this.data[i * REPORT_STRIDE + f]!;
  }
}

/** A book's content for snapshots: orders in book (priority) order, and its update id. */
export interface BookImage {
  updateId: number;
  orders: { orderId: number; userId: number; side: Side; price: number; remaining: number }[];
}

export interface MatchPort {
  /** Creates the (empty) book of a symbol; a no-op when it exists. */
  addSymbol(symbolId: number): void;
  /** Runs one request to completion and writes what happened into `report` (cleared first). */
  execute(req: Readonly<MatchRequest>, report: MatchReport): void;
  /** The book's content and update id (snapshots, state hash). */
  exportBook(symbolId: number): BookImage;
  /** Loads a book from an image; `stpOf` gives each order's STP mode (the sequencer keeps it). */
  importBook(symbolId: number, image: BookImage, stpOf: (orderId: number) => StpMode): void;
}

/** All books on the calling thread, one OrderBookApi per symbol built by `factory`. */
export class InThreadMatchPort implements MatchPort {
  private readonly books = new Map<number, OrderBookApi>();

  constructor(private readonly factory: (symbolId: number) => OrderBookApi) {}

  addSymbol(symbolId: number): void {
    if (!this.books.has(symbolId)) this.books.set(symbolId, this.factory(symbolId));
  }

  /** The book of a symbol (tests, read-only queries on the same thread). */
  book(symbolId: number): OrderBookApi {
    const b = this.books.get(symbolId);
    if (b === undefined) throw new RangeError(`no book for symbol ${symbolId}`);
    return b;
  }

  execute(req: Readonly<MatchRequest>, report: MatchReport): void {
    report.clear();
    const book = this.book(req.symbolId);
    switch (req.op) {
      case MatchOp.PLACE:
        book.place(req.orderId, req.userId, req.side, req.price, req.qty, req.tif, req.stp, report);
        return;
      case MatchOp.CANCEL:
        report.result = book.cancel(req.orderId, req.userId, report);
        return;
      case MatchOp.CANCEL_ALL:
        report.result = book.cancelAll(req.userId, report);
        return;
      case MatchOp.AMEND:
        report.result = book.amend(req.orderId, req.userId, req.price, req.qty, report);
        return;
      case MatchOp.SAMPLE:
        report.sample(book, req.qty);
        return;
    }
  }

  /** The book itself (snapshot encoding walks it without building an image). */
  bookOf(symbolId: number): OrderBookApi {
    return this.book(symbolId);
  }

  exportBook(symbolId: number): BookImage {
    const book = this.book(symbolId);
    const orders: BookImage["orders"] = [];
    book.forEachOrder((orderId, userId, side, price, remaining) => {
      orders.push({ orderId, userId, side, price, remaining });
    });
    return { updateId: book.updateId, orders };
  }

  importBook(symbolId: number, image: BookImage, stpOf: (orderId: number) => StpMode): void {
    this.addSymbol(symbolId);
    const orders = image.orders.map((o) => ({ ...o, stp: stpOf(o.orderId) }));
    this.book(symbolId).restore(orders, image.updateId);
  }
}

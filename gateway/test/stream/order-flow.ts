// A seeded random order flow driving the engine's ReferenceBook (one per symbol; the naive oracle of the
// matcher's differential test) and turning what it reports through BookSink into
// engine events, batched like the sequencer would: BOOK events with chained update ids (sometimes
// two commands merged into one event, firstUpdateId < lastUpdateId), TRADE events (a few flagged
// LIQUIDATION / ADL), occasional MARK events. Mix per command: 55 % resting limit near the mid, 15 %
// marketable IOC, 30 % cancel (more when the book grows past ~600 orders: the reference book is
// O(orders) per command); the mid random-walks.
import { type BookSink, PlaceOutcome } from "@perpx/engine/matcher/book-api";
import { ReferenceBook } from "@perpx/engine/matcher/reference-book";
import { seededRandom } from "@perpx/engine/util/prng";
import { type Instrument, notionalFactor, Side, StpMode, TimeInForce, TradeType } from "@perpx/shared/domain";
import { type BookEvent, type EngineEvent, Ev, type TradeEvent } from "@perpx/shared/events";

/** mulberry32 (engine/src/util/prng.ts) */
export const rng = seededRandom;

interface SymbolState {
  inst: Instrument;
  book: ReferenceBook;
  /** resting orders: id → user, kept from what the book reports */
  resting: Map<number, number>;
  mid: number;
  /** lastUpdateId of the last BOOK event emitted */
  lastU: number;
  trades: number;
  forced: number;
  marks: number;
  /** mark price of the last MARK event */
  lastMark: number;
}

export class OrderFlow {
  readonly symbols: SymbolState[];
  orders = 0;
  private seq = 0;
  private nextOrderId = 1;
  private nextTradeId = 1;
  private readonly rand: () => number;

  constructor(
    seed: number,
    instruments: readonly Instrument[],
    private readonly t0 = Date.now(),
  ) {
    this.rand = rng(seed);
    this.symbols = instruments.map((inst) => ({
      inst,
      book: new ReferenceBook(inst.symbolId),
      resting: new Map(),
      mid: 50_000 * 10 ** inst.priceDecimals,
      lastU: 0,
      trades: 0,
      forced: 0,
      marks: 0,
      lastMark: 0,
    }));
  }

  /** One batch of `commands` commands; returns its events in order. */
  nextBatch(commands: number): EngineEvent[] {
    const out: EngineEvent[] = [];
    for (let i = 0; i < commands; i++) {
      const s = this.symbols[Math.floor(this.rand() * this.symbols.length)]!;
      this.command(s, out);
    }
    return out;
  }

  private command(s: SymbolState, out: EngineEvent[]): void {
    const r = this.rand;
    const seq = ++this.seq;
    const ts = this.t0 + seq;
    const inst = s.inst;
    const events: { book?: BookEvent } = {};
    const trades: TradeEvent[] = [];
    let forced: TradeType = TradeType.NORMAL;
    const sink: BookSink = {
      trade: (
        makerOrderId,
        makerUserId,
        takerOrderId,
        takerUserId,
        takerSide,
        price,
        qty,
        makerRemaining,
      ) => {
        if (makerRemaining === 0) s.resting.delete(makerOrderId);
        const buyIsTaker = takerSide === Side.BUY;
        trades.push({
          ev: Ev.TRADE,
          seq,
          ts,
          tradeId: this.nextTradeId++,
          symbolId: inst.symbolId,
          type: forced,
          price,
          qty,
          quote: price * qty * notionalFactor(inst),
          buyOrderId: buyIsTaker ? takerOrderId : makerOrderId,
          sellOrderId: buyIsTaker ? makerOrderId : takerOrderId,
          buyUserId: buyIsTaker ? takerUserId : makerUserId,
          sellUserId: buyIsTaker ? makerUserId : takerUserId,
          makerSide: buyIsTaker ? Side.SELL : Side.BUY,
          buyFee: 0,
          sellFee: 0,
          buyRealizedPnl: 0,
          sellRealizedPnl: 0,
        });
      },
      removed: (orderId) => {
        s.resting.delete(orderId);
      },
      outcome: (orderId, userId, outcome) => {
        if (outcome === PlaceOutcome.RESTING) s.resting.set(orderId, userId);
      },
      level: (side, price, totalQty, updateId) => {
        if (!events.book) {
          events.book = {
            ev: Ev.BOOK,
            seq,
            ts,
            symbolId: inst.symbolId,
            firstUpdateId: updateId,
            lastUpdateId: updateId,
            prevUpdateId: s.lastU,
            bids: [],
            asks: [],
          };
        }
        (side === Side.BUY ? events.book.bids : events.book.asks).push([price, totalQty]);
      },
    };
    const tick = inst.tickUnits;
    s.mid += Math.round((r() - 0.5) * 3) * tick;
    const resting = s.resting.size;
    const x = r();
    const cancelShare = resting > 600 ? 0.6 : 0.3;
    if (x < cancelShare && resting > 0) {
      // cancel a pseudo-random resting order (iteration order is insertion order: skip a few)
      let skip = Math.floor(r() * Math.min(resting, 64));
      for (const [id, userId] of s.resting) {
        if (skip-- > 0) continue;
        s.book.cancel(id, userId, sink);
        break;
      }
    } else {
      this.orders++;
      const side = r() < 0.5 ? Side.BUY : Side.SELL;
      const qty = (1 + Math.floor(r() * 50)) * inst.stepUnits;
      const userId = 1 + Math.floor(r() * 20);
      if (x < cancelShare + 0.15) {
        const far = side === Side.BUY ? s.mid + 30 * tick : s.mid - 30 * tick;
        const y = r();
        forced = y < 0.03 ? TradeType.LIQUIDATION : y < 0.05 ? TradeType.ADL : TradeType.NORMAL;
        s.book.place(this.nextOrderId++, userId, side, far, qty, TimeInForce.IOC, StpMode.NONE, sink);
      } else {
        // most orders near the mid, one in five far out (deep books: levels surface into the top 25)
        const off = (1 + Math.floor(r() * (r() < 0.8 ? 40 : 400))) * tick;
        const price = side === Side.BUY ? s.mid - off + 2 * tick : s.mid + off - 2 * tick;
        s.book.place(this.nextOrderId++, userId, side, price, qty, TimeInForce.GTC, StpMode.NONE, sink);
      }
    }
    for (const t of trades) {
      out.push(t);
      s.trades++;
      if (t.type !== TradeType.NORMAL) s.forced++;
    }
    const book = events.book;
    if (book) {
      const prev = out[out.length - 1];
      // sometimes merge with the previous BOOK event of the same symbol (an engine batching ids)
      if (prev?.ev === Ev.BOOK && prev.symbolId === book.symbolId && r() < 0.3) {
        mergeInto(prev, book);
      } else {
        out.push(book);
      }
      s.lastU = book.lastUpdateId;
    }
    if (r() < 0.01) {
      s.marks++;
      s.lastMark = s.mid;
      out.push({
        ev: Ev.MARK,
        seq,
        ts,
        symbolId: inst.symbolId,
        markPrice: s.mid,
        indexPrice: s.mid + tick,
        lastPrice: s.mid,
        fundingRate: 10_000,
        nextFundingTime: this.t0 + 8 * 3_600_000,
      });
    }
  }
}

/** Folds `next` into `prev` (absolute quantities: the later value of a price wins). */
function mergeInto(prev: BookEvent, next: BookEvent): void {
  const merge = (a: [number, number][], b: [number, number][]) => {
    const m = new Map(a);
    for (const [p, q] of b) m.set(p, q);
    return [...m];
  };
  prev.bids = merge(prev.bids, next.bids);
  prev.asks = merge(prev.asks, next.asks);
  prev.lastUpdateId = next.lastUpdateId;
  prev.ts = next.ts;
  prev.seq = next.seq;
}

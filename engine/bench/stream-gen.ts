// Seeded generator of exchange-core-like order-book command streams (SPEC §13), shared by the book
// benchmarks and reusable for a "book behind rings + worker" bench: generateStream(seed, variant) returns
// the whole stream as typed arrays of primitives, built before any timing.
//
// Modelled on exchange-core's TestOrdersGenerator: it simulates the book while generating (here with our
// own OrderBook), so every cancel and amend names an order resting at that moment; the moving price is
// the last trade price; GTC prices are bell-shaped around it on the passive side, up to `deviation`
// ticks away; IOC orders are market-like (limit = last trade ± 5%); sizes are 1 + r6·r6·r6; an amend is
// a MOVE: the price steps 1% of the way (at least one tick) towards the last trade, same qty. Streams
// use STP NONE and GTC/IOC only, so any engine with plain price-time priority evolves the same book
// (the benchmark checks the final depth against the peer's).
//
// Variants (all: 9% GTC / 3% IOC / 6% cancel / 82% amend after the prefill; the mix bends a little to
// hold the book near its size, and the benchmark prints the mix it really got):
//   mixed        ~1 000 resting orders, deviation 750 ticks (exchange-core's single-pair setup)
//   deep         ~10 000 orders on 10 levels (5 per side, ~1 000 orders each); amends hop to another
//                of the 5 levels of their side instead of stepping towards the last trade
//   many-levels  ~20 000 orders spread uniformly over 10 000 ticks per side: ~10 000+ levels
import { Side, StpMode, TimeInForce } from "@perpx/shared/domain";
import type { BookSink } from "../src/matcher/book-api.js";
import { OrderBook } from "../src/matcher/order-book.js";
import { Prng } from "../src/util/prng.js";

export const StreamOp = { PLACE: 0, CANCEL: 1, AMEND: 2 } as const;
export type StreamOp = (typeof StreamOp)[keyof typeof StreamOp];

export type StreamVariant = "mixed" | "deep" | "many-levels";

/** One command per index. PLACE uses every column; CANCEL orderId/userId; AMEND orderId/userId/price/qty. */
export interface BookStream {
  readonly variant: StreamVariant;
  readonly seed: number;
  /** the first `prefill` commands are GTC places that build the book (benchmarks do not time them) */
  readonly prefill: number;
  readonly length: number;
  readonly op: Uint8Array;
  readonly orderId: Float64Array;
  readonly userId: Float64Array;
  readonly side: Uint8Array;
  /** PLACE: limit price; AMEND: new price (always different from the current one) */
  readonly price: Float64Array;
  /** PLACE: qty; AMEND: new remaining qty (the current one: a pure price move) */
  readonly qty: Float64Array;
  /** PLACE: TimeInForce.GTC or TimeInForce.IOC */
  readonly tif: Uint8Array;
}

interface Params {
  /** resting orders after the prefill; the stream steers the book around this size */
  orders: number;
  /** GTC prices sit up to this many ticks from the last trade */
  deviation: number;
  /** deep variant: GTC and amends use only offsets 1..levels from the (fixed) centre */
  levels: number;
  /** GTC offsets uniform in 1..deviation instead of exchange-core's bell (spreads the book wide) */
  uniform: boolean;
  users: number;
  /** default number of commands after the prefill */
  ops: number;
}

const PARAMS: Record<StreamVariant, Params> = {
  mixed: { orders: 1_000, deviation: 750, levels: 0, uniform: false, users: 1_000, ops: 300_000 },
  deep: { orders: 10_000, deviation: 0, levels: 5, uniform: false, users: 1_000, ops: 30_000 },
  "many-levels": { orders: 20_000, deviation: 10_000, levels: 0, uniform: true, users: 1_000, ops: 200_000 },
};

/** Default length (commands after the prefill) of each variant in the benchmarks. */
export function defaultOps(variant: StreamVariant): number {
  return PARAMS[variant].ops;
}

const MID = 1_000_000; // price units
const MARKET_BOUND = MID / 20; // IOC limit: last trade ± 5%

/** Follows the simulated book through the sink: remaining qty per resting order id, live id set. */
class Tracker implements BookSink {
  readonly rem: Float64Array;
  readonly live: number[] = [];
  lastTrade = MID;
  private readonly pos: Int32Array;

  constructor(maxId: number) {
    this.rem = new Float64Array(maxId + 1);
    this.pos = new Int32Array(maxId + 1).fill(-1);
  }
  trade(
    makerOrderId: number,
    _mu: number,
    _t: number,
    _tu: number,
    _s: number,
    _p: number,
    _q: number,
    left: number,
  ): void {
    this.rem[makerOrderId] = left;
    if (left === 0) this.drop(makerOrderId);
  }
  removed(orderId: number): void {
    this.rem[orderId] = 0;
    this.drop(orderId);
  }
  outcome(orderId: number, _u: number, outcome: number, _f: number, remaining: number): void {
    if (outcome !== 0) return; // PlaceOutcome.RESTING
    this.rem[orderId] = remaining;
    if (this.pos[orderId] === -1) {
      this.pos[orderId] = this.live.length;
      this.live.push(orderId);
    }
  }
  level(): void {}
  private drop(id: number): void {
    const i = this.pos[id]!;
    if (i < 0) return;
    const last = this.live.pop()!;
    if (last !== id) {
      this.live[i] = last;
      this.pos[last] = i;
    }
    this.pos[id] = -1;
  }
}

/** Builds the stream: `ops` commands after the prefill (default: the variant's benchmark length). */
export function generateStream(seed: number, variant: StreamVariant, ops = PARAMS[variant].ops): BookStream {
  const p = PARAMS[variant];
  const length = p.orders + ops;
  const s = {
    variant,
    seed,
    prefill: p.orders,
    length,
    op: new Uint8Array(length),
    orderId: new Float64Array(length),
    userId: new Float64Array(length),
    side: new Uint8Array(length),
    price: new Float64Array(length),
    qty: new Float64Array(length),
    tif: new Uint8Array(length),
  };
  const rng = new Prng(seed);
  const book = new OrderBook(1, { capacity: p.orders * 2 });
  const t = new Tracker(length);
  const userOf = new Float64Array(length + 1);
  const sideOf = new Uint8Array(length + 1);
  const priceOf = new Float64Array(length + 1);
  let nextId = 1;
  // exchange-core: dev = 1 + r²·deviation, p = mean of 4 draws in [0, dev) × 2 − dev, on the passive side
  const gtcOffset = (): number => {
    if (p.levels > 0) return 1 + rng.int(p.levels);
    if (p.uniform) return 1 + rng.int(p.deviation);
    const dev = 1 + Math.floor(rng.next() ** 2 * p.deviation);
    const sum = rng.int(dev) + rng.int(dev) + rng.int(dev) + rng.int(dev);
    return Math.abs(Math.floor(sum / 4) * 2 - dev);
  };
  const size = (): number => 1 + rng.int(6) * rng.int(6) * rng.int(6);

  for (let i = 0; i < length; i++) {
    // the deep variant keeps its few levels around a fixed centre
    const centre = p.levels > 0 ? MID : t.lastTrade;
    let op: StreamOp;
    if (i < p.orders) op = StreamOp.PLACE;
    else {
      const r = rng.next();
      op = r < 0.12 ? StreamOp.PLACE : r < 0.18 ? StreamOp.CANCEL : StreamOp.AMEND;
      // hold the book near its size: a GTC becomes a cancel when crowded, a cancel a GTC when thin
      const n = t.live.length;
      if (op === StreamOp.PLACE && r < 0.09 && n > p.orders * 1.1) op = StreamOp.CANCEL;
      else if (op === StreamOp.CANCEL && n < p.orders * 0.9) op = StreamOp.PLACE;
      if (op !== StreamOp.PLACE && n === 0) op = StreamOp.PLACE;
    }
    s.op[i] = op;
    if (op === StreamOp.PLACE) {
      const id = nextId++;
      const side: Side = rng.chance(0.5) ? Side.BUY : Side.SELL;
      const ioc = i >= p.orders && rng.next() < 0.25; // 3 of the 12 points are IOC
      const away = ioc ? -MARKET_BOUND : gtcOffset();
      const price = side === Side.BUY ? centre - away : centre + away;
      const user = 1 + rng.int(p.users);
      s.orderId[i] = id;
      s.userId[i] = user;
      s.side[i] = side;
      s.price[i] = price;
      s.qty[i] = size();
      s.tif[i] = ioc ? TimeInForce.IOC : TimeInForce.GTC;
      userOf[id] = user;
      sideOf[id] = side;
      priceOf[id] = price;
      book.place(id, user, side, price, s.qty[i]!, s.tif[i] as TimeInForce, StpMode.NONE, t);
    } else {
      const id = t.live[rng.int(t.live.length)]!;
      s.orderId[i] = id;
      s.userId[i] = userOf[id]!;
      s.side[i] = sideOf[id]!;
      if (op === StreamOp.CANCEL) {
        book.cancel(id, userOf[id]!, t);
      } else {
        const prev = priceOf[id]!;
        let price: number;
        if (p.levels > 0) {
          // hop to another of the few levels of its side
          const side = sideOf[id] as Side;
          do price = side === Side.BUY ? centre - 1 - rng.int(p.levels) : centre + 1 + rng.int(p.levels);
          while (price === prev);
        } else {
          // exchange-core MOVE: 1% of the way to the last trade, at least one tick
          const move = (centre - prev) * 0.01;
          price =
            prev +
            (prev > centre ? Math.floor(move) : prev < centre ? Math.ceil(move) : rng.chance(0.5) ? 1 : -1);
        }
        const qty = t.rem[id]!;
        s.price[i] = price;
        s.qty[i] = qty;
        priceOf[id] = price;
        book.amend(id, userOf[id]!, price, qty, t);
      }
    }
  }
  return s;
}

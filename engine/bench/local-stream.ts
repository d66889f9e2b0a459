// A small seeded stream of matcher commands (place / cancel / amend / cancel-all) for the ring and worker
// tests and benches, stored column-wise in typed arrays so generating and reading it costs next to
// nothing next to the thing measured. Stand-in until engine/bench/stream-gen.ts (generateStream(seed,
// variant)) lands: anything that fills a MatcherCommandStream can feed sendCommand/applyCommand.
import { MatcherOp } from "@perpx/shared/codec/matcher/opcodes";
import type { Side, StpMode, TimeInForce } from "@perpx/shared/domain";
import type { BookSink, OrderBookApi } from "../src/matcher/book-api.js";
import type { MatcherEventSink } from "../src/matcher/matcher-events.js";
import type { ShardRouter } from "../src/matcher/shard-router.js";

export interface MatcherCommandStream {
  readonly length: number;
  /** MatcherOp.PLACE | CANCEL | CANCEL_ALL | AMEND */
  readonly op: Uint8Array;
  readonly symbolId: Uint32Array;
  readonly orderId: Float64Array;
  readonly userId: Float64Array;
  readonly side: Uint8Array;
  readonly price: Float64Array;
  /** PLACE: qty; AMEND: new remaining */
  readonly qty: Float64Array;
  readonly tif: Uint8Array;
  readonly stp: Uint8Array;
}

export interface LocalStreamOptions {
  symbols?: number;
  /** symbol ids are firstSymbolId … firstSymbolId + symbols − 1 (default 1) */
  firstSymbolId?: number;
  users?: number;
  /** mid price in ticks */
  mid?: number;
}

/** xorshift32 */
function rng(seed: number): () => number {
  let x = seed | 0 || 1;
  return () => {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    return x >>> 0;
  };
}

/**
 * ~50% passive limit places around the mid (a few IOC/FOK/GTX and crossing ones), ~35% cancels and
 * ~14% amends of recently placed orders (some already gone: UNKNOWN_ORDER), ~0.5% cancel-all.
 */
export function localStream(seed: number, length: number, o: LocalStreamOptions = {}): MatcherCommandStream {
  const symbols = o.symbols ?? 4;
  const firstSymbol = o.firstSymbolId ?? 1;
  const users = o.users ?? 50;
  const mid = o.mid ?? 100_000;
  const s: MatcherCommandStream = {
    length,
    op: new Uint8Array(length),
    symbolId: new Uint32Array(length),
    orderId: new Float64Array(length),
    userId: new Float64Array(length),
    side: new Uint8Array(length),
    price: new Float64Array(length),
    qty: new Float64Array(length),
    tif: new Uint8Array(length),
    stp: new Uint8Array(length),
  };
  const next = rng(seed);
  const RECENT = 1024;
  const recent = new Float64Array(RECENT); // orderId of recent places; user and symbol alongside
  const recentUser = new Float64Array(RECENT);
  const recentSymbol = new Uint32Array(RECENT);
  let placed = 0;
  let nextOrderId = 1;
  for (let i = 0; i < length; i++) {
    const r = next() % 1000;
    const k = placed > 0 ? (placed - 1 - (next() % Math.min(placed, RECENT))) % RECENT : 0;
    if (r < 500 || placed === 0) {
      const side = (next() & 1) as Side;
      const symbolId = firstSymbol + (next() % symbols);
      const aggressive = next() % 10 === 0;
      const away = aggressive ? -(next() % 5) : 1 + (next() % 50);
      const t = next() % 20;
      s.op[i] = MatcherOp.PLACE;
      s.symbolId[i] = symbolId;
      s.orderId[i] = nextOrderId;
      s.userId[i] = 1 + (next() % users);
      s.side[i] = side;
      s.price[i] = side === 0 ? mid - away : mid + away;
      s.qty[i] = 1 + (next() % 10);
      s.tif[i] = t < 16 ? 0 : t - 16; // mostly GTC, then IOC, FOK, GTX
      s.stp[i] = next() % 4;
      recent[placed % RECENT] = nextOrderId;
      recentUser[placed % RECENT] = s.userId[i]!;
      recentSymbol[placed % RECENT] = symbolId;
      placed++;
      nextOrderId++;
    } else if (r < 850) {
      s.op[i] = MatcherOp.CANCEL;
      s.symbolId[i] = recentSymbol[k]!;
      s.orderId[i] = recent[k]!;
      s.userId[i] = recentUser[k]!;
    } else if (r < 995) {
      s.op[i] = MatcherOp.AMEND;
      s.symbolId[i] = recentSymbol[k]!;
      s.orderId[i] = recent[k]!;
      s.userId[i] = recentUser[k]!;
      s.side[i] = next() & 1;
      s.price[i] = mid + (next() % 2 === 0 ? -1 : 1) * (1 + (next() % 50));
      s.qty[i] = 1 + (next() % 10);
    } else {
      s.op[i] = MatcherOp.CANCEL_ALL;
      s.symbolId[i] = firstSymbol + (next() % symbols);
      s.userId[i] = 1 + (next() % users);
    }
  }
  return s;
}

/** Sends command `i` with engine seq `seq`; false = back-pressure (drain and send again). */
export function sendCommand(router: ShardRouter, s: MatcherCommandStream, i: number, seq: number): boolean {
  switch (s.op[i]) {
    case MatcherOp.PLACE:
      return router.place(
        seq,
        s.symbolId[i]!,
        s.orderId[i]!,
        s.userId[i]!,
        s.side[i] as Side,
        s.price[i]!,
        s.qty[i]!,
        s.tif[i] as TimeInForce,
        s.stp[i] as StpMode,
      );
    case MatcherOp.CANCEL:
      return router.cancel(seq, s.symbolId[i]!, s.orderId[i]!, s.userId[i]!);
    case MatcherOp.AMEND:
      return router.amend(seq, s.symbolId[i]!, s.orderId[i]!, s.userId[i]!, s.price[i]!, s.qty[i]!);
    default:
      return router.cancelAll(seq, s.symbolId[i]!, s.userId[i]!);
  }
}

/**
 * Applies command `i` straight to a book on this thread, reporting what a worker would send back: the
 * reference the ring pipeline is compared with.
 */
export function applyCommand(
  book: (symbolId: number) => OrderBookApi,
  s: MatcherCommandStream,
  i: number,
  seq: number,
  sink: MatcherEventSink & BookSink,
): void {
  const b = book(s.symbolId[i]!);
  switch (s.op[i]) {
    case MatcherOp.PLACE:
      b.place(
        s.orderId[i]!,
        s.userId[i]!,
        s.side[i] as Side,
        s.price[i]!,
        s.qty[i]!,
        s.tif[i] as TimeInForce,
        s.stp[i] as StpMode,
        sink,
      );
      break;
    case MatcherOp.CANCEL:
      sink.cancelResult(s.orderId[i]!, b.cancel(s.orderId[i]!, s.userId[i]!, sink));
      break;
    case MatcherOp.AMEND:
      sink.amendResult(s.orderId[i]!, b.amend(s.orderId[i]!, s.userId[i]!, s.price[i]!, s.qty[i]!, sink));
      break;
    default:
      sink.cancelAllResult(s.userId[i]!, b.cancelAll(s.userId[i]!, sink));
  }
  sink.commandDone(seq);
}

// Read-only walks over the fast book's levels, best price first: depth, impact, FOK's fillable check and
// the snapshot iteration. Nothing here changes the book. Owner: called by OrderBook on its own thread.
import { Side, StpMode } from "@perpx/shared/domain";
import { mul, mulDiv } from "@perpx/shared/fixed";
import { NIL } from "./order-pool.js";
import type { PriceLevels } from "./price-levels.js";
import type { RestingOrders } from "./resting-orders.js";

/** Top `depth` levels of a side: [price, total qty], best first. */
export function topLevels(levels: PriceLevels, side: Side, depth: number): [number, number][] {
  const out: [number, number][] = [];
  levels.walkStart(side);
  for (let l = levels.walkNext(side); l !== NIL && out.length < depth; l = levels.walkNext(side)) {
    out.push([levels.price[l]!, levels.total[l]!]);
  }
  return out;
}

/** What a taker on takerSide would fill for at most maxQuoteUnits of price × qty (see book-api.ts). */
export function impactOf(
  levels: PriceLevels,
  takerSide: Side,
  maxQuoteUnits: number,
): { qty: number; quoteUnits: number } {
  const opposite = takerSide === Side.BUY ? Side.SELL : Side.BUY;
  let qty = 0;
  let quoteUnits = 0;
  levels.walkStart(opposite);
  for (let l = levels.walkNext(opposite); l !== NIL; l = levels.walkNext(opposite)) {
    const price = levels.price[l]!;
    const total = levels.total[l]!;
    const cost = mul(price, total);
    if (quoteUnits + cost <= maxQuoteUnits) {
      qty += total;
      quoteUnits += cost;
      continue;
    }
    const part = mulDiv(maxQuoteUnits - quoteUnits, 1, price, "floor");
    qty += part;
    quoteUnits += mul(part, price);
    break;
  }
  return { qty, quoteUnits };
}

/**
 * What a taker would really fill within its price, counting until `qty` is reached: all qty under
 * NONE; other users' qty under EXPIRE_MAKER (own orders would be removed); under EXPIRE_TAKER and
 * EXPIRE_BOTH only the qty before the first own order (the taker would stop there).
 */
export function fillableQty(
  store: RestingOrders,
  side: Side,
  price: number,
  userId: number,
  stp: StpMode,
  qty: number,
): number {
  const { levels, pool } = store;
  const buy = side === Side.BUY;
  const opposite = buy ? Side.SELL : Side.BUY;
  let sum = 0;
  levels.walkStart(opposite);
  for (let l = levels.walkNext(opposite); l !== NIL; l = levels.walkNext(opposite)) {
    const lp = levels.price[l]!;
    if (buy ? lp > price : lp < price) break;
    if (stp === StpMode.NONE) {
      sum += levels.total[l]!;
      if (sum >= qty) return sum;
      continue;
    }
    for (let o = levels.head[l]!; o !== NIL; o = pool.next[o]!) {
      if (pool.userId[o] === userId) {
        if (stp === StpMode.EXPIRE_MAKER) continue;
        return sum;
      }
      sum += pool.remaining[o]!;
      if (sum >= qty) return sum;
    }
  }
  return sum;
}

/** Every resting order: bids best first, then asks best first, FIFO within a level. */
export function forEachResting(
  store: RestingOrders,
  fn: (orderId: number, userId: number, side: Side, price: number, remaining: number) => void,
): void {
  const { levels, pool } = store;
  for (const side of [Side.BUY, Side.SELL] as const) {
    levels.walkStart(side);
    for (let l = levels.walkNext(side); l !== NIL; l = levels.walkNext(side)) {
      for (let o = levels.head[l]!; o !== NIL; o = pool.next[o]!) {
        fn(pool.orderId[o]!, pool.userId[o]!, side, pool.price[o]!, pool.remaining[o]!);
      }
    }
  }
}

// State hash of an order book (any OrderBookApi): FNV-1a over its update id and every resting order in
// book order (forEachOrder). Two books with the same hash hold the same orders in the same priority;
// used by snapshot/restore and replay tests (STYLE: determinism is a test).

import type { OrderBookApi } from "./book-api.js";

const FNV_OFFSET = 0x811c9dc5;
const FNV_PRIME = 0x01000193;
const TWO_32 = 4294967296;

export function bookStateHash(book: OrderBookApi): number {
  let h = FNV_OFFSET;
  // each value is a safe integer: hash its low and high 32-bit halves, byte by byte
  const mix = (x: number): void => {
    const lo = x >>> 0;
    const hi = Math.floor(x / TWO_32) >>> 0;
    for (let k = 0; k < 32; k += 8) h = Math.imul(h ^ ((lo >>> k) & 0xff), FNV_PRIME);
    for (let k = 0; k < 32; k += 8) h = Math.imul(h ^ ((hi >>> k) & 0xff), FNV_PRIME);
  };
  mix(book.updateId);
  book.forEachOrder((orderId, userId, side, price, remaining) => {
    mix(orderId);
    mix(userId);
    mix(side);
    mix(price);
    mix(remaining);
  });
  return h >>> 0;
}

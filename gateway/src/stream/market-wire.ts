// Public market-data messages (SPEC §9), as JSON text built once per update and published to every
// subscriber. Prices carry the tick's decimals, quantities the step's, money 6 decimals (shared/fixed).
// Channel names and decimal strings need no JSON escaping (instrument symbols are [A-Z0-9]), so the hot
// messages are built with templates instead of JSON.stringify.
import { crc32 } from "@perpx/shared/crc32";
import { type Instrument, Side, TRADE_TYPE_NAMES } from "@perpx/shared/domain";
import type { MarkEvent, TradeEvent } from "@perpx/shared/events";
import { formatDecimal, formatRate } from "@perpx/shared/fixed";
import type { LevelSide } from "./l2-book.js";

/** Levels per side covered by the depth checksum `cs`. */
export const CHECKSUM_LEVELS = 25;

export const priceText = (inst: Instrument, price: number): string =>
  formatDecimal(price, inst.priceDecimals);
export const qtyText = (inst: Instrument, qty: number): string => formatDecimal(qty, inst.qtyDecimals);

/** `[["p","q"],…]` for [price, qty] pairs. */
export function levelsJson(inst: Instrument, levels: readonly (readonly [number, number])[]): string {
  let s = "[";
  for (let i = 0; i < levels.length; i++) {
    const [p, q] = levels[i]!;
    s += `${i ? "," : ""}["${priceText(inst, p)}","${qtyText(inst, q)}"]`;
  }
  return `${s}]`;
}

/** `[["p","q"],…]` for the best `limit` levels of a side, without an intermediate array. */
export function sideJson(inst: Instrument, side: LevelSide, limit: number): string {
  const n = Math.min(limit, side.size);
  let s = "[";
  for (let i = 0; i < n; i++) {
    s += `${i ? "," : ""}["${priceText(inst, side.priceAt(i))}","${qtyText(inst, side.qtyAtIndex(i))}"]`;
  }
  return `${s}]`;
}

/**
 * CRC32 of `b1p:b1q:a1p:a1q:b2p:b2q:…` over the top CHECKSUM_LEVELS bids and asks (best first), wire
 * strings, a missing level skipped, items joined by ":" (SPEC §9). Chained so no string is built.
 */
export function depthChecksum(inst: Instrument, bids: LevelSide, asks: LevelSide): number {
  let crc = 0;
  let first = true;
  const item = (text: string) => {
    crc = first ? crc32(text) : crc32(text, crc32(":", crc));
    first = false;
  };
  for (let i = 0; i < CHECKSUM_LEVELS; i++) {
    if (i < bids.size) {
      item(priceText(inst, bids.priceAt(i)));
      item(qtyText(inst, bids.qtyAtIndex(i)));
    }
    if (i < asks.size) {
      item(priceText(inst, asks.priceAt(i)));
      item(qtyText(inst, asks.qtyAtIndex(i)));
    }
  }
  return crc;
}

export function depthDiffJson(
  channel: string,
  U: number,
  u: number,
  pu: number,
  bidsJson: string,
  asksJson: string,
  E: number,
  cs: number,
): string {
  return `{"channel":"${channel}","U":${U},"u":${u},"pu":${pu},"b":${bidsJson},"a":${asksJson},"E":${E},"cs":${cs}}`;
}

export function depthSnapshotJson(
  channel: string,
  lastUpdateId: number,
  bidsJson: string,
  asksJson: string,
  E: number,
  cs: number,
): string {
  return `{"channel":"${channel}","type":"snapshot","lastUpdateId":${lastUpdateId},"bids":${bidsJson},"asks":${asksJson},"E":${E},"cs":${cs}}`;
}

export function depth20Json(
  channel: string,
  lastUpdateId: number,
  bidsJson: string,
  asksJson: string,
  E: number,
) {
  return `{"channel":"${channel}","lastUpdateId":${lastUpdateId},"bids":${bidsJson},"asks":${asksJson},"E":${E}}`;
}

/** `trades:SYM`: t trade id, p, q, m = buyer is maker, T trade time, X NORMAL | LIQUIDATION | ADL. */
export function tradeJson(channel: string, inst: Instrument, ev: TradeEvent): string {
  return `{"channel":"${channel}","t":${ev.tradeId},"p":"${priceText(inst, ev.price)}","q":"${qtyText(inst, ev.qty)}","m":${ev.makerSide === Side.BUY},"T":${ev.ts},"X":"${TRADE_TYPE_NAMES[ev.type]}"}`;
}

/**
 * `forceOrder:SYM`, one per LIQUIDATION or ADL fill: S is the side of the engine's forced (taking)
 * order, i.e. the opposite of the maker side.
 */
export function forceOrderJson(channel: string, inst: Instrument, ev: TradeEvent): string {
  const side = ev.makerSide === Side.BUY ? "SELL" : "BUY";
  return `{"channel":"${channel}","t":${ev.tradeId},"X":"${TRADE_TYPE_NAMES[ev.type]}","S":"${side}","p":"${priceText(inst, ev.price)}","q":"${qtyText(inst, ev.qty)}","T":${ev.ts}}`;
}

/** `markPrice:SYM`: p mark, i index, r predicted funding rate, T next funding time, E event time. */
export function markPriceJson(channel: string, inst: Instrument, ev: MarkEvent): string {
  return `{"channel":"${channel}","p":"${priceText(inst, ev.markPrice)}","i":"${priceText(inst, ev.indexPrice)}","r":"${formatRate(ev.fundingRate)}","T":${ev.nextFundingTime},"E":${ev.ts}}`;
}

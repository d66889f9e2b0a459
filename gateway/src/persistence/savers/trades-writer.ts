// Saver `matching_engine_saver_trades`: owns `trades` (TRADE events; a trade never changes, so a row is
// inserted once and a duplicate key keeps the existing row).
import type { PositionedEvent } from "@perpx/engine/log/kafka/event-message";
import { SIDE_NAMES, TRADE_TYPE_NAMES } from "@perpx/shared/domain";
import { Ev, type TradeEvent } from "@perpx/shared/events";
import type { PoolConnection } from "../db.js";
import { nameOf, type Row, upsert } from "./bulk.js";
import type { TableWriter } from "./mysql-saver.js";

const COLS = [
  "trade_id",
  "symbol_id",
  "type",
  "price",
  "qty",
  "quote",
  "buy_order_id",
  "sell_order_id",
  "buy_user_id",
  "sell_user_id",
  "maker_side",
  "buy_fee",
  "sell_fee",
  "buy_realized_pnl",
  "sell_realized_pnl",
  "seq",
  "trade_time",
] as const;

export function tradeRow(e: TradeEvent): Row {
  return [
    e.tradeId,
    e.symbolId,
    nameOf(TRADE_TYPE_NAMES, e.type),
    e.price,
    e.qty,
    e.quote,
    e.buyOrderId,
    e.sellOrderId,
    e.buyUserId,
    e.sellUserId,
    nameOf(SIDE_NAMES, e.makerSide),
    e.buyFee,
    e.sellFee,
    e.buyRealizedPnl,
    e.sellRealizedPnl,
    e.seq,
    e.ts,
  ];
}

export const tradesWriter: TableWriter = {
  async write(conn: PoolConnection, events: readonly PositionedEvent[]): Promise<number> {
    const rows: Row[] = [];
    for (const { ev } of events) if (ev.ev === Ev.TRADE) rows.push(tradeRow(ev));
    return upsert(conn, "trades", COLS, rows, []);
  },
};

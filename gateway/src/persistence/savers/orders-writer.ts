// Saver `matching_engine_saver_orders`: owns `orders` (ORDER events: the latest state of each order) and
// `instruments` (INSTRUMENT events).
import type { PositionedEvent } from "@perpx/engine/log/kafka/event-message";
import {
  ORDER_STATUS_NAMES,
  ORDER_TYPE_NAMES,
  SIDE_NAMES,
  STP_NAMES,
  TIF_NAMES,
  WORKING_TYPE_NAMES,
} from "@perpx/shared/domain";
import { RejectReason, rejectReasonName } from "@perpx/shared/errors";
import { Ev, type InstrumentEvent, type OrderEvent } from "@perpx/shared/events";
import type { PoolConnection } from "../db.js";
import { bool, nameOf, type Row, upsert } from "./bulk.js";
import type { TableWriter } from "./mysql-saver.js";

const ORDER_COLS = [
  "order_id",
  "client_order_id",
  "user_id",
  "symbol_id",
  "side",
  "type",
  "time_in_force",
  "status",
  "price",
  "stop_price",
  "orig_qty",
  "executed_qty",
  "cum_quote_units",
  "reduce_only",
  "close_position",
  "working_type",
  "stp_mode",
  "reject_reason",
  "create_time",
  "update_time",
  "seq",
] as const;
const ORDER_UPDATE = ORDER_COLS.slice(4).filter((c) => c !== "create_time");

function rejectName(code: number): string | null {
  if (code === RejectReason.NONE) return null;
  try {
    return rejectReasonName(code);
  } catch {
    return `UNKNOWN_${code}`;
  }
}

export function orderRow(e: OrderEvent): Row {
  return [
    e.orderId,
    e.clientOrderId,
    e.userId,
    e.symbolId,
    nameOf(SIDE_NAMES, e.side),
    nameOf(ORDER_TYPE_NAMES, e.type),
    nameOf(TIF_NAMES, e.tif),
    nameOf(ORDER_STATUS_NAMES, e.status),
    e.price,
    e.stopPrice,
    e.origQty,
    e.executedQty,
    e.cumQuoteUnits,
    bool(e.reduceOnly),
    bool(e.closePosition),
    nameOf(WORKING_TYPE_NAMES, e.workingType),
    nameOf(STP_NAMES, e.stp),
    rejectName(e.rejectReason),
    e.createTime,
    e.ts,
    e.seq,
  ];
}

const INSTRUMENT_COLS = [
  "symbol_id",
  "symbol",
  "base_asset",
  "quote_asset",
  "tick_size",
  "step_size",
  "price_decimals",
  "qty_decimals",
  "definition",
  "seq",
  "update_time",
] as const;

function instrumentRow(e: InstrumentEvent): Row {
  const i = e.instrument;
  return [
    i.symbolId,
    i.symbol,
    i.baseAsset,
    i.quoteAsset,
    i.tickSize,
    i.stepSize,
    i.priceDecimals,
    i.qtyDecimals,
    JSON.stringify(i),
    e.seq,
    e.ts,
  ];
}

export const ordersWriter: TableWriter = {
  async write(conn: PoolConnection, events: readonly PositionedEvent[]): Promise<number> {
    // latest state per key; Map keeps first-insertion order, which is fine for independent keys
    const orders = new Map<number, Row>();
    const instruments = new Map<number, Row>();
    for (const { ev } of events) {
      if (ev.ev === Ev.ORDER) orders.set(ev.orderId, orderRow(ev));
      else if (ev.ev === Ev.INSTRUMENT) instruments.set(ev.instrument.symbolId, instrumentRow(ev));
    }
    return (
      (await upsert(
        conn,
        "instruments",
        INSTRUMENT_COLS,
        [...instruments.values()],
        INSTRUMENT_COLS.slice(1),
      )) + (await upsert(conn, "orders", ORDER_COLS, [...orders.values()], ORDER_UPDATE))
    );
  },
};

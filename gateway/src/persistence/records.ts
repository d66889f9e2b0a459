// Engine events → the read side's integer records (wire.ts), enums by name: what the notifier caches
// and publishes, identical to what the savers store and a rebuild reads back from MySQL.
import {
  MARGIN_TYPE_NAMES,
  ORDER_STATUS_NAMES,
  ORDER_TYPE_NAMES,
  SIDE_NAMES,
  STP_NAMES,
  TIF_NAMES,
  TRADE_TYPE_NAMES,
  WORKING_TYPE_NAMES,
} from "@perpx/shared/domain";
import { RejectReason, rejectReasonName } from "@perpx/shared/errors";
import type { OrderEvent, PositionEvent, TradeEvent } from "@perpx/shared/events";
import { nameOf } from "./savers/bulk.js";
import type { OrderRecord, PositionRecord, TradeRecord } from "./wire.js";

export function orderRecordOfEvent(e: OrderEvent): OrderRecord {
  return {
    orderId: e.orderId,
    clientOrderId: e.clientOrderId,
    userId: e.userId,
    symbolId: e.symbolId,
    side: nameOf(SIDE_NAMES, e.side),
    type: nameOf(ORDER_TYPE_NAMES, e.type),
    tif: nameOf(TIF_NAMES, e.tif),
    status: nameOf(ORDER_STATUS_NAMES, e.status),
    price: e.price,
    stopPrice: e.stopPrice,
    origQty: e.origQty,
    executedQty: e.executedQty,
    cumQuoteUnits: e.cumQuoteUnits,
    reduceOnly: e.reduceOnly,
    closePosition: e.closePosition,
    workingType: nameOf(WORKING_TYPE_NAMES, e.workingType),
    stp: nameOf(STP_NAMES, e.stp),
    rejectReason: e.rejectReason === RejectReason.NONE ? null : safeRejectName(e.rejectReason),
    createTime: e.createTime,
    updateTime: e.ts,
    seq: e.seq,
  };
}

export function safeRejectName(code: number): string {
  try {
    return rejectReasonName(code);
  } catch {
    return `UNKNOWN_${code}`;
  }
}

export function tradeRecordOfEvent(e: TradeEvent): TradeRecord {
  return {
    tradeId: e.tradeId,
    symbolId: e.symbolId,
    type: nameOf(TRADE_TYPE_NAMES, e.type),
    price: e.price,
    qty: e.qty,
    quote: e.quote,
    buyOrderId: e.buyOrderId,
    sellOrderId: e.sellOrderId,
    buyUserId: e.buyUserId,
    sellUserId: e.sellUserId,
    makerSide: nameOf(SIDE_NAMES, e.makerSide),
    buyFee: e.buyFee,
    sellFee: e.sellFee,
    buyRealizedPnl: e.buyRealizedPnl,
    sellRealizedPnl: e.sellRealizedPnl,
    time: e.ts,
  };
}

export function positionRecordOfEvent(e: PositionEvent): PositionRecord {
  return {
    userId: e.userId,
    symbolId: e.symbolId,
    qty: e.qty,
    entryValue: e.entryValue,
    marginType: nameOf(MARGIN_TYPE_NAMES, e.marginType),
    leverage: e.leverage,
    isolatedWallet: e.isolatedWallet,
    updateTime: e.ts,
    seq: e.seq,
  };
}

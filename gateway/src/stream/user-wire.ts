// Private `user` channel messages (SPEC §9): order updates, fills, position and balance changes with
// their reason, margin calls, funding payments, deposits, withdrawals, leverage changes and refused
// commands. Each message goes to one user's topic; every one carries `e` (kind), `seq` (engine sequence,
// for de-duplication after a reconnect) and `E` (engine time, ms). Ids of orders are u64 decimal strings.
import { Op } from "@perpx/shared/commands";
import {
  BALANCE_REASON_NAMES,
  type Instrument,
  MARGIN_TYPE_NAMES,
  namesOf,
  notionalFactor,
  ORDER_STATUS_NAMES,
  ORDER_TYPE_NAMES,
  SIDE_NAMES,
  Side,
  STP_NAMES,
  TIF_NAMES,
  TRADE_TYPE_NAMES,
  WORKING_TYPE_NAMES,
} from "@perpx/shared/domain";
import { rejectReasonName } from "@perpx/shared/errors";
import { type EngineEvent, Ev, type OrderEvent, type TradeEvent } from "@perpx/shared/events";
import { formatDecimal, formatMoney, formatRate, mul, mulDiv } from "@perpx/shared/fixed";
import { priceText, qtyText } from "./market-wire.js";

const OP_NAMES = namesOf(Op);
const AVG_DECIMALS = 8;

/** Σ price·qty / qty at 8 decimals, truncated (SPEC §2 average and entry prices). */
function avgPriceText(inst: Instrument, priceQtyUnits: number, qty: number): string {
  if (qty === 0) return formatDecimal(0, AVG_DECIMALS);
  const scale = 10 ** (AVG_DECIMALS - inst.priceDecimals);
  return formatDecimal(mulDiv(priceQtyUnits, scale, Math.abs(qty), "trunc"), AVG_DECIMALS);
}

function orderMessage(inst: Instrument, ev: OrderEvent): Record<string, unknown> {
  return {
    channel: "user",
    e: "order",
    seq: ev.seq,
    E: ev.ts,
    orderId: String(ev.orderId),
    clientOrderId: ev.clientOrderId,
    symbol: inst.symbol,
    side: SIDE_NAMES[ev.side],
    type: ORDER_TYPE_NAMES[ev.type],
    status: ORDER_STATUS_NAMES[ev.status],
    timeInForce: TIF_NAMES[ev.tif],
    price: priceText(inst, ev.price),
    stopPrice: priceText(inst, ev.stopPrice),
    origQty: qtyText(inst, ev.origQty),
    executedQty: qtyText(inst, ev.executedQty),
    avgPrice: avgPriceText(inst, ev.cumQuoteUnits, ev.executedQty),
    cumQuote: formatMoney(mul(ev.cumQuoteUnits, notionalFactor(inst))),
    reduceOnly: ev.reduceOnly,
    closePosition: ev.closePosition,
    workingType: WORKING_TYPE_NAMES[ev.workingType],
    selfTradePreventionMode: STP_NAMES[ev.stp],
    ...(ev.rejectReason ? { rejectReason: rejectReasonName(ev.rejectReason) } : {}),
    createTime: ev.createTime,
    updateTime: ev.ts,
  };
}

function fillMessage(inst: Instrument, ev: TradeEvent, side: Side): Record<string, unknown> {
  const buy = side === Side.BUY;
  return {
    channel: "user",
    e: "fill",
    seq: ev.seq,
    E: ev.ts,
    tradeId: ev.tradeId,
    orderId: String(buy ? ev.buyOrderId : ev.sellOrderId),
    symbol: inst.symbol,
    side: SIDE_NAMES[side],
    price: priceText(inst, ev.price),
    qty: qtyText(inst, ev.qty),
    quoteQty: formatMoney(ev.quote),
    commission: formatMoney(buy ? ev.buyFee : ev.sellFee),
    commissionAsset: inst.quoteAsset,
    realizedPnl: formatMoney(buy ? ev.buyRealizedPnl : ev.sellRealizedPnl),
    maker: ev.makerSide === side,
    type: TRADE_TYPE_NAMES[ev.type],
  };
}

/**
 * Encodes the user messages of one event, asking `wants(userId)` first so nothing is built for users
 * without a subscriber; calls `emit(userId, json)` once per message. Returns false for an event that
 * names an unknown symbol (skipped).
 */
export function encodeUserEvent(
  ev: EngineEvent,
  instrument: (symbolId: number) => Instrument | undefined,
  wants: (userId: number) => boolean,
  emit: (userId: number, json: string) => void,
): boolean {
  const send = (userId: number, build: () => Record<string, unknown>) => {
    if (wants(userId)) emit(userId, JSON.stringify(build()));
  };
  const head = { channel: "user", seq: ev.seq, E: ev.ts };
  switch (ev.ev) {
    case Ev.ORDER: {
      const inst = instrument(ev.symbolId);
      if (!inst) return false;
      send(ev.userId, () => orderMessage(inst, ev));
      return true;
    }
    case Ev.TRADE: {
      const inst = instrument(ev.symbolId);
      if (!inst) return false;
      send(ev.buyUserId, () => fillMessage(inst, ev, Side.BUY));
      send(ev.sellUserId, () => fillMessage(inst, ev, Side.SELL));
      return true;
    }
    case Ev.POSITION: {
      const inst = instrument(ev.symbolId);
      if (!inst) return false;
      send(ev.userId, () => ({
        ...head,
        e: "position",
        symbol: inst.symbol,
        positionAmt: qtyText(inst, ev.qty),
        entryPrice: avgPriceText(inst, ev.entryValue, ev.qty),
        marginType: MARGIN_TYPE_NAMES[ev.marginType],
        leverage: ev.leverage,
        isolatedWallet: formatMoney(ev.isolatedWallet),
        reason: BALANCE_REASON_NAMES[ev.reason],
      }));
      return true;
    }
    case Ev.BALANCE:
      send(ev.userId, () => ({
        ...head,
        e: "balance",
        asset: "USDT",
        walletBalance: formatMoney(ev.wallet),
        delta: formatMoney(ev.delta),
        reason: BALANCE_REASON_NAMES[ev.reason],
      }));
      return true;
    case Ev.MARGIN_CALL: {
      const inst = instrument(ev.symbolId);
      if (!inst) return false;
      send(ev.userId, () => ({
        ...head,
        e: "marginCall",
        symbol: inst.symbol,
        marginBalance: formatMoney(ev.marginBalance),
        maintMargin: formatMoney(ev.maintMargin),
      }));
      return true;
    }
    case Ev.FUNDING_PAYMENT: {
      const inst = instrument(ev.symbolId);
      if (!inst) return false;
      send(ev.userId, () => ({
        ...head,
        e: "funding",
        symbol: inst.symbol,
        fundingTime: ev.fundingTime,
        fundingRate: formatRate(ev.fundingRate),
        positionAmt: qtyText(inst, ev.positionQty),
        markPrice: priceText(inst, ev.markPrice),
        amount: formatMoney(ev.amount),
      }));
      return true;
    }
    case Ev.DEPOSIT:
      send(ev.userId, () => ({
        ...head,
        e: "deposit",
        txId: ev.txId,
        amount: formatMoney(ev.amount),
        walletBalance: formatMoney(ev.wallet),
      }));
      return true;
    case Ev.WITHDRAWAL:
      send(ev.userId, () => ({
        ...head,
        e: "withdrawal",
        withdrawId: ev.withdrawId,
        amount: formatMoney(ev.amount),
        walletBalance: formatMoney(ev.wallet),
      }));
      return true;
    case Ev.LEVERAGE: {
      const inst = instrument(ev.symbolId);
      if (!inst) return false;
      send(ev.userId, () => ({
        ...head,
        e: "leverage",
        symbol: inst.symbol,
        leverage: ev.leverage,
        marginType: MARGIN_TYPE_NAMES[ev.marginType],
      }));
      return true;
    }
    case Ev.REJECT:
      send(ev.userId, () => ({
        ...head,
        e: "reject",
        op: OP_NAMES[ev.op] ?? String(ev.op),
        reason: rejectReasonName(ev.reason),
        ref: ev.ref,
      }));
      return true;
    default:
      return true;
  }
}

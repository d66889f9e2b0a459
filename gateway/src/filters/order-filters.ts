// Gateway filter checks on orders (SPEC §4): symbol, parameter combinations, tick, lot, min notional
// and the price band against the read model's latest mark. The engine checks the band again with its
// own mark; with no mark yet the gateway skips the band (and the market min-notional) check.
import {
  type Instrument,
  type OrderType,
  OrderType as OT,
  Side,
  StpMode,
  TimeInForce as TIF,
  type TimeInForce,
  WorkingType,
} from "@perpx/shared/domain";
import { mulDiv, RATE_SCALE } from "@perpx/shared/fixed";
import { ApiError } from "../api-error.js";
import { notionalOf } from "../read-model/margin-math.js";
import type { ReadModel } from "../read-model/read-model.js";
import { type DecimalInput, priceUnits, qtyUnits, units } from "./decimals.js";

export interface OrderBody {
  symbol: string;
  side: keyof typeof Side;
  type: keyof typeof OT;
  quantity?: DecimalInput;
  price?: DecimalInput;
  stopPrice?: DecimalInput;
  timeInForce?: keyof typeof TIF;
  reduceOnly?: boolean;
  closePosition?: boolean;
  workingType?: keyof typeof WorkingType;
  callbackRate?: DecimalInput;
  activationPrice?: DecimalInput;
  clientOrderId?: string;
  selfTradePreventionMode?: keyof typeof StpMode;
  positionSide?: "BOTH";
}

/** The PLACE_ORDER fields the filters produce (ids, user and ts are added by the route). */
export interface CheckedOrder {
  inst: Instrument;
  side: Side;
  type: OrderType;
  tif: TimeInForce;
  price: number;
  qty: number;
  stopPrice: number;
  reduceOnly: boolean;
  closePosition: boolean;
  workingType: WorkingType;
  callbackRate: number;
  activationPrice: number;
  stp: StpMode;
}

const PRICED = new Set<OrderType>([OT.LIMIT, OT.STOP, OT.TAKE_PROFIT]);
const TRIGGERED = new Set<OrderType>([OT.STOP, OT.STOP_MARKET, OT.TAKE_PROFIT, OT.TAKE_PROFIT_MARKET]);
const MARKET_TYPES = new Set<OrderType>([
  OT.MARKET,
  OT.STOP_MARKET,
  OT.TAKE_PROFIT_MARKET,
  OT.TRAILING_STOP_MARKET,
]);
/** callbackRate is a percent, as on Binance: "1" = 1% = 1 000 000 parts per 1e8; 0.1%..10% */
const CALLBACK_MIN = 100_000;
const CALLBACK_MAX = 10_000_000;

const bad = (msg: string) => new ApiError("INVALID_PARAMETER", msg);

export function instrumentOf(rm: ReadModel, symbol: string): Instrument {
  const inst = rm.instrument(symbol);
  if (!inst) throw new ApiError("UNKNOWN_SYMBOL", `unknown symbol ${symbol.slice(0, 20)}`);
  return inst;
}

/** Rejects a limit price outside ±pricePercentBand of the mark (skipped when there is no mark). */
export function checkBand(inst: Instrument, price: number, mark: number | undefined): void {
  if (mark === undefined) return;
  const hi = mulDiv(mark, RATE_SCALE + inst.pricePercentBand, RATE_SCALE, "floor");
  const lo = mulDiv(mark, RATE_SCALE - inst.pricePercentBand, RATE_SCALE, "ceil");
  if (price > hi || price < lo) {
    throw new ApiError(
      "PRICE_OUT_OF_BAND",
      `price outside the ±${inst.pricePercentBand / 1e6}% band around the mark`,
    );
  }
}

export function checkMinNotional(inst: Instrument, qty: number, price: number): void {
  if (notionalOf(inst, qty, price) < inst.minNotional) {
    throw new ApiError("MIN_NOTIONAL", "order notional below minNotional");
  }
}

export function checkOrder(b: OrderBody, rm: ReadModel): CheckedOrder {
  const inst = instrumentOf(rm, b.symbol);
  const type = OT[b.type];
  const market = MARKET_TYPES.has(type);
  const reduceOnly = b.reduceOnly ?? false;
  const closePosition = b.closePosition ?? false;

  if (PRICED.has(type) && b.price === undefined) throw bad(`price is required for ${b.type}`);
  if (!PRICED.has(type) && b.price !== undefined) throw bad(`price is not allowed for ${b.type}`);
  if (TRIGGERED.has(type) && b.stopPrice === undefined) throw bad(`stopPrice is required for ${b.type}`);
  if (!TRIGGERED.has(type) && b.stopPrice !== undefined) throw bad(`stopPrice is not allowed for ${b.type}`);
  const trailing = type === OT.TRAILING_STOP_MARKET;
  if (trailing && b.callbackRate === undefined)
    throw bad("callbackRate is required for TRAILING_STOP_MARKET");
  if (!trailing && (b.callbackRate !== undefined || b.activationPrice !== undefined)) {
    throw bad("callbackRate and activationPrice are only for TRAILING_STOP_MARKET");
  }
  if (closePosition) {
    if (type !== OT.STOP_MARKET && type !== OT.TAKE_PROFIT_MARKET) {
      throw bad("closePosition is only for STOP_MARKET and TAKE_PROFIT_MARKET");
    }
    if (b.quantity !== undefined) throw bad("quantity is not allowed with closePosition");
    if (reduceOnly) throw bad("reduceOnly is not allowed with closePosition");
  } else if (b.quantity === undefined) throw bad("quantity is required");
  const tif = TIF[b.timeInForce ?? "GTC"];
  if (tif === TIF.GTX && type !== OT.LIMIT) throw bad("GTX (post-only) is only for LIMIT orders");

  const price = b.price === undefined ? 0 : priceUnits(b.price, inst);
  const stopPrice = b.stopPrice === undefined ? 0 : priceUnits(b.stopPrice, inst, "stopPrice");
  const qty = b.quantity === undefined ? 0 : qtyUnits(b.quantity, inst, market);
  let callbackRate = 0;
  let activationPrice = 0;
  if (trailing && b.callbackRate !== undefined) {
    callbackRate = units(b.callbackRate, 6, "callbackRate", "INVALID_PARAMETER");
    if (callbackRate < CALLBACK_MIN || callbackRate > CALLBACK_MAX)
      throw bad("callbackRate must be 0.1 to 10 (percent)");
    if (b.activationPrice !== undefined)
      activationPrice = priceUnits(b.activationPrice, inst, "activationPrice");
  }

  const mark = rm.markPrice(inst.symbolId);
  // reduce-only and close-position orders may be small: they only shrink a position (as on Binance)
  if (!closePosition && !reduceOnly) {
    const ref = PRICED.has(type) ? price : TRIGGERED.has(type) ? stopPrice : mark;
    if (ref !== undefined) checkMinNotional(inst, qty, ref);
  }
  if (type === OT.LIMIT) checkBand(inst, price, mark);

  return {
    inst,
    side: Side[b.side],
    type,
    tif,
    price,
    qty,
    stopPrice,
    reduceOnly,
    closePosition,
    workingType: WorkingType[b.workingType ?? "CONTRACT_PRICE"],
    callbackRate,
    activationPrice,
    stp: StpMode[b.selfTradePreventionMode ?? "EXPIRE_TAKER"],
  };
}

// Prepare half of the order commands (SPEC §4 pre-trade checks, §5 order cost): reads the sequencer's
// state, decides accept or reject, and on accept records the order's reservation and fills the request
// for the matcher. Owner: the sequencer. Returns a RejectReason (0 = accepted).
//
// Reservation: an accepted order joins its position's side aggregates (state.ts SideOrders) at once —
// the in-flight taker too — so the next prepare sees it; settle shrinks them on fills and removals. The
// margin an order needs is the increase it causes in the symbol's order margin (account-risk.ts), which
// already exempts the part that would reduce the position: a sell of 3 against a long of 1 pays for 2,
// a sell of 1 against it pays nothing and is accepted even when the available balance is negative
// (closing must always be possible).
//
// Reduce-only: an order is accepted only on the side that reduces a non-zero position, and only while
// Σ reduce-only remaining on that side ≤ |Q| (a second full-size reduce-only order is refused, like
// Binance -2022). Settle then keeps, after every command, Σ (all orders on the reducing side) ≤ |Q|
// whenever that side holds a reduce-only order, by cutting reduce-only orders back (settle.ts). With that
// invariant no sequence of fills in one command can flip a position through a reduce-only order.
import type { AmendOrder, PlaceOrder } from "@perpx/shared/commands";
import { OrderType, Side, StpMode, TimeInForce } from "@perpx/shared/domain";
import { RejectReason } from "@perpx/shared/errors";
import { FixedOverflowError, mul } from "@perpx/shared/fixed";
import {
  marketTakePrice,
  maxLeverage,
  maxNotionalAtLeverage,
  notionalOf,
  openLossPerUnit,
  priceBand,
  sideOrderMargin,
} from "./margin.js";
import { availableFor } from "./margin-cache.js";
import { MatchOp, type MatchRequest } from "./match-port.js";
import type { Account, OpenOrder, Position, SequencerState, SideOrders } from "./state.js";
import { remainingOf, reserve } from "./state.js";
import type { SymbolState } from "./symbol-state.js";

function isQty(q: number, step: number): boolean {
  return Number.isSafeInteger(q) && q > 0 && q % step === 0;
}
function isPrice(p: number, tick: number): boolean {
  return Number.isSafeInteger(p) && p > 0 && p % tick === 0;
}

/** What-if side aggregates of the checks (scratch: read before the next prepare, never kept). */
const whatIf: SideOrders = { qty: 0, qtyPrice: 0, qtyLoss: 0, roQty: 0 };

/** `into` = side aggregates `s` with `qty` more at price/openLoss (what-if for checks; `into` may be `s`). */
function withOrder(
  into: SideOrders,
  s: SideOrders,
  qty: number,
  price: number,
  openLoss: number,
  ro: boolean,
): SideOrders {
  into.qty = s.qty + qty;
  into.qtyPrice = s.qtyPrice + mul(qty, price);
  into.qtyLoss = s.qtyLoss + mul(qty, openLoss);
  into.roQty = s.roQty + (ro ? qty : 0);
  return into;
}

/**
 * Order margin of `pos` if one side were `side` instead: the what-if used by the margin check. The other
 * side's margin is the cached one (margin-cache.ts): call right after availableFor(…, pos).
 */
function orderMarginWith(pos: Position, which: Side, side: SideOrders, factor: number): number {
  const q = pos.qty;
  return which === Side.BUY
    ? sideOrderMargin(side, q < 0 ? -q : 0, pos.leverage, factor) + pos.mOmSell
    : pos.mOmBuy + sideOrderMargin(side, q > 0 ? q : 0, pos.leverage, factor);
}

/** margin.ts inPriceBand(price, mark, band), with the band's bounds kept per symbol for its mark and rate. */
function inBand(sym: SymbolState, price: number): boolean {
  const mark = sym.markPrice;
  const rate = sym.inst.pricePercentBand;
  if (sym.bandMark !== mark || sym.bandRate !== rate) {
    const b = priceBand(mark, rate);
    sym.bandLo = b.lo;
    sym.bandHi = b.hi;
    sym.bandMark = mark;
    sym.bandRate = rate;
  }
  return price >= sym.bandLo && price <= sym.bandHi;
}

/** Leverages whose MAX_POSITION cap is tabled per instrument (beyond: computed each time). */
const MAX_TABLED_LEVERAGE = 1000;

/** maxNotionalAtLeverage(sym.inst, leverage), tabled per instrument object (an upsert replaces it). */
function maxNotionalOf(sym: SymbolState, leverage: number): number {
  const inst = sym.inst;
  if (sym.capsInst !== inst) {
    const caps: number[] = [];
    const top = Math.min(maxLeverage(inst), MAX_TABLED_LEVERAGE);
    for (let lev = 0; lev <= top; lev++) caps.push(maxNotionalAtLeverage(inst, lev));
    sym.caps = caps;
    sym.capsInst = inst;
  }
  const cap = sym.caps[leverage];
  return cap !== undefined ? cap : maxNotionalAtLeverage(inst, leverage);
}

/** MAX_POSITION and margin checks shared by place and amend (non-reduce-only orders). */
function exposureChecks(
  st: SequencerState,
  acc: Account,
  pos: Position,
  sym: SymbolState,
  side: Side,
  after: SideOrders,
  refPrice: number,
): RejectReason {
  const dir = side === Side.BUY ? 1 : -1;
  const projected = pos.qty + dir * after.qty;
  if (Math.abs(projected) > Math.abs(pos.qty)) {
    const price = Math.max(sym.markPrice, refPrice);
    if (notionalOf(price, projected, sym.factor) > maxNotionalOf(sym, pos.leverage)) {
      return RejectReason.MAX_POSITION_EXCEEDED;
    }
  }
  const available = availableFor(st, acc, pos); // also refreshes pos.mOm (its order margin now)
  const increase = orderMarginWith(pos, side, after, sym.factor) - pos.mOm;
  if (increase > 0 && increase > available) return RejectReason.MARGIN_INSUFFICIENT;
  return RejectReason.NONE;
}

/**
 * Checks a PLACE_ORDER for a known account and symbol, with the order already built (status NEW).
 * On accept sets o.bookPrice/openLoss, reserves, and fills `req`; the caller registers the order.
 */
export function preparePlace(
  st: SequencerState,
  acc: Account,
  pos: Position,
  sym: SymbolState,
  cmd: PlaceOrder,
  o: OpenOrder,
  req: MatchRequest,
): RejectReason {
  const inst = sym.inst;
  if (cmd.type !== OrderType.LIMIT && cmd.type !== OrderType.MARKET) return RejectReason.INVALID_PARAMETER;
  if (cmd.closePosition || (cmd.side !== Side.BUY && cmd.side !== Side.SELL))
    return RejectReason.INVALID_PARAMETER;
  if (!(cmd.tif in TIF_OK) || !(cmd.stp in STP_OK)) return RejectReason.INVALID_PARAMETER;
  const market = cmd.type === OrderType.MARKET;
  if (!isQty(cmd.qty, inst.stepUnits) || cmd.qty < inst.minQty) return RejectReason.INVALID_PARAMETER;
  if (cmd.qty > (market ? inst.maxMarketQty : inst.maxQty)) return RejectReason.INVALID_PARAMETER;
  if (market ? cmd.tif === TimeInForce.GTX : !isPrice(cmd.price, inst.tickUnits)) {
    return RejectReason.INVALID_PARAMETER;
  }
  if (acc.inLiquidation) return RejectReason.ACCOUNT_IN_LIQUIDATION;

  const mark = sym.markPrice;
  let bookPrice = cmd.price;
  let tif: TimeInForce = cmd.tif;
  if (market) {
    if (mark <= 0) return RejectReason.PRICE_OUT_OF_BAND;
    bookPrice = marketTakePrice(cmd.side, mark, inst.marketTakeBound, inst.tickUnits);
    tif = cmd.tif === TimeInForce.FOK ? TimeInForce.FOK : TimeInForce.IOC;
  } else if (mark > 0 && !inBand(sym, cmd.price)) {
    return RejectReason.PRICE_OUT_OF_BAND;
  }
  try {
    notionalOf(bookPrice, cmd.qty, sym.factor); // an order whose notional is not a safe integer is refused
  } catch (e) {
    if (FixedOverflowError.is(e)) return RejectReason.INVALID_PARAMETER;
    throw e;
  }
  const openLoss = openLossPerUnit(cmd.side, bookPrice, mark);
  const own = cmd.side === Side.BUY ? pos.buy : pos.sell;

  if (cmd.reduceOnly) {
    const reducing = cmd.side === Side.BUY ? pos.qty < 0 : pos.qty > 0;
    if (!reducing || own.roQty + cmd.qty > Math.abs(pos.qty)) return RejectReason.REDUCE_ONLY_REJECTED;
  }
  if (pos.orderIds.size >= inst.maxOpenOrders) return RejectReason.MAX_OPEN_ORDERS;
  if (!cmd.reduceOnly) {
    const after = withOrder(whatIf, own, cmd.qty, bookPrice, openLoss, false);
    const r = exposureChecks(st, acc, pos, sym, cmd.side, after, bookPrice);
    if (r !== RejectReason.NONE) return r;
  }

  o.bookPrice = bookPrice;
  o.openLoss = openLoss;
  reserve(pos, o, cmd.qty, 1);
  req.op = MatchOp.PLACE;
  req.symbolId = cmd.symbolId;
  req.orderId = cmd.orderId;
  req.userId = cmd.userId;
  req.side = cmd.side;
  req.price = bookPrice;
  req.qty = cmd.qty;
  req.tif = tif;
  req.stp = cmd.stp;
  return RejectReason.NONE;
}

const TIF_OK: Record<number, true> = { 0: true, 1: true, 2: true, 3: true };
const STP_OK: Record<number, true> = {
  [StpMode.NONE]: true,
  [StpMode.EXPIRE_TAKER]: true,
  [StpMode.EXPIRE_MAKER]: true,
  [StpMode.EXPIRE_BOTH]: true,
};

/**
 * Checks an AMEND_ORDER of an open order `o` of `acc`. On accept either fills a CANCEL request (new
 * quantity ≤ executed: the rest is cancelled) or updates the order (price, quantity, reservation) and
 * fills an AMEND request.
 */
export function prepareAmend(
  st: SequencerState,
  acc: Account,
  pos: Position,
  sym: SymbolState,
  cmd: AmendOrder,
  o: OpenOrder,
  req: MatchRequest,
): RejectReason {
  const inst = sym.inst;
  if (!isPrice(cmd.price, inst.tickUnits) || !isQty(cmd.qty, inst.stepUnits) || cmd.qty > inst.maxQty) {
    return RejectReason.INVALID_PARAMETER;
  }
  if (acc.inLiquidation) return RejectReason.ACCOUNT_IN_LIQUIDATION;
  req.symbolId = o.symbolId;
  req.orderId = o.orderId;
  req.userId = o.userId;
  req.side = o.side;
  if (cmd.qty <= o.executedQty) {
    req.op = MatchOp.CANCEL;
    return RejectReason.NONE;
  }
  const priceChanged = cmd.price !== o.price;
  if (!priceChanged && cmd.qty === o.origQty) return RejectReason.INVALID_PARAMETER;
  const mark = sym.markPrice;
  if (priceChanged && mark > 0 && !inBand(sym, cmd.price)) {
    return RejectReason.PRICE_OUT_OF_BAND;
  }
  const oldRem = remainingOf(o);
  const newRem = cmd.qty - o.executedQty;
  const openLoss = priceChanged ? openLossPerUnit(o.side, cmd.price, mark) : o.openLoss;
  const own = o.side === Side.BUY ? pos.buy : pos.sell;
  // the side without this order, then with its new version
  const without = whatIf;
  without.qty = own.qty - oldRem;
  without.qtyPrice = own.qtyPrice - mul(oldRem, o.bookPrice);
  without.qtyLoss = own.qtyLoss - mul(oldRem, o.openLoss);
  without.roQty = own.roQty - (o.reduceOnly ? oldRem : 0);
  const after = withOrder(whatIf, without, newRem, cmd.price, openLoss, o.reduceOnly);
  if (o.reduceOnly) {
    if (newRem > oldRem && after.roQty > Math.abs(pos.qty)) return RejectReason.REDUCE_ONLY_REJECTED;
  } else if (newRem > oldRem || priceChanged) {
    const r = exposureChecks(st, acc, pos, sym, o.side, after, cmd.price);
    if (r !== RejectReason.NONE) return r;
  }

  reserve(pos, o, oldRem, -1);
  o.price = cmd.price;
  o.bookPrice = cmd.price;
  o.openLoss = openLoss;
  o.origQty = cmd.qty;
  reserve(pos, o, newRem, 1);
  req.op = MatchOp.AMEND;
  req.price = cmd.price;
  req.qty = newRem;
  req.tif = o.tif;
  req.stp = o.stp;
  return RejectReason.NONE;
}

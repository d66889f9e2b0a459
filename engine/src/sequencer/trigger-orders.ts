// Conditional orders (SPEC §4): STOP, STOP_MARKET, TAKE_PROFIT, TAKE_PROFIT_MARKET, TRAILING_STOP_MARKET.
// Owner: the sequencer. An accepted one rests in a trigger book (trigger-book.ts) of its symbol and price
// source — MARK_PRICE: the mark; CONTRACT_PRICE: the last trade — with status UNTRIGGERED, reserving
// nothing. When its source price reaches it, it is reported TRIGGERED and then placed, under the same
// orderId and with its original type in the events, as a LIMIT (STOP, TAKE_PROFIT: its price and time in
// force) or MARKET order (the *_MARKET types), through the ordinary pre-trade checks (margin, reduce-only,
// band, …) like any new order; a check that fails ends it REJECTED with the reason.
//
// Decisions:
//  - closePosition (STOP_MARKET / TAKE_PROFIT_MARKET only, quantity 0, not with reduceOnly) is a
//    reduce-only MARKET order for the whole position when it fires (capped at maxMarketQty); with no
//    position on the side it closes it ends REJECTED (REDUCE_ONLY_REJECTED), like a reduce-only order.
//  - reduce-only is checked when the order fires, not when it is placed (the position may change).
//  - Untriggered orders count toward maxOpenOrders and block margin-type changes, like open orders.
//  - callbackRate 0.1 %..10 % (parts per 1e8: 100 000..10 000 000), as the gateway accepts.
//  - A trailing order without activation price is active at once at the current source price (or at
//    the first price the source gets); with one, it activates when the source reaches it, and an
//    activation price already reached is refused (WOULD_TRIGGER_IMMEDIATELY, Binance -2021).
import type { PlaceOrder } from "@perpx/shared/commands";
import { OrderType, Side, StpMode, TimeInForce, WorkingType } from "@perpx/shared/domain";
import { RejectReason } from "@perpx/shared/errors";
import type { SequencerState, TriggerOrder } from "./state.js";
import type { SymbolState } from "./symbol-state.js";
import { TriggerBook, wouldTriggerNow } from "./trigger-book.js";

export const CALLBACK_MIN = 100_000;
export const CALLBACK_MAX = 10_000_000;

export function isTriggerType(t: number): boolean {
  return t >= OrderType.STOP && t <= OrderType.TRAILING_STOP_MARKET;
}

/** Does the order become a MARKET order when it fires? */
export function firesAsMarket(t: number): boolean {
  return (
    t === OrderType.STOP_MARKET || t === OrderType.TAKE_PROFIT_MARKET || t === OrderType.TRAILING_STOP_MARKET
  );
}

/** The price a trigger order watches. */
export function sourcePrice(sym: SymbolState, workingType: number): number {
  return workingType === WorkingType.MARK_PRICE ? sym.markPrice : sym.lastPrice;
}

const onTick = (p: number, tick: number) => Number.isSafeInteger(p) && p > 0 && p % tick === 0;
const isQty = (q: number, step: number) => Number.isSafeInteger(q) && q > 0 && q % step === 0;

/** Parameter checks of a conditional PLACE_ORDER (the account and symbol exist). */
export function checkTrigger(cmd: PlaceOrder, sym: SymbolState): RejectReason {
  const inst = sym.inst;
  const t = cmd.type;
  const market = firesAsMarket(t);
  if (cmd.side !== Side.BUY && cmd.side !== Side.SELL) return RejectReason.INVALID_PARAMETER;
  if (cmd.workingType !== WorkingType.MARK_PRICE && cmd.workingType !== WorkingType.CONTRACT_PRICE)
    return RejectReason.INVALID_PARAMETER;
  if (!(cmd.tif in TIF_OK) || !(cmd.stp in STP_OK)) return RejectReason.INVALID_PARAMETER;
  if (market && cmd.tif === TimeInForce.GTX) return RejectReason.INVALID_PARAMETER;
  if (!market && !onTick(cmd.price, inst.tickUnits)) return RejectReason.INVALID_PARAMETER;
  if (cmd.closePosition) {
    if (
      (t !== OrderType.STOP_MARKET && t !== OrderType.TAKE_PROFIT_MARKET) ||
      cmd.reduceOnly ||
      cmd.qty !== 0
    )
      return RejectReason.INVALID_PARAMETER;
  } else {
    if (!isQty(cmd.qty, inst.stepUnits) || cmd.qty < inst.minQty) return RejectReason.INVALID_PARAMETER;
    if (cmd.qty > (market ? inst.maxMarketQty : inst.maxQty)) return RejectReason.INVALID_PARAMETER;
  }
  if (t === OrderType.TRAILING_STOP_MARKET) {
    const cb = cmd.callbackRate;
    if (!Number.isSafeInteger(cb) || cb < CALLBACK_MIN || cb > CALLBACK_MAX)
      return RejectReason.INVALID_PARAMETER;
    if (cmd.activationPrice !== 0 && !onTick(cmd.activationPrice, inst.tickUnits))
      return RejectReason.INVALID_PARAMETER;
    if (cmd.stopPrice !== 0) return RejectReason.INVALID_PARAMETER;
  } else {
    if (!onTick(cmd.stopPrice, inst.tickUnits)) return RejectReason.INVALID_PARAMETER;
    if (cmd.callbackRate !== 0 || cmd.activationPrice !== 0) return RejectReason.INVALID_PARAMETER;
  }
  if (wouldTriggerNow(cmd, sourcePrice(sym, cmd.workingType))) return RejectReason.WOULD_TRIGGER_IMMEDIATELY;
  return RejectReason.NONE;
}

const TIF_OK: Record<number, true> = { 0: true, 1: true, 2: true, 3: true };
const STP_OK: Record<number, true> = {
  [StpMode.NONE]: true,
  [StpMode.EXPIRE_TAKER]: true,
  [StpMode.EXPIRE_MAKER]: true,
  [StpMode.EXPIRE_BOTH]: true,
};

/** The trigger books of every symbol × price source. Derived from SequencerState.triggers. */
export class TriggerBooks {
  private readonly books = new Map<number, TriggerBook>();

  book(symbolId: number, workingType: number): TriggerBook {
    const k = symbolId * 2 + workingType;
    let b = this.books.get(k);
    if (b === undefined) {
      b = new TriggerBook();
      this.books.set(k, b);
    }
    return b;
  }

  add(o: TriggerOrder, sym: SymbolState): void {
    this.book(o.symbolId, o.workingType).add(o, sourcePrice(sym, o.workingType));
  }

  remove(o: TriggerOrder): void {
    this.book(o.symbolId, o.workingType).remove(o);
  }

  /** Writes each active trailing order's current extreme into the order (before a snapshot). */
  syncExtremes(st: SequencerState): void {
    for (const o of st.triggers.values()) {
      if (o.type === OrderType.TRAILING_STOP_MARKET && o.active)
        o.extreme = this.book(o.symbolId, o.workingType).extremeOf(o);
    }
  }

  /** Rebuilds every book from the state's trigger orders (restore). */
  rebuild(st: SequencerState): void {
    this.books.clear();
    for (const o of st.triggers.values()) {
      o.heapIndex = -1;
      this.book(o.symbolId, o.workingType).restore(o);
    }
    for (const b of this.books.values()) b.settle();
  }
}

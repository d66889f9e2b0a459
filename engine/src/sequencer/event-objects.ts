// The hot event objects (ORDER, BOOK), built by constructor functions instead of object literals.
// Owner: the sequencer (settle.ts, command-ctx.ts).
//
// Why: V8 tracks every object literal's allocation site and, once most objects from a site outlive a
// scavenge, pretenures the site — all later objects from it are allocated straight in old space. Events
// do outlive scavenges (the runner keeps a batch of them until it hands it on), so the literals got
// pretenured: every command then allocated in old space, which is slower and leaves short-lived
// garbage for the (concurrent) mark-compact collector. A constructor call allocates in the young
// generation, where these events die cheaply. seq-cpu: see the commit that introduced this file.
//
// The objects are plain objects all the same: the prototype of each constructor is Object.prototype
// (so `Object.getPrototypeOf(e) === Object.prototype`, `e.constructor === Object`), and the properties
// are assigned in exactly the order of the event types' former literals — JSON, structured clone,
// deepStrictEqual and util.inspect see no difference.
import type { BookEvent, OrderEvent } from "@perpx/shared/events";
import { Ev } from "@perpx/shared/events";
import type { OpenOrder } from "./state.js";

/** `new` on a constructor function whose instances are plain objects of type T. */
type Make<T, A extends unknown[]> = new (...args: A) => T;

function orderEventInit(this: OrderEvent, seq: number, ts: number, o: OpenOrder): void {
  this.ev = Ev.ORDER;
  this.seq = seq;
  this.ts = ts;
  this.orderId = o.orderId;
  this.clientOrderId = o.clientOrderId;
  this.userId = o.userId;
  this.symbolId = o.symbolId;
  this.side = o.side;
  this.type = o.type;
  this.tif = o.tif;
  this.status = o.status;
  this.price = o.price;
  this.stopPrice = o.stopPrice;
  this.origQty = o.origQty;
  this.executedQty = o.executedQty;
  this.cumQuoteUnits = o.cumQuoteUnits;
  this.reduceOnly = o.reduceOnly;
  this.closePosition = o.closePosition;
  this.workingType = o.workingType;
  this.stp = o.stp;
  this.rejectReason = o.rejectReason;
  this.createTime = o.createTime;
}
orderEventInit.prototype = Object.prototype;
/** `new OrderEventObject(seq, ts, o)`: the OrderEvent of an order's current state (a fresh plain object). */
export const OrderEventObject = orderEventInit as unknown as Make<OrderEvent, [number, number, OpenOrder]>;

function bookEventInit(
  this: BookEvent,
  seq: number,
  ts: number,
  symbolId: number,
  firstUpdateId: number,
  lastUpdateId: number,
  prevUpdateId: number,
  bids: [number, number][],
  asks: [number, number][],
): void {
  this.ev = Ev.BOOK;
  this.seq = seq;
  this.ts = ts;
  this.symbolId = symbolId;
  this.firstUpdateId = firstUpdateId;
  this.lastUpdateId = lastUpdateId;
  this.prevUpdateId = prevUpdateId;
  this.bids = bids;
  this.asks = asks;
}
bookEventInit.prototype = Object.prototype;
/**
 * `new BookEventObject(seq, ts, symbolId, firstUpdateId, lastUpdateId, prevUpdateId, bids, asks)`: a
 * BookEvent (a fresh plain object; `bids` / `asks` become its own).
 */
export const BookEventObject = bookEventInit as unknown as Make<
  BookEvent,
  [number, number, number, number, number, number, [number, number][], [number, number][]]
>;

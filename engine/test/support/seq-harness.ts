// Test harness for the sequencer: a Sequencer over ReferenceBooks, command builders with automatic seq
// and ts, and small helpers to read events. Owner: the tests that make it.
import type { Command, LoggedCommand, PlaceOrder } from "@perpx/shared/commands";
import { Op } from "@perpx/shared/commands";
import type { Instrument, MarginType } from "@perpx/shared/domain";
import { OrderType, Side, StpMode, TimeInForce, WorkingType } from "@perpx/shared/domain";
import type { EngineEvent } from "@perpx/shared/events";
import { Ev } from "@perpx/shared/events";
import { DEFAULT_INSTRUMENTS } from "@perpx/shared/instruments";
import { ReferenceBook } from "../../src/matcher/reference-book.js";
import { InThreadMatchPort } from "../../src/sequencer/match-port.js";
import { Sequencer } from "../../src/sequencer/sequencer.js";

export const BTC = 1;
export const ETH = 2;
/** BTCUSDT units: price 0.1 USDT, qty 0.001 BTC; 1 price unit × 1 qty unit = 100 micro-USDT. */
export const usdt = (x: number): number => Math.round(x * 1_000_000);
export const px = (x: number): number => Math.round(x * 10); // BTC price units
export const qty = (x: number): number => Math.round(x * 1000); // BTC qty units

export function newPort(): InThreadMatchPort {
  return new InThreadMatchPort((symbolId) => new ReferenceBook(symbolId));
}

export interface OrderOpts {
  tif?: TimeInForce;
  reduceOnly?: boolean;
  stp?: StpMode;
  clientOrderId?: string;
  orderId?: number;
  symbolId?: number;
  type?: OrderType;
  stopPrice?: number;
  workingType?: WorkingType;
  closePosition?: boolean;
  callbackRate?: number;
  activationPrice?: number;
}

export class Harness {
  readonly port = newPort();
  seq: Sequencer;
  /** every command applied so far, as logged */
  readonly log: LoggedCommand[] = [];
  /** every event emitted so far */
  readonly events: EngineEvent[] = [];
  private nextOrderId = 1;
  ts = 1_700_000_000_000;

  constructor(instruments: readonly Instrument[] = DEFAULT_INSTRUMENTS) {
    this.seq = new Sequencer({ matcher: this.port, instruments });
  }

  /** Applies a command and returns the events it caused. */
  run(cmd: Command): EngineEvent[] {
    const lc: LoggedCommand = { seq: this.seq.lastSeq + 1, cmd };
    const out: EngineEvent[] = [];
    this.seq.apply(lc, out);
    this.log.push(lc);
    this.events.push(...out);
    return out;
  }

  /** The next command's ts (each command advances it by 1 s). */
  t(): number {
    this.ts += 1000;
    return this.ts;
  }

  user(userId: number, amount = 0): EngineEvent[] {
    const out = this.run({ op: Op.CREATE_USER, ts: this.t(), userId });
    if (amount > 0) out.push(...this.deposit(userId, amount, `init-${userId}`));
    return out;
  }
  deposit(userId: number, amount: number, txId: string): EngineEvent[] {
    return this.run({ op: Op.DEPOSIT, ts: this.t(), userId, amount, txId });
  }
  withdraw(userId: number, amount: number, withdrawId: string): EngineEvent[] {
    return this.run({ op: Op.WITHDRAW, ts: this.t(), userId, amount, withdrawId });
  }
  leverage(userId: number, leverage: number, symbolId = BTC): EngineEvent[] {
    return this.run({ op: Op.SET_LEVERAGE, ts: this.t(), userId, symbolId, leverage });
  }
  marginType(userId: number, marginType: MarginType, symbolId = BTC): EngineEvent[] {
    return this.run({ op: Op.SET_MARGIN_TYPE, ts: this.t(), userId, symbolId, marginType });
  }
  isolatedMargin(userId: number, amount: number, symbolId = BTC): EngineEvent[] {
    return this.run({ op: Op.ADJUST_ISOLATED_MARGIN, ts: this.t(), userId, symbolId, amount });
  }
  oracle(price: number, symbolId = BTC): EngineEvent[] {
    return this.run({ op: Op.ORACLE_PRICE, ts: this.t(), symbolId, price });
  }
  /** MARK_SAMPLE (symbolId 0 = every symbol). */
  sample(symbolId = BTC): EngineEvent[] {
    return this.run({ op: Op.MARK_SAMPLE, ts: this.t(), symbolId });
  }
  funding(fundingTime: number, symbolId = BTC): EngineEvent[] {
    return this.run({ op: Op.PAY_FUNDING, ts: this.t(), symbolId, fundingTime });
  }
  countdown(userId: number, deadline: number, symbolId = BTC): EngineEvent[] {
    return this.run({ op: Op.COUNTDOWN_CANCEL_ALL, ts: this.t(), userId, symbolId, deadline });
  }
  /** A conditional order (STOP…TRAILING_STOP_MARKET); `price` is the limit of STOP / TAKE_PROFIT. */
  trigger(userId: number, side: Side, type: OrderType, q: number, o: OrderOpts & { price?: number } = {}) {
    const market = type !== OrderType.STOP && type !== OrderType.TAKE_PROFIT;
    return this.order(userId, side, o.price ?? 0, q, {
      tif: market ? TimeInForce.IOC : TimeInForce.GTC,
      ...o,
      type,
    });
  }
  /** A trade at `price` between two users (sets the last trade price). */
  tradeAt(seller: number, buyer: number, price: number, q: number, symbolId = BTC): EngineEvent[] {
    this.sell(seller, price, q, { symbolId });
    return this.buy(buyer, price, q, { symbolId });
  }

  order(userId: number, side: Side, price: number, q: number, o: OrderOpts = {}): EngineEvent[] {
    return this.run(this.placeCmd(userId, side, price, q, o));
  }
  placeCmd(userId: number, side: Side, price: number, q: number, o: OrderOpts = {}): PlaceOrder {
    const orderId = o.orderId ?? this.nextOrderId++;
    return {
      op: Op.PLACE_ORDER,
      ts: this.t(),
      orderId,
      userId,
      symbolId: o.symbolId ?? BTC,
      clientOrderId: o.clientOrderId ?? `c${orderId}`,
      side,
      type: o.type ?? OrderType.LIMIT,
      tif: o.tif ?? TimeInForce.GTC,
      price,
      qty: q,
      stopPrice: o.stopPrice ?? 0,
      reduceOnly: o.reduceOnly ?? false,
      closePosition: o.closePosition ?? false,
      workingType: o.workingType ?? WorkingType.CONTRACT_PRICE,
      callbackRate: o.callbackRate ?? 0,
      activationPrice: o.activationPrice ?? 0,
      stp: o.stp ?? StpMode.NONE,
    };
  }
  buy(userId: number, price: number, q: number, o: OrderOpts = {}): EngineEvent[] {
    return this.order(userId, Side.BUY, price, q, o);
  }
  sell(userId: number, price: number, q: number, o: OrderOpts = {}): EngineEvent[] {
    return this.order(userId, Side.SELL, price, q, o);
  }
  market(userId: number, side: Side, q: number, o: OrderOpts = {}): EngineEvent[] {
    return this.order(userId, side, 0, q, { ...o, type: OrderType.MARKET, tif: o.tif ?? TimeInForce.IOC });
  }
  cancel(userId: number, orderId: number, symbolId = BTC): EngineEvent[] {
    return this.run({ op: Op.CANCEL_ORDER, ts: this.t(), userId, symbolId, orderId });
  }
  cancelAll(userId: number, symbolId = BTC): EngineEvent[] {
    return this.run({ op: Op.CANCEL_ALL, ts: this.t(), userId, symbolId });
  }
  amend(userId: number, orderId: number, price: number, q: number, symbolId = BTC): EngineEvent[] {
    return this.run({ op: Op.AMEND_ORDER, ts: this.t(), userId, symbolId, orderId, price, qty: q });
  }

  wallet(userId: number): number {
    return this.seq.account(userId)?.crossWallet ?? Number.NaN;
  }
  pos(userId: number, symbolId = BTC) {
    const p = this.seq.position(userId, symbolId);
    return { qty: p?.qty ?? 0, entryValue: p?.entryValue ?? 0, isolatedWallet: p?.isolatedWallet ?? 0 };
  }
  available(userId: number): number {
    return this.seq.risk(userId)?.available ?? Number.NaN;
  }
  /** solvency difference, which must always be 0 */
  difference(): number {
    return this.seq.solvency().difference;
  }
}

export function ofType<E extends EngineEvent["ev"]>(events: readonly EngineEvent[], ev: E) {
  return events.filter((e): e is Extract<EngineEvent, { ev: E }> => e.ev === ev);
}
export const trades = (events: readonly EngineEvent[]) => ofType(events, Ev.TRADE);
export const orders = (events: readonly EngineEvent[]) => ofType(events, Ev.ORDER);
export const rejects = (events: readonly EngineEvent[]) => ofType(events, Ev.REJECT);
/** The last OrderEvent of an order in these events. */
export function lastOrder(events: readonly EngineEvent[], orderId: number) {
  const o = orders(events).filter((e) => e.orderId === orderId);
  return o[o.length - 1];
}

// The untriggered orders of one symbol and one price source (MARK_PRICE or CONTRACT_PRICE), indexed so
// that a price move costs O(log n) per order it fires or activates plus O(1), never a scan (SPEC §4).
// Owner: TriggerBooks (trigger-orders.ts) on the sequencer thread.
//
//   up    orders that fire when price ≥ key: STOP / STOP_MARKET BUY, TAKE_PROFIT(_MARKET) SELL at their
//         stopPrice, and TRAILING SELL waiting for price ≥ activationPrice (key 0: the first price)
//   down  orders that fire when price ≤ key: STOP(_MARKET) SELL, TAKE_PROFIT(_MARKET) BUY, and TRAILING
//         BUY waiting for price ≤ activationPrice (key 2^53 − 1: the first price)
//   trailing SELLs once active: fire when price ≤ ⌊highest × (1e8 − callbackRate) / 1e8⌋ — for an integer
//         price exactly "price ≤ highest × (1 − callbackRate)" — highest = max price since activation;
//   trailing BUYs once active: fire when price ≥ ⌈lowest × (1e8 + callbackRate) / 1e8⌉.
//
// Trailing orders share the price stream, so an earlier-activated SELL always has a highest ≥ a later one,
// and a new price p lifts every highest below p to p. Active SELLs are therefore kept in groups of equal
// highest, on a stack whose highest falls from bottom to top: a rise to p pops the groups at or below p
// and merges them (smaller heap into larger, so each order moves O(log n) times overall) into one group at
// p. Each group keeps its orders in a heap by callback rate (smallest = highest threshold first), and a
// heap of groups by their best threshold finds what fires. BUYs mirror this with lowest. The groups are a
// function of the orders' extremes, so a book rebuilt from a snapshot behaves identically.
//
// Fired orders are returned with `key` = the price they fired at (stop price or trailing threshold); the
// caller runs them ordered by (key, orderId).
import { Side, OrderType as T } from "@perpx/shared/domain";
import { mulDiv, RATE_SCALE } from "@perpx/shared/fixed";
import { type HeapItem, IndexedHeap } from "./indexed-heap.js";
import type { TriggerOrder } from "./state.js";

const FIRST_PRICE_BUY = Number.MAX_SAFE_INTEGER;

/** Active trailing orders with the same extreme (highest for SELL, lowest for BUY). */
class TrailGroup implements HeapItem {
  heapIndex = -1;
  /** best threshold of the group: the one its smallest-callback order fires at */
  key = 0;
  readonly orders: IndexedHeap<TriggerOrder> = new IndexedHeap(byCallback);
  constructor(public extreme: number) {}
}

function byCallback(x: TriggerOrder, y: TriggerOrder): boolean {
  return x.callbackRate < y.callbackRate || (x.callbackRate === y.callbackRate && x.orderId < y.orderId);
}

/** SELL: fires when price ≤ this. */
export function sellThreshold(highest: number, callbackRate: number): number {
  return mulDiv(highest, RATE_SCALE - callbackRate, RATE_SCALE, "floor");
}
/** BUY: fires when price ≥ this. */
export function buyThreshold(lowest: number, callbackRate: number): number {
  return mulDiv(lowest, RATE_SCALE + callbackRate, RATE_SCALE, "ceil");
}

/** One side's active trailing orders (SELL tracks the highest price, BUY the lowest). */
class TrailSide {
  /** groups, bottom = earliest: extremes strictly falling (SELL) / rising (BUY) toward the top */
  private readonly stack: TrailGroup[] = [];
  private readonly groups: IndexedHeap<TrailGroup>;
  private readonly groupOf = new Map<number, TrailGroup>();
  /** restore only: groups by extreme until settle() */
  private readonly byExtreme = new Map<number, TrailGroup>();

  constructor(private readonly sell: boolean) {
    this.groups = new IndexedHeap<TrailGroup>(
      sell
        ? (a, b) => a.key > b.key || (a.key === b.key && a.extreme > b.extreme)
        : (a, b) => a.key < b.key || (a.key === b.key && a.extreme < b.extreme),
    );
  }

  get size(): number {
    return this.groupOf.size;
  }

  /** beyond(a, b): a is a more extreme price than b for this side (higher for SELL). */
  private beyond(a: number, b: number): boolean {
    return this.sell ? a > b : a < b;
  }

  private threshold(g: TrailGroup): number {
    const o = g.orders.peek()!;
    return this.sell ? sellThreshold(g.extreme, o.callbackRate) : buyThreshold(g.extreme, o.callbackRate);
  }

  private refresh(g: TrailGroup): void {
    if (g.orders.size === 0) {
      if (this.groups.has(g)) this.groups.remove(g);
      return;
    }
    g.key = this.threshold(g);
    if (this.groups.has(g)) this.groups.update(g);
    else this.groups.push(g);
  }

  /** A new price: every extreme behind p moves to p (their groups merge). */
  move(p: number): void {
    const st = this.stack;
    let top = st[st.length - 1];
    if (top === undefined || !this.beyond(p, top.extreme)) return;
    let into: TrailGroup | undefined;
    while (top !== undefined && !this.beyond(top.extreme, p)) {
      st.pop();
      if (into === undefined || top.orders.size > into.orders.size) {
        if (into !== undefined) this.merge(into, top);
        into = top;
      } else this.merge(top, into);
      top = st[st.length - 1];
    }
    into!.extreme = p;
    st.push(into!);
    this.refresh(into!);
  }

  /** Moves every order of `from` into `to` and drops `from`. */
  private merge(from: TrailGroup, to: TrailGroup): void {
    if (this.groups.has(from)) this.groups.remove(from);
    for (let o = from.orders.pop(); o !== undefined; o = from.orders.pop()) {
      to.orders.push(o);
      this.groupOf.set(o.orderId, to);
    }
  }

  /** Activates `o` at price p (after move(p): every extreme is at or beyond p). */
  add(o: TriggerOrder, p: number): void {
    const st = this.stack;
    let top = st[st.length - 1];
    if (top === undefined || top.extreme !== p) {
      if (top !== undefined && !this.beyond(top.extreme, p)) throw new Error("trailing stack out of order");
      top = new TrailGroup(p);
      st.push(top);
    }
    top.orders.push(o);
    this.groupOf.set(o.orderId, top);
    this.refresh(top);
  }

  /** Rebuild: an active order with its stored extreme, in any order; call `settle()` after the last. */
  restore(o: TriggerOrder): void {
    let g = this.byExtreme.get(o.extreme);
    if (g === undefined) {
      g = new TrailGroup(o.extreme);
      this.byExtreme.set(o.extreme, g);
      this.stack.push(g);
    }
    g.orders.push(o);
    this.groupOf.set(o.orderId, g);
  }

  settle(): void {
    this.byExtreme.clear();
    this.stack.sort((a, b) => (this.sell ? b.extreme - a.extreme : a.extreme - b.extreme));
    for (const g of this.stack) this.refresh(g);
  }

  remove(o: TriggerOrder): void {
    const g = this.groupOf.get(o.orderId);
    if (g === undefined) throw new Error(`trailing order ${o.orderId} is in no group`);
    g.orders.remove(o);
    this.groupOf.delete(o.orderId);
    this.dropIfEmptyTop(g);
    this.refresh(g);
  }

  private dropIfEmptyTop(g: TrailGroup): void {
    const st = this.stack;
    if (g.orders.size === 0 && st[st.length - 1] === g) st.pop();
  }

  /** Pops every order that fires at p; sets its key to its threshold. */
  fire(p: number, fired: TriggerOrder[]): void {
    for (let g = this.groups.peek(); g !== undefined; g = this.groups.peek()) {
      if (this.sell ? g.key < p : g.key > p) return;
      const o = g.orders.pop()!;
      o.key = g.key;
      o.extreme = g.extreme;
      this.groupOf.delete(o.orderId);
      fired.push(o);
      this.dropIfEmptyTop(g);
      this.refresh(g);
    }
  }

  extremeOf(o: TriggerOrder): number {
    return this.groupOf.get(o.orderId)?.extreme ?? o.extreme;
  }
}

export class TriggerBook {
  private readonly up = new IndexedHeap<TriggerOrder>(
    (x, y) => x.key < y.key || (x.key === y.key && x.orderId < y.orderId),
  );
  private readonly down = new IndexedHeap<TriggerOrder>(
    (x, y) => x.key > y.key || (x.key === y.key && x.orderId < y.orderId),
  );
  private readonly trailSell = new TrailSide(true);
  private readonly trailBuy = new TrailSide(false);

  get size(): number {
    return this.up.size + this.down.size + this.trailSell.size + this.trailBuy.size;
  }

  /**
   * Files an order: stop/TP by its stop price; trailing by activation price, or active at `price` (the
   * source's current price, 0 = none yet) when it has none. The caller has checked it does not fire now.
   */
  add(o: TriggerOrder, price: number): void {
    if (o.type !== T.TRAILING_STOP_MARKET) {
      o.key = o.stopPrice;
      (firesUp(o) ? this.up : this.down).push(o);
      return;
    }
    if (o.active) throw new Error("add: trailing order already active");
    if (o.activationPrice === 0 && price > 0) {
      o.active = true;
      o.extreme = price;
      this.trailSideOf(o).move(price);
      this.trailSideOf(o).add(o, price);
      return;
    }
    const sell = o.side === Side.SELL;
    o.key = o.activationPrice !== 0 ? o.activationPrice : sell ? 0 : FIRST_PRICE_BUY;
    (sell ? this.up : this.down).push(o);
  }

  /** Rebuild from a snapshot: orders as stored (active trailing with their extreme); then `settle()`. */
  restore(o: TriggerOrder): void {
    if (o.type === T.TRAILING_STOP_MARKET && o.active) this.trailSideOf(o).restore(o);
    else if (o.type === T.TRAILING_STOP_MARKET) (o.side === Side.SELL ? this.up : this.down).push(o);
    else (firesUp(o) ? this.up : this.down).push(o);
  }

  settle(): void {
    this.trailSell.settle();
    this.trailBuy.settle();
  }

  remove(o: TriggerOrder): void {
    if (o.type === T.TRAILING_STOP_MARKET && o.active) this.trailSideOf(o).remove(o);
    else if (this.up.has(o)) this.up.remove(o);
    else this.down.remove(o);
  }

  /** Current highest / lowest of an active trailing order (snapshots write it). */
  extremeOf(o: TriggerOrder): number {
    return this.trailSideOf(o).extremeOf(o);
  }

  /**
   * The source price is now p: trailing extremes follow it, waiting trailing orders whose activation
   * price is reached activate at p, and every order that fires is appended to `fired` (unordered).
   */
  evaluate(p: number, fired: TriggerOrder[]): void {
    this.trailSell.move(p);
    this.trailBuy.move(p);
    for (let o = this.up.peek(); o !== undefined && o.key <= p; o = this.up.peek()) {
      this.up.pop();
      if (o.type === T.TRAILING_STOP_MARKET) this.activate(o, p);
      else fired.push(o);
    }
    for (let o = this.down.peek(); o !== undefined && o.key >= p; o = this.down.peek()) {
      this.down.pop();
      if (o.type === T.TRAILING_STOP_MARKET) this.activate(o, p);
      else fired.push(o);
    }
    this.trailSell.fire(p, fired);
    this.trailBuy.fire(p, fired);
  }

  private activate(o: TriggerOrder, p: number): void {
    o.active = true;
    o.extreme = p;
    this.trailSideOf(o).add(o, p);
  }

  private trailSideOf(o: TriggerOrder): TrailSide {
    return o.side === Side.SELL ? this.trailSell : this.trailBuy;
  }
}

/** Does a stop / take-profit order fire on a rise (price ≥ stop) rather than a fall (SPEC §4)? */
export function firesUp(o: { type: number; side: number }): boolean {
  const stop = o.type === T.STOP || o.type === T.STOP_MARKET;
  return stop === (o.side === Side.BUY);
}

/**
 * Would the order fire (or, trailing with an activation price, activate) at `price` right away? Such an
 * order is refused (WOULD_TRIGGER_IMMEDIATELY). No price yet: nothing fires.
 */
export function wouldTriggerNow(
  o: { type: number; side: number; stopPrice: number; activationPrice: number },
  price: number,
): boolean {
  if (price <= 0) return false;
  if (o.type === T.TRAILING_STOP_MARKET) {
    if (o.activationPrice === 0) return false; // active now at `price`: fires only after a callback
    return o.side === Side.SELL ? price >= o.activationPrice : price <= o.activationPrice;
  }
  return firesUp(o) ? price >= o.stopPrice : price <= o.stopPrice;
}

// Placing orders, single and batch (SPEC §4, §8.3). Per order: duplicate check by clientOrderId (read
// model, then this instance's in-flight map, then earlier items of the same batch), filters, ids, one
// durable append, then 202 or (with ?wait=true) 200 with the engine's order state / 504 UNKNOWN.
import { Op, type PlaceOrder } from "@perpx/shared/commands";
import type { ValidateFunction } from "ajv";
import { ApiError, type ErrorBody, errorBody } from "../api-error.js";
import { checkOrder, type OrderBody } from "../filters/order-filters.js";
import { idText } from "../ids.js";
import { bodyAjv } from "../plugins/body.js";
import type { OrderView } from "../read-model/views.js";
import { orderBody } from "../schemas/orders.js";
import { timeout } from "./command-writer.js";
import { type CommandContext, type InFlightOrder, orderKey } from "./context.js";

export const MAX_BATCH = 10;

export interface OrderAck {
  orderId: string;
  clientOrderId: string;
  symbol: string;
  status: "ACCEPTED";
  duplicate?: true;
}

export interface Answer<T> {
  status: 200 | 202;
  body: T;
}

/**
 * A new order's 202 ack, to be sent when `durable` (its command's append) resolves; never if it rejects.
 * The ack is sent as the text `ackJson(ref)` makes (no object, no schema serializer on the path of
 * every order).
 */
export class AfterAppend {
  constructor(
    readonly durable: Promise<number>,
    readonly ref: InFlightOrder,
  ) {}
}

/**
 * The 202 ack of a new order as JSON text: what the route's 202 schema serializer writes for
 * `ack(ref, false)` (same fields, same order). The strings are written through JSON.stringify, so any
 * character is escaped as the serializer would.
 */
export function ackJson(ref: InFlightOrder): string {
  return `{"orderId":"${idText(ref.orderId)}","clientOrderId":${JSON.stringify(ref.clientOrderId)},"symbol":${JSON.stringify(ref.symbol)},"status":"ACCEPTED"}`;
}

type Prepared =
  /**
   * key: the in-flight map's key (made once: the map hashes the same string for get and add); absent:
   * the map was just asked for this key and has no entry for it
   */
  | { kind: "new"; cmd: PlaceOrder; ref: InFlightOrder; key: string; absent: boolean }
  | { kind: "known"; view: OrderView }
  | { kind: "inflight"; ref: InFlightOrder; durable: Promise<number> }
  | { kind: "sameBatch"; index: number }
  | { kind: "error"; error: ApiError };

type Item = OrderAck | OrderView | (OrderView & { duplicate: true }) | (ErrorBody & Record<string, unknown>);

const validateItem: ValidateFunction = bodyAjv.compile(orderBody);

function ack(ref: InFlightOrder, duplicate: boolean): OrderAck {
  const a: OrderAck = {
    orderId: idText(ref.orderId),
    clientOrderId: ref.clientOrderId,
    symbol: ref.symbol,
    status: "ACCEPTED",
  };
  if (duplicate) a.duplicate = true;
  return a;
}

export class OrderEntry {
  constructor(private readonly c: CommandContext) {}

  private prepare(userId: number, b: OrderBody, now: number, batch?: Map<string, number>): Prepared {
    const coid = b.clientOrderId;
    let key: string | undefined;
    if (coid !== undefined) {
      const view = this.c.rm.orderByClientId(userId, coid);
      if (view) return { kind: "known", view };
      key = orderKey(userId, coid);
      const f = this.c.orders.get(key, now);
      if (f) return { kind: "inflight", ref: f.value, durable: f.durable };
      const earlier = batch?.get(coid);
      if (earlier !== undefined) return { kind: "sameBatch", index: earlier };
    }
    const o = checkOrder(b, this.c.rm);
    const orderId = this.c.deps.idGen.next();
    let clientOrderId = coid ?? `x-${orderId.toString(36)}`;
    // an assigned id must not collide with one the user chose before (ids are unique for ever)
    while (coid === undefined && this.c.rm.orderByClientId(userId, clientOrderId)) {
      clientOrderId = `x-${this.c.deps.idGen.next().toString(36)}`;
    }
    const cmd: PlaceOrder = {
      op: Op.PLACE_ORDER,
      ts: now,
      orderId,
      userId,
      symbolId: o.inst.symbolId,
      clientOrderId,
      side: o.side,
      type: o.type,
      tif: o.tif,
      price: o.price,
      qty: o.qty,
      stopPrice: o.stopPrice,
      reduceOnly: o.reduceOnly,
      closePosition: o.closePosition,
      workingType: o.workingType,
      callbackRate: o.callbackRate,
      activationPrice: o.activationPrice,
      stp: o.stp,
    };
    const ref = { userId, orderId, clientOrderId, symbol: o.inst.symbol };
    return key === undefined
      ? { kind: "new", cmd, ref, key: orderKey(userId, clientOrderId), absent: false }
      : { kind: "new", cmd, ref, key, absent: true };
  }

  private async waitView(
    userId: number,
    ref: InFlightOrder,
    duplicate: boolean,
  ): Promise<OrderView | (OrderView & { duplicate: true })> {
    const view = await this.c.deps.engine.waitForOrder(userId, ref.orderId, this.c.writer.waitTimeoutMs);
    if (!view)
      throw timeout({ orderId: idText(ref.orderId), clientOrderId: ref.clientOrderId, symbol: ref.symbol });
    return duplicate ? { ...view, duplicate: true } : view;
  }

  /**
   * Places one order. Synchronous when the answer is known at once (a duplicate the read model knows);
   * a new order's ack is known at once too but sent only once its append is durable (AfterAppend: the
   * caller's one `then` on the append's promise, no async wrapper on the path of every order); a
   * promise when it waits for more (`wait`, an in-flight duplicate). Filter errors are thrown
   * synchronously.
   */
  place(userId: number, b: OrderBody, wait: boolean): Answer<Item> | AfterAppend | Promise<Answer<Item>> {
    const now = this.c.now();
    const p = this.prepare(userId, b, now);
    switch (p.kind) {
      case "error":
        throw p.error;
      case "sameBatch":
        throw new Error("unreachable: no batch");
      case "known": {
        const ref = {
          userId,
          orderId: Number(p.view.orderId),
          clientOrderId: p.view.clientOrderId,
          symbol: p.view.symbol,
        };
        return wait
          ? { status: 200, body: { ...p.view, duplicate: true } }
          : { status: 202, body: ack(ref, true) };
      }
      case "inflight":
        return this.afterDurable(userId, p.ref, p.durable, true, wait);
      case "new": {
        const durable = this.c.writer.appendOne(p.cmd);
        this.c.orders.add(p.key, p.ref, durable, now, p.absent);
        if (wait) return this.afterDurable(userId, p.ref, durable, false, true);
        return new AfterAppend(durable, p.ref);
      }
    }
  }

  /** The answer once `durable` resolves: an ack, or with `wait` the engine's view of the order. */
  private async afterDurable(
    userId: number,
    ref: InFlightOrder,
    durable: Promise<number>,
    duplicate: boolean,
    wait: boolean,
  ): Promise<Answer<Item>> {
    await durable;
    return wait
      ? { status: 200, body: await this.waitView(userId, ref, duplicate) }
      : { status: 202, body: ack(ref, duplicate) };
  }

  async placeBatch(userId: number, items: readonly unknown[], wait: boolean): Promise<Answer<Item[]>> {
    if (items.length > MAX_BATCH)
      throw new ApiError("TOO_MANY_ORDERS_IN_BATCH", `at most ${MAX_BATCH} orders per batch`);
    const now = this.c.now();
    const seen = new Map<string, number>();
    const prepared: Prepared[] = items.map((it, i) => {
      if (!validateItem(it)) {
        const e = validateItem.errors?.[0];
        return {
          kind: "error",
          error: new ApiError(
            "INVALID_PARAMETER",
            `orders[${i}]${e?.instancePath ?? ""} ${e?.message ?? "invalid"}`,
          ),
        };
      }
      try {
        const p = this.prepare(userId, it as OrderBody, now, seen);
        if (p.kind === "new") seen.set(p.ref.clientOrderId, i);
        return p;
      } catch (err) {
        if (ApiError.is(err)) return { kind: "error", error: err };
        throw err;
      }
    });
    const fresh = prepared.flatMap((p) => (p.kind === "new" ? [p] : []));
    if (fresh.length > 0) {
      const appended = this.c.writer.append(fresh.map((p) => p.cmd));
      fresh.forEach((p, k) => {
        this.c.orders.add(
          p.key,
          p.ref,
          appended.then((s) => s[k] ?? 0),
          now,
        );
      });
      await appended; // LOG_UNAVAILABLE fails the whole batch: nothing is acknowledged
    }
    const results = await Promise.all(prepared.map((p) => this.itemResult(userId, p, prepared, wait)));
    return { status: wait ? 200 : 202, body: results };
  }

  private async itemResult(
    userId: number,
    p: Prepared,
    all: readonly Prepared[],
    wait: boolean,
  ): Promise<Item> {
    try {
      switch (p.kind) {
        case "error":
          return { ...errorBody(p.error.error, p.error.message), ...p.error.extra };
        case "known":
          return wait
            ? { ...p.view, duplicate: true }
            : ack(
                {
                  userId,
                  orderId: Number(p.view.orderId),
                  clientOrderId: p.view.clientOrderId,
                  symbol: p.view.symbol,
                },
                true,
              );
        case "sameBatch": {
          const first = all[p.index];
          if (first?.kind !== "new") throw new Error("sameBatch must point at a new order");
          return wait ? await this.waitView(userId, first.ref, true) : ack(first.ref, true);
        }
        case "inflight":
          await p.durable;
          return wait ? await this.waitView(userId, p.ref, true) : ack(p.ref, true);
        case "new":
          return wait ? await this.waitView(userId, p.ref, false) : ack(p.ref, false);
      }
    } catch (err) {
      if (!ApiError.is(err)) throw err;
      return { ...errorBody(err.error, err.message), ...err.extra };
    }
  }
}

// Amend, cancel, cancel-all and the countdown cancel (SPEC §4, §8.3). The read model resolves the
// order: known and not open → 404 ORDER_NOT_FOUND; unknown to it → the engine decides (UNKNOWN_ORDER).
import { type AmendOrder, type CancelOrder, Op } from "@perpx/shared/commands";
import { parseDecimal } from "@perpx/shared/fixed";
import { ApiError } from "../api-error.js";
import { type DecimalInput, priceUnits, qtyUnits } from "../filters/decimals.js";
import { checkBand, checkMinNotional, instrumentOf } from "../filters/order-filters.js";
import { idText } from "../ids.js";
import type { OrderView } from "../read-model/views.js";
import { type CommandContext, orderKey } from "./context.js";
import type { Answer } from "./order-entry.js";

export interface OrderRefInput {
  symbol: string;
  orderId?: string | number;
  clientOrderId?: string;
}

export interface AmendInput extends OrderRefInput {
  price?: DecimalInput;
  quantity?: DecimalInput;
}

interface Resolved {
  orderId: number;
  clientOrderId?: string;
  view?: OrderView;
}

const notFound = () => new ApiError("ORDER_NOT_FOUND", "no such open order");

export class OrderChanges {
  constructor(private readonly c: CommandContext) {}

  /** The order a request names, as far as the read model (or this instance's in-flight map) knows. */
  resolve(userId: number, r: OrderRefInput): Resolved {
    let res: Resolved;
    if (r.orderId !== undefined) {
      const id = Number(r.orderId);
      if (!Number.isSafeInteger(id)) throw notFound(); // no order id is beyond 2^53
      const view = this.c.rm.orderById(userId, id);
      res = view ? { orderId: id, view, clientOrderId: view.clientOrderId } : { orderId: id };
    } else if (r.clientOrderId !== undefined) {
      const coid = r.clientOrderId;
      const view = this.c.rm.orderByClientId(userId, coid);
      if (view) res = { orderId: Number(view.orderId), view, clientOrderId: coid };
      else {
        const f = this.c.orders.get(orderKey(userId, coid), this.c.now());
        if (!f) throw notFound();
        res = { orderId: f.value.orderId, clientOrderId: coid };
      }
    } else throw new ApiError("INVALID_PARAMETER", "orderId or clientOrderId is required");
    if (res.view && res.view.symbol !== r.symbol) throw notFound();
    return res;
  }

  getOrder(userId: number, r: OrderRefInput): OrderView {
    const res = this.resolve(userId, r);
    if (!res.view) throw new ApiError("ORDER_NOT_FOUND", "the order is not known (yet)");
    return res.view;
  }

  async cancel(userId: number, r: OrderRefInput, wait: boolean): Promise<Answer<Record<string, unknown>>> {
    const inst = instrumentOf(this.c.rm, r.symbol);
    const res = this.resolve(userId, r);
    if (res.view && this.c.rm.isOpen(userId, res.orderId) === false) throw notFound();
    const cmd: CancelOrder = {
      op: Op.CANCEL_ORDER,
      ts: this.c.now(),
      userId,
      symbolId: inst.symbolId,
      orderId: res.orderId,
    };
    return this.submit(userId, cmd, res, inst.symbol, wait);
  }

  async amend(userId: number, a: AmendInput, wait: boolean): Promise<Answer<Record<string, unknown>>> {
    const inst = instrumentOf(this.c.rm, a.symbol);
    if (a.price === undefined && a.quantity === undefined) {
      throw new ApiError("INVALID_PARAMETER", "price or quantity is required");
    }
    const res = this.resolve(userId, a);
    const v = res.view;
    if (v && this.c.rm.isOpen(userId, res.orderId) === false) throw notFound();
    if (v && v.type !== "LIMIT") throw new ApiError("INVALID_PARAMETER", "only LIMIT orders can be amended");
    if (!v && (a.price === undefined || a.quantity === undefined)) {
      throw new ApiError("ORDER_NOT_FOUND", "the order is not known yet: give both price and quantity");
    }
    const old = (text: string, decimals: number): number => {
      const p = parseDecimal(text, decimals);
      if (!p.ok) throw new Error(`read model returned a bad decimal ${text}`);
      return p.units;
    };
    const price =
      a.price !== undefined ? priceUnits(a.price, inst) : old(v?.price ?? "0", inst.priceDecimals);
    const qty =
      a.quantity !== undefined ? qtyUnits(a.quantity, inst, false) : old(v?.origQty ?? "0", inst.qtyDecimals);
    if (!v?.reduceOnly) checkMinNotional(inst, qty, price);
    if (a.price !== undefined) checkBand(inst, price, this.c.rm.markPrice(inst.symbolId));
    const cmd: AmendOrder = {
      op: Op.AMEND_ORDER,
      ts: this.c.now(),
      userId,
      symbolId: inst.symbolId,
      orderId: res.orderId,
      price,
      qty,
    };
    return this.submit(userId, cmd, res, inst.symbol, wait);
  }

  private async submit(
    userId: number,
    cmd: CancelOrder | AmendOrder,
    res: Resolved,
    symbol: string,
    wait: boolean,
  ): Promise<Answer<Record<string, unknown>>> {
    const [seq = 0] = await this.c.writer.append([cmd]);
    const ack: Record<string, unknown> = { orderId: idText(res.orderId), symbol };
    if (res.clientOrderId !== undefined) ack.clientOrderId = res.clientOrderId;
    if (!wait) return { status: 202, body: { ...ack, status: "ACCEPTED" } };
    const outcome = await this.c.writer.waitApplied(seq, ack, userId);
    if (outcome.status === "REJECTED") return { status: 200, body: { ...ack, ...outcome } };
    const view = this.c.rm.orderById(userId, res.orderId);
    return { status: 200, body: view ? { ...view } : { ...ack, ...outcome } };
  }
}

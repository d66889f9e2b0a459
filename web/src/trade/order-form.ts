// The order form: every order type of SPEC §4 with the fields each one takes (hidden fields leave the
// tab order), the instrument filters checked before sending, and the answer shown plainly — the order's
// status and reject reason (`REJECTED: MARGIN_INSUFFICIENT`) or the gateway's error name. Orders go out
// with ?wait=true so the answer is the order as the engine left it. Enter in any field submits.
import { type Api, ApiFailure } from "../lib/api.js";
import { field, h, setStatus } from "../lib/dom.js";
import {
  checkNotional,
  checkPrice,
  checkQty,
  type FilterProblem,
  formatNotional,
  notional,
} from "../lib/filters.js";
import type { InstrumentView, OrderView } from "../lib/types.js";
import type { MarketInfo } from "./market.js";

export const ORDER_TYPES = [
  "LIMIT",
  "MARKET",
  "STOP",
  "STOP_MARKET",
  "TAKE_PROFIT",
  "TAKE_PROFIT_MARKET",
  "TRAILING_STOP_MARKET",
] as const;
type OrderType = (typeof ORDER_TYPES)[number];

/** Which fields each type takes (SPEC §4, gateway/src/filters/order-filters.ts). */
const TAKES = {
  price: new Set<OrderType>(["LIMIT", "STOP", "TAKE_PROFIT"]),
  stopPrice: new Set<OrderType>(["STOP", "STOP_MARKET", "TAKE_PROFIT", "TAKE_PROFIT_MARKET"]),
  tif: new Set<OrderType>(["LIMIT", "STOP", "TAKE_PROFIT"]),
  postOnly: new Set<OrderType>(["LIMIT"]),
  closePosition: new Set<OrderType>(["STOP_MARKET", "TAKE_PROFIT_MARKET"]),
  workingType: new Set<OrderType>([
    "STOP",
    "STOP_MARKET",
    "TAKE_PROFIT",
    "TAKE_PROFIT_MARKET",
    "TRAILING_STOP_MARKET",
  ]),
  trailing: new Set<OrderType>(["TRAILING_STOP_MARKET"]),
};
const MARKET_TYPES = new Set<OrderType>([
  "MARKET",
  "STOP_MARKET",
  "TAKE_PROFIT_MARKET",
  "TRAILING_STOP_MARKET",
]);

export interface OrderForm {
  el: HTMLElement;
  setPrice(p: string): void;
  setEnabled(on: boolean): void;
}

const select = (id: string, values: readonly string[], initial?: string) =>
  h(
    "select",
    { id },
    ...values.map((v) => h("option", { value: v, selected: v === initial }, v.replaceAll("_", " "))),
  );
const numberInput = (id: string, placeholder: string) =>
  h("input", {
    id,
    inputmode: "decimal",
    autocomplete: "off",
    spellcheck: "false",
    placeholder,
    class: "num",
  });

export function orderForm(api: Api, inst: InstrumentView, info: MarketInfo, onDone: () => void): OrderForm {
  const buy = h("input", { type: "radio", name: "side", value: "BUY", id: "side-buy", checked: true });
  const sell = h("input", { type: "radio", name: "side", value: "SELL", id: "side-sell" });
  const sides = h(
    "fieldset",
    { class: "sides" },
    h("legend", null, "Side"),
    h("label", { for: "side-buy", class: "side buy" }, buy, "Buy / Long"),
    h("label", { for: "side-sell", class: "side sell" }, sell, "Sell / Short"),
  );
  const type = select("order-type", ORDER_TYPES, "LIMIT");
  const price = numberInput("order-price", inst.tickSize);
  const stopPrice = numberInput("order-stop", inst.tickSize);
  const qty = numberInput("order-qty", inst.stepSize);
  const tif = select("order-tif", ["GTC", "IOC", "FOK"], "GTC");
  const postOnly = h("input", { type: "checkbox", id: "order-postonly" });
  const reduceOnly = h("input", { type: "checkbox", id: "order-reduceonly" });
  const closePosition = h("input", { type: "checkbox", id: "order-closeposition" });
  const workingType = select("order-working", ["CONTRACT_PRICE", "MARK_PRICE"], "CONTRACT_PRICE");
  const callbackRate = numberInput("order-callback", "1.0");
  const activationPrice = numberInput("order-activation", "optional");
  const stp = select("order-stp", ["EXPIRE_TAKER", "EXPIRE_MAKER", "EXPIRE_BOTH", "NONE"], "EXPIRE_TAKER");
  const clientOrderId = h("input", {
    id: "order-cid",
    autocomplete: "off",
    spellcheck: "false",
    maxlength: 36,
    placeholder: "assigned by the gateway",
  });
  const submit = h("button", { type: "submit", class: "buy" }, "Buy / Long");
  const info2 = h("p", { class: "hint num", "data-testid": "order-notional" });
  const result = h("p", {
    class: "status",
    role: "status",
    "aria-live": "polite",
    "data-testid": "order-result",
  });

  const check = (label: string, input: HTMLInputElement, hint?: string) =>
    h(
      "div",
      { class: "check" },
      input,
      h("label", { for: input.id }, label),
      hint ? h("small", { class: "hint" }, hint) : null,
    );
  const wrap = {
    price: field(`Price (${inst.quoteAsset})`, price),
    stopPrice: field("Stop price", stopPrice, "trigger"),
    qty: field(`Quantity (${inst.baseAsset})`, qty, `step ${inst.stepSize}, min ${inst.minQty}`),
    tif: field("Time in force", tif),
    postOnly: check("Post-only (GTX)", postOnly),
    closePosition: check("Close position", closePosition, "on trigger, close all of it"),
    workingType: field("Trigger on", workingType),
    callbackRate: field("Callback rate (%)", callbackRate, "0.1 to 10"),
    activationPrice: field("Activation price", activationPrice),
  };

  const current = () => type.value as OrderType;
  const side = () => (sell.checked ? "SELL" : "BUY");
  const layout = () => {
    const t = current();
    wrap.price.hidden = !TAKES.price.has(t);
    wrap.stopPrice.hidden = !TAKES.stopPrice.has(t);
    wrap.tif.hidden = !TAKES.tif.has(t);
    wrap.postOnly.hidden = !TAKES.postOnly.has(t);
    wrap.closePosition.hidden = !TAKES.closePosition.has(t);
    wrap.workingType.hidden = !TAKES.workingType.has(t);
    wrap.callbackRate.hidden = !TAKES.trailing.has(t);
    wrap.activationPrice.hidden = !TAKES.trailing.has(t);
    const closing = TAKES.closePosition.has(t) && closePosition.checked;
    wrap.qty.hidden = closing;
    reduceOnly.disabled = closing;
    tif.disabled = TAKES.postOnly.has(t) && postOnly.checked;
    submit.textContent = side() === "BUY" ? "Buy / Long" : "Sell / Short";
    submit.className = side() === "BUY" ? "buy" : "sell";
    showNotional();
  };
  const showNotional = () => {
    const t = current();
    const ref = TAKES.price.has(t)
      ? price.value
      : TAKES.stopPrice.has(t)
        ? stopPrice.value
        : (info.mark ?? "");
    const n = ref && qty.value ? notional(ref, qty.value, inst) : undefined;
    info2.textContent = n === undefined ? "" : `Notional ≈ ${formatNotional(n)} ${inst.quoteAsset}`;
  };

  /** The request body exactly as SPEC §8.2 takes it: only the fields this type uses. */
  const body = (): Record<string, unknown> => {
    const t = current();
    const b: Record<string, unknown> = { symbol: inst.symbol, side: side(), type: t };
    const closing = TAKES.closePosition.has(t) && closePosition.checked;
    if (!closing) b.quantity = qty.value.trim();
    if (TAKES.price.has(t)) b.price = price.value.trim();
    if (TAKES.stopPrice.has(t)) b.stopPrice = stopPrice.value.trim();
    if (TAKES.tif.has(t)) b.timeInForce = TAKES.postOnly.has(t) && postOnly.checked ? "GTX" : tif.value;
    if (closing) b.closePosition = true;
    else if (reduceOnly.checked) b.reduceOnly = true;
    if (TAKES.workingType.has(t)) b.workingType = workingType.value;
    if (TAKES.trailing.has(t)) {
      b.callbackRate = callbackRate.value.trim();
      if (activationPrice.value.trim()) b.activationPrice = activationPrice.value.trim();
    }
    if (stp.value !== "EXPIRE_TAKER") b.selfTradePreventionMode = stp.value;
    if (clientOrderId.value.trim()) b.clientOrderId = clientOrderId.value.trim();
    return b;
  };

  const inputs: Record<string, HTMLInputElement> = {
    price,
    stopPrice,
    quantity: qty,
    callbackRate,
    activationPrice,
  };
  const problems = (b: Record<string, unknown>): FilterProblem | undefined => {
    const t = current();
    const market = MARKET_TYPES.has(t);
    if (typeof b.price === "string") {
      const p = checkPrice(b.price, inst, "price");
      if (p) return p;
    }
    if (typeof b.stopPrice === "string") {
      const p = checkPrice(b.stopPrice, inst, "stopPrice");
      if (p) return p;
    }
    if (typeof b.activationPrice === "string") {
      const p = checkPrice(b.activationPrice, inst, "activationPrice");
      if (p) return p;
    }
    if (typeof b.callbackRate === "string" && !/^\d+(\.\d+)?$/.test(b.callbackRate))
      return {
        error: "INVALID_PARAMETER",
        field: "callbackRate",
        msg: "callback rate must be a percent like 1.0",
      };
    if (typeof b.quantity === "string") {
      const q = checkQty(b.quantity, inst, market);
      if (q) return q;
      const ref =
        typeof b.price === "string" ? b.price : typeof b.stopPrice === "string" ? b.stopPrice : info.mark;
      if (ref && !b.reduceOnly) return checkNotional(ref, b.quantity, inst);
    }
    return undefined;
  };

  const form = h(
    "form",
    { id: "order-form", class: "order-form", "aria-labelledby": "order-form-title", novalidate: true },
    h("h2", { id: "order-form-title" }, `Place order · ${inst.symbol}`),
    sides,
    field("Order type", type),
    wrap.price,
    wrap.stopPrice,
    wrap.qty,
    wrap.callbackRate,
    wrap.activationPrice,
    wrap.tif,
    wrap.workingType,
    h("div", { class: "checks" }, wrap.postOnly, check("Reduce-only", reduceOnly), wrap.closePosition),
    h(
      "details",
      null,
      h("summary", null, "More options"),
      field("Self-trade prevention", stp),
      field("Client order id", clientOrderId),
    ),
    info2,
    submit,
    result,
  );

  form.addEventListener("input", showNotional);
  form.addEventListener("change", layout);
  form.addEventListener("submit", async (ev) => {
    ev.preventDefault();
    for (const i of Object.values(inputs)) i.removeAttribute("aria-invalid");
    const b = body();
    const bad = problems(b);
    if (bad) {
      setStatus(result, `${bad.error} (checked before sending): ${bad.msg}`, "error");
      const input = inputs[bad.field];
      input?.setAttribute("aria-invalid", "true");
      input?.focus();
      return;
    }
    submit.disabled = true;
    setStatus(result, "Sending…");
    try {
      const o = await api.post<OrderView>("/api/v1/order?wait=true", b);
      const what = `${o.side} ${o.type.replaceAll("_", " ")} ${o.origQty}${/^0+(\.0+)?$/.test(o.price) ? "" : ` @ ${o.price}`}`;
      if (o.status === "REJECTED")
        setStatus(result, `REJECTED: ${o.rejectReason ?? "no reason given"} — ${what}`, "error");
      else setStatus(result, `${o.status} — ${what} (order ${o.orderId})`, "ok");
    } catch (e) {
      setStatus(result, e instanceof ApiFailure ? e.text : String(e), "error");
    } finally {
      submit.disabled = false;
      onDone();
    }
  });
  layout();

  return {
    el: form,
    setPrice(p: string) {
      if (!TAKES.price.has(current())) type.value = "LIMIT";
      price.value = p;
      layout();
      price.focus();
    },
    setEnabled(on: boolean) {
      submit.disabled = !on;
      submit.title = on ? "" : "Sign in to place orders";
      if (!on) setStatus(result, "Sign in to place orders.");
      else if (result.textContent === "Sign in to place orders.") setStatus(result, "");
    },
  };
}

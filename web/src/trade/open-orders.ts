// Open orders with cancel, cancel-all and amend (PUT /api/v1/order: price and/or quantity of a resting
// LIMIT order). Amend opens a modal <dialog>: focus moves into it, Enter submits, Escape closes, and
// focus returns to the row's button. Answers are shown with the server's names.
import { type Api, errorText } from "../lib/api.js";
import { field, h, panel, replace, setStatus, table } from "../lib/dom.js";
import { checkPrice, checkQty } from "../lib/filters.js";
import { orDash, time } from "../lib/format.js";
import type { InstrumentView, OrderView } from "../lib/types.js";
import type { UserData } from "./user-data.js";

interface Answer {
  status: string;
  rejectReason?: string;
}

export function openOrdersView(api: Api, inst: InstrumentView, data: UserData): HTMLElement {
  const holder = h("div", { class: "scroll" });
  const status = h("p", {
    class: "status",
    role: "status",
    "aria-live": "polite",
    "data-testid": "orders-status",
  });
  const cancelAll = h("button", { type: "button", class: "secondary small", hidden: true }, "Cancel all");

  const report = (what: string, a: Answer) =>
    setStatus(
      status,
      a.status === "REJECTED" ? `${what} REJECTED: ${a.rejectReason ?? ""}` : `${what}: ${a.status}`,
      a.status === "REJECTED" ? "error" : "ok",
    );

  const cancel = async (o: OrderView) => {
    setStatus(status, `Canceling order ${o.orderId}…`);
    try {
      report(
        `Cancel ${o.orderId}`,
        await api.del<Answer>(`/api/v1/order?symbol=${o.symbol}&orderId=${o.orderId}&wait=true`),
      );
    } catch (e) {
      setStatus(status, errorText(e), "error");
    }
    data.soon();
  };
  cancelAll.addEventListener("click", async () => {
    setStatus(status, "Canceling all…");
    try {
      await api.del<Answer>(`/api/v1/orders?symbol=${inst.symbol}&wait=true`);
      setStatus(status, "All open orders canceled", "ok");
    } catch (e) {
      setStatus(status, errorText(e), "error");
    }
    data.soon();
  });

  // the amend dialog, one for the page
  const price = h("input", { id: "amend-price", inputmode: "decimal", autocomplete: "off", class: "num" });
  const qty = h("input", { id: "amend-qty", inputmode: "decimal", autocomplete: "off", class: "num" });
  const amendStatus = h("p", { class: "status", role: "status", "aria-live": "polite" });
  const title = h("h2", { id: "amend-title" }, "Amend order");
  let editing: OrderView | undefined;
  const dialog = h(
    "dialog",
    { "aria-labelledby": "amend-title", class: "panel" },
    h(
      "form",
      { method: "dialog", novalidate: true },
      title,
      field(`Price (${inst.quoteAsset})`, price),
      field(`Quantity (${inst.baseAsset})`, qty, "a pure decrease keeps queue priority"),
      h(
        "div",
        { class: "row" },
        h("button", { type: "submit" }, "Amend"),
        h("button", { type: "button", class: "secondary", onclick: () => dialog.close() }, "Close"),
      ),
      amendStatus,
    ),
  );
  dialog.querySelector("form")!.addEventListener("submit", async (ev) => {
    ev.preventDefault();
    const o = editing;
    if (!o) return;
    const body: Record<string, unknown> = { symbol: o.symbol, orderId: o.orderId };
    if (price.value.trim() !== o.price) body.price = price.value.trim();
    if (qty.value.trim() !== o.origQty) body.quantity = qty.value.trim();
    if (body.price === undefined && body.quantity === undefined) {
      setStatus(amendStatus, "Nothing changed.", "error");
      return;
    }
    const bad =
      (typeof body.price === "string" ? checkPrice(body.price, inst, "price") : undefined) ??
      (typeof body.quantity === "string" ? checkQty(body.quantity, inst, false) : undefined);
    if (bad) {
      setStatus(amendStatus, `${bad.error} (checked before sending): ${bad.msg}`, "error");
      return;
    }
    setStatus(amendStatus, "Sending…");
    try {
      const a = await api.put<Answer>("/api/v1/order?wait=true", body);
      report(`Amend ${o.orderId}`, a);
      if (a.status === "REJECTED") setStatus(amendStatus, `REJECTED: ${a.rejectReason ?? ""}`, "error");
      else dialog.close();
    } catch (e) {
      setStatus(amendStatus, errorText(e), "error");
    }
    data.soon();
  });
  const amend = (o: OrderView) => {
    editing = o;
    title.textContent = `Amend ${o.side} order ${o.orderId}`;
    price.value = o.price;
    qty.value = o.origQty;
    setStatus(amendStatus, "");
    dialog.showModal();
    price.select();
  };

  data.subscribe((s) => {
    cancelAll.hidden = !s.signedIn || s.open.length === 0;
    replace(
      holder,
      s.signedIn
        ? table<OrderView>(
            "Open orders",
            [
              { label: "Time", num: true, cell: (o) => time(o.time) },
              { label: "Side", cell: (o) => o.side, cls: (o) => (o.side === "BUY" ? "pos" : "neg") },
              { label: "Type", cell: (o) => o.type.replaceAll("_", " ") },
              { label: "Price", num: true, cell: (o) => orDash(o.price) },
              { label: "Stop", num: true, cell: (o) => orDash(o.stopPrice) },
              { label: "Quantity", num: true, cell: (o) => o.origQty },
              { label: "Filled", num: true, cell: (o) => o.executedQty },
              { label: "TIF", cell: (o) => o.timeInForce },
              { label: "Status", cell: (o) => o.status },
              {
                label: "",
                cell: (o) =>
                  h(
                    "span",
                    { class: "row" },
                    o.type === "LIMIT"
                      ? h(
                          "button",
                          {
                            type: "button",
                            class: "secondary small",
                            "aria-label": `Amend order ${o.orderId}`,
                            onclick: () => amend(o),
                          },
                          "Amend",
                        )
                      : null,
                    h(
                      "button",
                      {
                        type: "button",
                        class: "secondary small",
                        "aria-label": `Cancel order ${o.orderId}`,
                        onclick: () => void cancel(o),
                      },
                      "Cancel",
                    ),
                  ),
              },
            ],
            s.open,
            "No open orders",
          )
        : h("p", { class: "muted" }, "Sign in to see your orders."),
    );
  });
  return panel(
    "open-orders",
    "Open orders",
    h("div", { class: "panel-tools" }, cancelAll),
    holder,
    status,
    dialog,
  );
}

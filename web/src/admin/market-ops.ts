// Market operations: the listed instruments, an index price override (POST /api/v1/admin/index-price,
// an ORACLE_PRICE command) and paying funding now (POST /api/v1/admin/funding).
import { type Api, errorText } from "../lib/api.js";
import { field, h, panel, setStatus, table } from "../lib/dom.js";
import { checkPrice } from "../lib/filters.js";
import { dateTime, ratePct } from "../lib/format.js";
import type { InstrumentView } from "../lib/types.js";
import type { AdminGate } from "./gate.js";

export function instrumentsView(instruments: InstrumentView[]): HTMLElement {
  return panel(
    "instruments",
    "Instruments",
    h(
      "div",
      { class: "scroll" },
      table<InstrumentView>(
        "Instruments",
        [
          { label: "Symbol", cell: (i) => i.symbol },
          { label: "Tick", num: true, cell: (i) => i.tickSize },
          { label: "Step", num: true, cell: (i) => i.stepSize },
          { label: "Min qty", num: true, cell: (i) => i.minQty },
          { label: "Max qty", num: true, cell: (i) => i.maxQty },
          { label: "Min notional", num: true, cell: (i) => i.minNotional },
          { label: "Maker fee", num: true, cell: (i) => ratePct(i.makerFeeRate) },
          { label: "Taker fee", num: true, cell: (i) => ratePct(i.takerFeeRate) },
          { label: "Band", num: true, cell: (i) => ratePct(i.pricePercentBand) },
          { label: "Max lev.", num: true, cell: (i) => `${i.maxLeverage}x` },
          { label: "Funding every", num: true, cell: (i) => `${i.fundingIntervalHours} h` },
        ],
        instruments,
      ),
    ),
  );
}

export function priceOpsView(api: Api, gate: AdminGate, instruments: InstrumentView[]): HTMLElement {
  const options = () => instruments.map((i) => h("option", { value: i.symbol }, i.symbol));
  const symbol = h("select", { id: "index-symbol" }, ...options());
  const price = h("input", { id: "index-price", inputmode: "decimal", class: "num", autocomplete: "off" });
  const indexStatus = h("p", {
    class: "status",
    role: "status",
    "aria-live": "polite",
    "data-testid": "index-status",
  });
  const indexForm = h(
    "form",
    { novalidate: true, "aria-labelledby": "index-form-title" },
    h("h3", { id: "index-form-title" }, "Index price override"),
    field("Symbol", symbol),
    field("Index price", price, "sent as an oracle price; the mark follows"),
    h("button", { type: "submit" }, "Set index price"),
    indexStatus,
  );
  indexForm.addEventListener("submit", async (ev) => {
    ev.preventDefault();
    if (!gate.signedIn) return setStatus(indexStatus, "Sign in first.", "error");
    const inst = instruments.find((i) => i.symbol === symbol.value);
    const bad = inst ? checkPrice(price.value, inst, "price") : undefined;
    if (bad) return setStatus(indexStatus, `${bad.error} (checked before sending): ${bad.msg}`, "error");
    try {
      const r = await api.post<{ symbol: string; price: string }>("/api/v1/admin/index-price", {
        symbol: symbol.value,
        price: price.value.trim(),
      });
      setStatus(indexStatus, `${r.symbol} index set to ${r.price}`, "ok");
    } catch (e) {
      setStatus(indexStatus, errorText(e), "error");
    }
  });

  const fSymbol = h(
    "select",
    { id: "funding-symbol" },
    h("option", { value: "" }, "All symbols"),
    ...options(),
  );
  const fStatus = h("div", {
    class: "status",
    role: "status",
    "aria-live": "polite",
    "data-testid": "funding-status",
  });
  const fundingForm = h(
    "form",
    { novalidate: true, "aria-labelledby": "funding-form-title" },
    h("h3", { id: "funding-form-title" }, "Pay funding now"),
    field("Symbol", fSymbol),
    h("button", { type: "submit" }, "Pay funding"),
    fStatus,
  );
  fundingForm.addEventListener("submit", async (ev) => {
    ev.preventDefault();
    if (!gate.signedIn) return setStatus(fStatus, "Sign in first.", "error");
    fStatus.textContent = "Paying…";
    try {
      const rows = await api.post<
        { symbol: string; fundingTime: number; fundingRate: string; markPrice: string }[]
      >("/api/v1/admin/funding", fSymbol.value ? { symbol: fSymbol.value } : {});
      fStatus.dataset.kind = "ok";
      fStatus.replaceChildren(
        table(
          "Funding paid",
          [
            { label: "Symbol", cell: (r) => r.symbol },
            { label: "Time", num: true, cell: (r) => dateTime(r.fundingTime) },
            { label: "Rate", num: true, cell: (r) => ratePct(r.fundingRate) },
            { label: "Mark", num: true, cell: (r) => r.markPrice },
          ],
          rows,
          "Nothing paid (no mark yet, or already paid for this time)",
        ),
      );
      gate.refreshAll();
    } catch (e) {
      fStatus.dataset.kind = "error";
      fStatus.textContent = errorText(e);
    }
  });
  return panel("price-ops", "Prices and funding", h("div", { class: "forms" }, indexForm, fundingForm));
}

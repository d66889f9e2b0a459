// The trading page (/): market strip, order book, recent trades, chart, order form, account, positions,
// open orders and history for one symbol (chosen with the selector; kept in the URL hash).
import "../styles.css";
import { byId, h } from "../lib/dom.js";
import { signInBox } from "../lib/session.js";
import { type Boot, boot, fatal, header } from "../lib/shell.js";
import { accountView } from "./account.js";
import { bookView } from "./book-view.js";
import { chartView } from "./chart.js";
import { historyView } from "./history.js";
import { MarketInfo, marketStrip } from "./market.js";
import { openOrdersView } from "./open-orders.js";
import { orderForm } from "./order-form.js";
import { positionsView } from "./positions.js";
import { loadRecent, tradesView } from "./trades-view.js";
import { UserData } from "./user-data.js";

const SLOT = "perpx.trader";

function page(b: Boot): HTMLElement[] {
  const { api, stream, instruments, clock } = b;
  const wanted = decodeURIComponent(location.hash.slice(1));
  const inst = instruments.find((i) => i.symbol === wanted) ?? instruments[0];
  if (!inst) return [h("p", { role: "alert" }, "No instrument is listed yet.")];

  const symbol = h(
    "select",
    { "aria-label": "Symbol", class: "symbol" },
    ...instruments.map((i) => h("option", { value: i.symbol, selected: i === inst }, i.symbol)),
  );
  symbol.addEventListener("change", () => {
    location.hash = symbol.value;
    location.reload();
  });

  const info = new MarketInfo();
  const data = new UserData(api, inst.symbol, stream);
  const recent = loadRecent(api, inst.symbol);
  const form = orderForm(api, inst, info, () => data.soon());
  form.setEnabled(false);
  const signIn = signInBox({
    slot: SLOT,
    api,
    title: "Sign in to trade",
    verify: async () => {
      const a = await api.get<{ userId: number }>("/api/v1/account");
      return `Signed in as user ${a.userId}`;
    },
    onChange: (c) => {
      stream.setCredentials(c);
      data.setSignedIn(c !== null);
      form.setEnabled(c !== null);
    },
  });
  const userErrors = h("p", { class: "warning", role: "alert", hidden: true });
  stream.onError((name, msg) => {
    userErrors.hidden = false;
    userErrors.textContent = `Stream: ${name}${msg ? ` — ${msg}` : ""}`;
  });

  return [
    header("trade", stream, symbol),
    h(
      "main",
      { class: "layout" },
      marketStrip(api, stream, inst, info, () => clock.now()),
      h(
        "div",
        { class: "col-book" },
        bookView(stream, inst, (p) => form.setPrice(p)),
        tradesView(api, stream, inst, recent),
      ),
      h(
        "div",
        { class: "col-main" },
        userErrors,
        chartView(stream, inst, info, recent),
        positionsView(api, data),
        openOrdersView(api, inst, data),
        historyView(data),
      ),
      h(
        "div",
        { class: "col-side" },
        signIn,
        h("section", { class: "panel" }, form.el),
        accountView(api, inst, data),
      ),
    ),
  ];
}

async function main(): Promise<void> {
  const root = byId("app");
  try {
    const b = await boot();
    root.replaceChildren(...page(b));
  } catch (e) {
    fatal(root, e);
  }
}

void main();

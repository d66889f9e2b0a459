// Order, trade and funding history in tabs (WAI-ARIA tabs: arrow keys move between tabs, Tab moves
// into the panel).
import { type Child, h, panel, replace, table } from "../lib/dom.js";
import { dateTime, orDash, ratePct, signClass } from "../lib/format.js";
import type { FundingPaymentView, OrderView, UserTradeView } from "../lib/types.js";
import type { UserData, UserSnapshot } from "./user-data.js";

interface Tab {
  id: string;
  label: string;
  render: (s: UserSnapshot) => Child;
}

const TABS: Tab[] = [
  {
    id: "hist-trades",
    label: "Trade history",
    render: (s) =>
      table<UserTradeView>(
        "Trade history",
        [
          { label: "Time", num: true, cell: (t) => dateTime(t.time) },
          { label: "Side", cell: (t) => t.side, cls: (t) => (t.side === "BUY" ? "pos" : "neg") },
          { label: "Price", num: true, cell: (t) => t.price },
          { label: "Quantity", num: true, cell: (t) => t.qty },
          { label: "Fee", num: true, cell: (t) => t.commission },
          {
            label: "Realized PnL",
            num: true,
            cell: (t) => t.realizedPnl,
            cls: (t) => signClass(t.realizedPnl),
          },
          { label: "Role", cell: (t) => (t.maker ? "maker" : "taker") },
          { label: "Type", cell: (t) => t.type },
        ],
        [...s.trades].reverse(),
        "No trades yet",
      ),
  },
  {
    id: "hist-orders",
    label: "Order history",
    render: (s) =>
      table<OrderView>(
        "Order history",
        [
          { label: "Time", num: true, cell: (o) => dateTime(o.time) },
          { label: "Side", cell: (o) => o.side, cls: (o) => (o.side === "BUY" ? "pos" : "neg") },
          { label: "Type", cell: (o) => o.type.replaceAll("_", " ") },
          { label: "Price", num: true, cell: (o) => orDash(o.price) },
          { label: "Avg price", num: true, cell: (o) => orDash(o.avgPrice) },
          { label: "Quantity", num: true, cell: (o) => o.origQty },
          { label: "Filled", num: true, cell: (o) => o.executedQty },
          { label: "Status", cell: (o) => (o.rejectReason ? `${o.status}: ${o.rejectReason}` : o.status) },
        ],
        [...s.orders].reverse(),
        "No orders yet",
      ),
  },
  {
    id: "hist-funding",
    label: "Funding",
    render: (s) =>
      table<FundingPaymentView>(
        "Funding payments",
        [
          { label: "Time", num: true, cell: (f) => dateTime(f.fundingTime) },
          { label: "Symbol", cell: (f) => f.symbol },
          { label: "Rate", num: true, cell: (f) => ratePct(f.fundingRate) },
          { label: "Position", num: true, cell: (f) => f.positionAmt },
          { label: "Mark", num: true, cell: (f) => f.markPrice },
          { label: "Amount (USDT)", num: true, cell: (f) => f.amount, cls: (f) => signClass(f.amount) },
        ],
        [...s.funding].reverse(),
        "No funding payments yet",
      ),
  },
];

export function historyView(data: UserData): HTMLElement {
  let active = 0;
  let last: UserSnapshot | undefined;
  const tabs = TABS.map((t, i) =>
    h(
      "button",
      { type: "button", role: "tab", id: `${t.id}-tab`, "aria-controls": t.id, onclick: () => select(i) },
      t.label,
    ),
  );
  const panels = TABS.map((t) =>
    h("div", { role: "tabpanel", id: t.id, "aria-labelledby": `${t.id}-tab`, tabindex: 0, class: "scroll" }),
  );
  const list = h("div", { role: "tablist", "aria-label": "History" }, ...tabs);
  list.addEventListener("keydown", (ev) => {
    const d = ev.key === "ArrowRight" ? 1 : ev.key === "ArrowLeft" ? -1 : 0;
    if (!d) return;
    ev.preventDefault();
    select((active + d + TABS.length) % TABS.length);
    tabs[active]?.focus();
  });
  const select = (i: number) => {
    active = i;
    tabs.forEach((t, j) => {
      t.setAttribute("aria-selected", String(i === j));
      t.tabIndex = i === j ? 0 : -1;
      panels[j]!.hidden = i !== j;
    });
    if (last) draw(last);
  };
  const draw = (s: UserSnapshot) => {
    last = s;
    const p = panels[active]!;
    replace(
      p,
      s.signedIn ? TABS[active]!.render(s) : h("p", { class: "muted" }, "Sign in to see your history."),
    );
  };
  select(0);
  data.subscribe(draw);
  return panel("history", "History", list, ...panels);
}

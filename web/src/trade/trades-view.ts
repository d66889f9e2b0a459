// Recent public trades: GET /api/v1/trades/recent, then trades:SYM. After a reconnect the list is
// reloaded from REST (the stream replays nothing). Liquidation and ADL fills are marked.
import type { Api } from "../lib/api.js";
import { h, panel, replace } from "../lib/dom.js";
import { time } from "../lib/format.js";
import type { Stream } from "../lib/stream.js";
import type { InstrumentView, PublicTradeView, TradeMsg } from "../lib/types.js";

const SHOWN = 30;

export interface TapeTrade {
  id: number;
  price: string;
  qty: string;
  /** the taker bought */
  buy: boolean;
  type: string;
  time: number;
}

export const fromRest = (t: PublicTradeView): TapeTrade => ({
  id: t.tradeId,
  price: t.price,
  qty: t.qty,
  buy: !t.isBuyerMaker,
  type: t.type,
  time: t.time,
});

export const fromStream = (m: TradeMsg): TapeTrade => ({
  id: m.t,
  price: m.p,
  qty: m.q,
  buy: !m.m,
  type: m.X,
  time: m.T,
});

export function loadRecent(api: Api, symbol: string, limit = 200): Promise<TapeTrade[]> {
  return api
    .get<PublicTradeView[]>(`/api/v1/trades/recent?symbol=${symbol}&limit=${limit}`)
    .then((ts) => ts.map(fromRest));
}

export function tradesView(
  api: Api,
  stream: Stream,
  inst: InstrumentView,
  initial: Promise<TapeTrade[]>,
): HTMLElement {
  let trades: TapeTrade[] = [];
  const body = h("tbody");
  const render = () =>
    replace(
      body,
      ...(trades.length === 0
        ? [h("tr", { class: "empty" }, h("td", { colspan: 3 }, "No trades yet"))]
        : trades.map((t) =>
            h(
              "tr",
              { class: t.buy ? "bid" : "ask" },
              h(
                "td",
                { class: "num price" },
                t.price,
                t.type !== "NORMAL"
                  ? h("span", { class: "badge warn" }, t.type === "ADL" ? "ADL" : "LIQ")
                  : null,
              ),
              h("td", { class: "num" }, t.qty),
              h("td", { class: "num muted" }, time(t.time)),
            ),
          )),
    );
  const merge = (incoming: TapeTrade[]) => {
    const seen = new Set(trades.map((t) => t.id));
    trades = [...incoming.filter((t) => !seen.has(t.id)), ...trades]
      .sort((a, b) => b.id - a.id)
      .slice(0, SHOWN);
    render();
  };
  initial.then(merge, () => undefined);
  stream.on(`trades:${inst.symbol}`, (raw) => merge([fromStream(raw as unknown as TradeMsg)]));
  stream.onConnect(() => {
    loadRecent(api, inst.symbol, SHOWN).then(merge, () => undefined);
  });
  render();
  return panel(
    "trades",
    "Recent trades",
    h(
      "table",
      { class: "grid", "aria-label": `Recent trades ${inst.symbol}` },
      h(
        "thead",
        null,
        h(
          "tr",
          null,
          h("th", { scope: "col", class: "num" }, "Price"),
          h("th", { scope: "col", class: "num" }, "Size"),
          h("th", { scope: "col", class: "num" }, "Time"),
        ),
      ),
      body,
    ),
  );
}

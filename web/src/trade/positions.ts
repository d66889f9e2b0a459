// Open positions with liquidation price and ADL lights (GET /api/v1/adl-quantile: quintile 1–5, five
// lights, more lit = earlier in the auto-deleveraging queue), and a reduce-only market close.
import { type Api, errorText } from "../lib/api.js";
import { h, panel, replace, setStatus, table } from "../lib/dom.js";
import { orDash, signClass } from "../lib/format.js";
import type { PositionView } from "../lib/types.js";
import type { UserData } from "./user-data.js";

export function adlLights(q: number): HTMLElement {
  return h(
    "span",
    { class: "adl", role: "img", "aria-label": `ADL ${q} of 5`, title: `ADL quantile ${q} of 5` },
    ...[1, 2, 3, 4, 5].map((i) => h("span", { class: i <= q ? `on q${q}` : "" })),
  );
}

export function positionsView(api: Api, data: UserData): HTMLElement {
  const holder = h("div", { class: "scroll" });
  const status = h("p", { class: "status", role: "status", "aria-live": "polite" });

  const close = async (p: PositionView) => {
    const qty = p.positionAmt.replace(/^-/, "");
    setStatus(status, `Closing ${p.symbol}…`);
    try {
      const o = await api.post<{ status: string; rejectReason?: string }>("/api/v1/order?wait=true", {
        symbol: p.symbol,
        side: p.positionAmt.startsWith("-") ? "BUY" : "SELL",
        type: "MARKET",
        quantity: qty,
        reduceOnly: true,
      });
      setStatus(
        status,
        o.status === "REJECTED" ? `REJECTED: ${o.rejectReason}` : `Close order ${o.status}`,
        o.status === "REJECTED" ? "error" : "ok",
      );
    } catch (e) {
      setStatus(status, errorText(e), "error");
    }
    data.soon();
  };

  data.subscribe((s) => {
    const adl = new Map(s.adl.map((a) => [a.symbol, a.adlQuantile]));
    replace(
      holder,
      s.signedIn
        ? table<PositionView>(
            "Positions",
            [
              { label: "Symbol", cell: (p) => p.symbol },
              { label: "Size", num: true, cell: (p) => p.positionAmt, cls: (p) => signClass(p.positionAmt) },
              { label: "Entry price", num: true, cell: (p) => p.entryPrice },
              { label: "Mark price", num: true, cell: (p) => p.markPrice },
              { label: "Liq. price", num: true, cell: (p) => orDash(p.liquidationPrice), cls: () => "liq" },
              {
                label: "Margin",
                cell: (p) => `${p.marginType === "ISOLATED" ? "Isolated" : "Cross"} ${p.leverage}x`,
              },
              { label: "Maint. margin", num: true, cell: (p) => p.maintMargin },
              {
                label: "Unrealized PnL",
                num: true,
                cell: (p) => p.unrealizedPnl,
                cls: (p) => signClass(p.unrealizedPnl),
              },
              { label: "ADL", cell: (p) => adlLights(adl.get(p.symbol) ?? 0) },
              {
                label: "",
                cell: (p) =>
                  h(
                    "button",
                    {
                      type: "button",
                      class: "secondary small",
                      "aria-label": `Close ${p.symbol} position at market`,
                      onclick: () => void close(p),
                    },
                    "Close",
                  ),
              },
            ],
            s.positions,
            "No open positions",
          )
        : h("p", { class: "muted" }, "Sign in to see positions."),
    );
  });
  return panel("positions", "Positions", holder, status);
}

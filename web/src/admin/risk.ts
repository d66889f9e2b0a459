// Positions nearest liquidation (GET /api/v1/admin/positions/at-risk): margin ratio = maintenance
// margin / margin balance of what backs the position; the engine liquidates at 100 %.
import { type Api, errorText } from "../lib/api.js";
import { h, panel, replace, table } from "../lib/dom.js";
import { orDash, ratePct, signClass } from "../lib/format.js";
import type { AtRiskPositionView } from "../lib/types.js";
import { type AdminGate, SIGN_IN_FIRST } from "./gate.js";

export function riskView(api: Api, gate: AdminGate): HTMLElement {
  const holder = h("div", { class: "scroll" });
  const load = async () => {
    try {
      const rows = await api.get<AtRiskPositionView[]>("/api/v1/admin/positions/at-risk?limit=20");
      replace(
        holder,
        table<AtRiskPositionView>(
          "Positions nearest liquidation",
          [
            { label: "User", num: true, cell: (r) => r.userId },
            { label: "Symbol", cell: (r) => r.symbol },
            { label: "Size", num: true, cell: (r) => r.positionAmt, cls: (r) => signClass(r.positionAmt) },
            { label: "Mark", num: true, cell: (r) => r.markPrice },
            { label: "Liq. price", num: true, cell: (r) => orDash(r.liquidationPrice) },
            {
              label: "Distance",
              num: true,
              cell: (r) => (r.liquidationDistance === null ? "—" : ratePct(r.liquidationDistance)),
            },
            {
              label: "Margin",
              cell: (r) => `${r.marginType === "ISOLATED" ? "Isolated" : "Cross"} ${r.leverage}x`,
            },
            { label: "Margin balance", num: true, cell: (r) => r.marginBalance },
            { label: "Maint. margin", num: true, cell: (r) => r.maintMargin },
            {
              label: "Margin ratio",
              num: true,
              cell: (r) => (r.marginRatio === null ? "no margin left" : ratePct(r.marginRatio)),
              cls: (r) => (r.liquidatable ? "neg strong" : undefined),
            },
          ],
          rows,
          "No open positions",
        ),
      );
    } catch (e) {
      replace(holder, h("p", { class: "status", "data-kind": "error" }, errorText(e)));
    }
  };
  gate.register({
    enter: () => void load(),
    leave: () => replace(holder, h("p", { class: "muted" }, SIGN_IN_FIRST)),
    refresh: () => void load(),
  });
  return panel("risk", "Positions nearest liquidation", holder);
}

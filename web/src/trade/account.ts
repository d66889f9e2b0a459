// Account balances (GET /api/v1/account, USDT) and the symbol's leverage and margin type
// (POST /api/v1/leverage, /api/v1/margin-type).
import { type Api, errorText } from "../lib/api.js";
import { field, h, panel, replace, setStatus } from "../lib/dom.js";
import { signClass } from "../lib/format.js";
import type { AccountView, InstrumentView } from "../lib/types.js";
import type { UserData } from "./user-data.js";

const ROWS: [keyof AccountView["assets"][number], string][] = [
  ["walletBalance", "Wallet balance"],
  ["unrealizedPnl", "Unrealized PnL"],
  ["marginBalance", "Margin balance"],
  ["availableBalance", "Available"],
  ["initialMargin", "Initial margin"],
  ["maintMargin", "Maint. margin"],
];

export function accountView(api: Api, inst: InstrumentView, data: UserData): HTMLElement {
  const list = h("dl", { class: "kv", "aria-label": "Balances" });
  const settings = h("div");
  const status = h("p", { class: "status", role: "status", "aria-live": "polite" });

  const leverage = h("input", {
    id: "acct-leverage",
    type: "number",
    min: 1,
    max: inst.maxLeverage,
    step: 1,
    class: "num",
    value: inst.defaultLeverage,
  });
  const marginType = h(
    "select",
    { id: "acct-margin-type" },
    h("option", { value: "CROSSED" }, "Cross"),
    h("option", { value: "ISOLATED" }, "Isolated"),
  );
  const form = h(
    "form",
    { class: "inline", "aria-label": `Leverage and margin type for ${inst.symbol}`, novalidate: true },
    field("Leverage", leverage, `1 to ${inst.maxLeverage}`),
    field("Margin type", marginType),
    h("button", { type: "submit", class: "secondary" }, "Apply"),
  );
  form.addEventListener("submit", async (ev) => {
    ev.preventDefault();
    setStatus(status, "Applying…");
    try {
      const l = await api.post<{ leverage: number; status?: string; rejectReason?: string }>(
        "/api/v1/leverage?wait=true",
        {
          symbol: inst.symbol,
          leverage: Number(leverage.value),
        },
      );
      const m = await api.post<{ marginType: string; status?: string; rejectReason?: string }>(
        "/api/v1/margin-type?wait=true",
        {
          symbol: inst.symbol,
          marginType: marginType.value,
        },
      );
      const rej = l.rejectReason ?? m.rejectReason;
      setStatus(
        status,
        rej
          ? `REJECTED: ${rej}`
          : `${inst.symbol}: ${l.leverage}x ${m.marginType === "ISOLATED" ? "isolated" : "cross"}`,
        rej ? "error" : "ok",
      );
    } catch (e) {
      setStatus(status, errorText(e), "error");
    }
    data.soon();
  });

  data.subscribe((s) => {
    const a = s.account?.assets.find((x) => x.asset === "USDT");
    settings.hidden = !s.signedIn;
    if (!s.signedIn || !a) {
      replace(
        list,
        h(
          "div",
          null,
          h("dt", null, "Balances"),
          h("dd", { class: "muted" }, s.signedIn ? "…" : "Sign in to see balances."),
        ),
      );
      return;
    }
    replace(
      list,
      ...ROWS.map(([k, label]) =>
        h(
          "div",
          null,
          h("dt", null, label),
          h(
            "dd",
            { class: `num ${k === "unrealizedPnl" ? signClass(a[k]) : ""}`, "data-testid": `balance-${k}` },
            `${a[k]} USDT`,
          ),
        ),
      ),
    );
    const pos = s.positions.find((p) => p.symbol === inst.symbol);
    if (pos && document.activeElement !== leverage) leverage.value = String(pos.leverage);
  });
  replace(settings, form, status);
  return panel("account", "Account (USDT)", list, settings);
}

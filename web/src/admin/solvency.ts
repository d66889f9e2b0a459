// The solvency check (GET /api/v1/admin/solvency) as a plain PASS/FAIL — PASS only when the
// conservation invariant's difference is exactly 0.000000 — and the insurance fund with its history.
import { type Api, errorText } from "../lib/api.js";
import { h, panel, replace, table } from "../lib/dom.js";
import { dateTime, signClass } from "../lib/format.js";
import type { InsuranceFundView, InsuranceHistoryView, SolvencyView } from "../lib/types.js";
import { type AdminGate, SIGN_IN_FIRST } from "./gate.js";

const PARTS: [keyof SolvencyView, string][] = [
  ["netDeposits", "Net deposits"],
  ["walletBalances", "Wallets (cross + isolated)"],
  ["insuranceFund", "Insurance fund"],
  ["feeAccount", "Fee account"],
  ["unrealizedPnl", "Unrealized PnL"],
  ["difference", "Difference"],
];

export function solvencyView(api: Api, gate: AdminGate): HTMLElement {
  const verdict = h(
    "p",
    { class: "verdict", role: "status", "aria-live": "polite", "data-testid": "solvency-verdict" },
    "—",
  );
  const parts = h("dl", { class: "kv" });
  const load = async () => {
    try {
      const s = await api.get<SolvencyView>("/api/v1/admin/solvency");
      const pass = s.difference === "0.000000";
      verdict.textContent = pass ? "PASS" : "FAIL";
      verdict.dataset.pass = String(pass);
      verdict.title = pass
        ? "Σ wallets + insurance + fees + UPnL = net deposits, to the micro-USDT"
        : `off by ${s.difference} ${s.asset}`;
      replace(
        parts,
        ...PARTS.map(([k, label]) =>
          h("div", null, h("dt", null, label), h("dd", { class: "num" }, `${s[k]} ${s.asset}`)),
        ),
      );
    } catch (e) {
      verdict.textContent = "UNKNOWN";
      verdict.dataset.pass = "false";
      replace(parts, h("p", { class: "status", "data-kind": "error" }, errorText(e)));
    }
  };
  gate.register({
    enter: () => void load(),
    leave: () => {
      verdict.textContent = "—";
      delete verdict.dataset.pass;
      replace(parts, h("p", { class: "muted" }, SIGN_IN_FIRST));
    },
    refresh: () => void load(),
  });
  return panel(
    "solvency",
    "Solvency",
    verdict,
    h(
      "p",
      { class: "hint" },
      "wallets + insurance fund + fee account + unrealized PnL − net deposits must be exactly 0",
    ),
    parts,
  );
}

export function insuranceView(api: Api, gate: AdminGate): HTMLElement {
  const balance = h("p", { class: "big num", "data-testid": "insurance-balance" }, "—");
  const holder = h("div", { class: "scroll" });
  const load = async () => {
    try {
      const f = await api.get<InsuranceFundView & { history: InsuranceHistoryView[] }>(
        "/api/v1/admin/insurance-fund?limit=50",
      );
      balance.textContent = `${f.balance} ${f.asset}`;
      replace(
        holder,
        table<InsuranceHistoryView>(
          "Insurance fund history",
          [
            { label: "Time", num: true, cell: (r) => dateTime(r.time) },
            { label: "Symbol", cell: (r) => r.symbol || "—" },
            { label: "Reason", cell: (r) => r.reason },
            { label: "Change", num: true, cell: (r) => r.delta, cls: (r) => signClass(r.delta) },
            { label: "Balance", num: true, cell: (r) => r.balance },
          ],
          [...f.history].reverse(),
          "No movements yet",
        ),
      );
    } catch (e) {
      replace(holder, h("p", { class: "status", "data-kind": "error" }, errorText(e)));
    }
  };
  gate.register({
    enter: () => void load(),
    leave: () => {
      balance.textContent = "—";
      replace(holder, h("p", { class: "muted" }, SIGN_IN_FIRST));
    },
    refresh: () => void load(),
  });
  return panel("insurance", "Insurance fund", balance, holder);
}

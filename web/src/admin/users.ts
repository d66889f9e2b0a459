// Users, API keys and deposits: create a user, give it a key (the secret is shown once, here, and never
// again), credit a deposit (idempotent by txId). The users and keys created in this tab are listed.
import { type Api, errorText } from "../lib/api.js";
import { field, h, panel, replace, setStatus, table } from "../lib/dom.js";
import type { AdminGate } from "./gate.js";

interface Created {
  userId: number;
  name: string;
  apiKey?: string;
}

function randomTxId(): string {
  const b = crypto.getRandomValues(new Uint8Array(6));
  return `ui-${[...b].map((x) => x.toString(16).padStart(2, "0")).join("")}`;
}

export function usersView(api: Api, gate: AdminGate): HTMLElement {
  const created: Created[] = [];
  const listHolder = h("div", { class: "scroll" });
  const drawList = () =>
    replace(
      listHolder,
      table<Created>(
        "Users created in this session",
        [
          { label: "User", num: true, cell: (u) => u.userId },
          { label: "Name", cell: (u) => u.name || "—" },
          { label: "Last key", cell: (u) => u.apiKey ?? "—" },
        ],
        created,
        "No user created in this session",
      ),
    );

  // create user
  const name = h("input", { id: "user-name", maxlength: 64, autocomplete: "off" });
  const userStatus = h("p", {
    class: "status",
    role: "status",
    "aria-live": "polite",
    "data-testid": "user-status",
  });
  const userForm = h(
    "form",
    { novalidate: true, "aria-labelledby": "user-form-title" },
    h("h3", { id: "user-form-title" }, "Create user"),
    field("Name (optional)", name),
    h("button", { type: "submit" }, "Create user"),
    userStatus,
  );

  // create key
  const keyUser = h("input", { id: "key-user", inputmode: "numeric", class: "num", autocomplete: "off" });
  const keyAdmin = h("input", { id: "key-admin", type: "checkbox" });
  const keyStatus = h("div", {
    class: "status",
    role: "status",
    "aria-live": "polite",
    "data-testid": "key-status",
  });
  const keyForm = h(
    "form",
    { novalidate: true, "aria-labelledby": "key-form-title" },
    h("h3", { id: "key-form-title" }, "Create API key"),
    field("User id", keyUser),
    h("div", { class: "check" }, keyAdmin, h("label", { for: "key-admin" }, "Admin key")),
    h("button", { type: "submit" }, "Create key"),
    keyStatus,
  );

  // deposit
  const depUser = h("input", { id: "dep-user", inputmode: "numeric", class: "num", autocomplete: "off" });
  const depAmount = h("input", {
    id: "dep-amount",
    inputmode: "decimal",
    class: "num",
    autocomplete: "off",
    placeholder: "10000",
  });
  const depTx = h("input", { id: "dep-tx", autocomplete: "off", value: randomTxId() });
  const depStatus = h("p", {
    class: "status",
    role: "status",
    "aria-live": "polite",
    "data-testid": "deposit-status",
  });
  const depForm = h(
    "form",
    { novalidate: true, "aria-labelledby": "dep-form-title" },
    h("h3", { id: "dep-form-title" }, "Deposit"),
    field("User id", depUser),
    field("Amount (USDT)", depAmount),
    field("Transaction id", depTx, "idempotent: the same id is credited once"),
    h("button", { type: "submit" }, "Credit deposit"),
    depStatus,
  );

  userForm.addEventListener("submit", async (ev) => {
    ev.preventDefault();
    if (!gate.signedIn) return setStatus(userStatus, "Sign in first.", "error");
    setStatus(userStatus, "Creating…");
    try {
      const body = name.value.trim() ? { name: name.value.trim() } : {};
      const r = await api.post<{ userId: number; status?: string; rejectReason?: string }>(
        "/api/v1/admin/users?wait=true",
        body,
      );
      if (r.rejectReason) return setStatus(userStatus, `REJECTED: ${r.rejectReason}`, "error");
      created.push({ userId: r.userId, name: name.value.trim() });
      drawList();
      keyUser.value = String(r.userId);
      depUser.value = String(r.userId);
      setStatus(userStatus, `Created user ${r.userId}`, "ok");
    } catch (e) {
      setStatus(userStatus, errorText(e), "error");
    }
  });

  keyForm.addEventListener("submit", async (ev) => {
    ev.preventDefault();
    if (!gate.signedIn) return setStatus(keyStatus, "Sign in first.", "error");
    keyStatus.textContent = "Creating…";
    keyStatus.dataset.kind = "info";
    try {
      const r = await api.post<{ apiKey: string; apiSecret: string; userId: number; admin: boolean }>(
        "/api/v1/admin/api-keys",
        {
          userId: Number(keyUser.value),
          ...(keyAdmin.checked ? { admin: true } : {}),
        },
      );
      const u = created.find((c) => c.userId === r.userId);
      if (u) u.apiKey = r.apiKey;
      drawList();
      keyStatus.dataset.kind = "ok";
      replace(
        keyStatus,
        h(
          "p",
          null,
          `Key for user ${r.userId}${r.admin ? " (admin)" : ""} — copy the secret now, it is not shown again:`,
        ),
        h(
          "dl",
          { class: "kv secret" },
          h(
            "div",
            null,
            h("dt", null, "API key"),
            h("dd", { "data-testid": "new-api-key" }, h("code", null, r.apiKey)),
          ),
          h(
            "div",
            null,
            h("dt", null, "API secret"),
            h("dd", { "data-testid": "new-api-secret" }, h("code", null, r.apiSecret)),
          ),
        ),
      );
    } catch (e) {
      keyStatus.dataset.kind = "error";
      keyStatus.textContent = errorText(e);
    }
  });

  depForm.addEventListener("submit", async (ev) => {
    ev.preventDefault();
    if (!gate.signedIn) return setStatus(depStatus, "Sign in first.", "error");
    setStatus(depStatus, "Crediting…");
    try {
      const r = await api.post<{
        walletBalance?: string;
        status?: string;
        rejectReason?: string;
        duplicate?: boolean;
      }>("/api/v1/admin/deposits", {
        userId: Number(depUser.value),
        asset: "USDT",
        amount: depAmount.value.trim(),
        txId: depTx.value.trim(),
      });
      if (r.status === "REJECTED") setStatus(depStatus, `REJECTED: ${r.rejectReason ?? ""}`, "error");
      else {
        setStatus(
          depStatus,
          `${r.duplicate ? "Already credited (same txId)" : "Credited"}: wallet ${r.walletBalance ?? "?"} USDT`,
          "ok",
        );
        if (!r.duplicate) depTx.value = randomTxId();
      }
      gate.refreshAll();
    } catch (e) {
      setStatus(depStatus, errorText(e), "error");
    }
  });

  drawList();
  return panel(
    "users",
    "Users, keys and deposits",
    h("div", { class: "forms" }, userForm, keyForm, depForm),
    listHolder,
  );
}

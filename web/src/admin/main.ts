// The admin pages (/admin): solvency PASS/FAIL, insurance fund, users/keys/deposits, prices and funding,
// instruments, positions nearest liquidation and the liquidation/ADL tape. Everything but the tape and
// the instrument list needs an admin credential.
import "../styles.css";
import { ApiFailure } from "../lib/api.js";
import { byId, h } from "../lib/dom.js";
import { signInBox } from "../lib/session.js";
import { boot, fatal, header } from "../lib/shell.js";
import { AdminGate } from "./gate.js";
import { instrumentsView, priceOpsView } from "./market-ops.js";
import { riskView } from "./risk.js";
import { insuranceView, solvencyView } from "./solvency.js";
import { tapeView } from "./tape.js";
import { usersView } from "./users.js";

const SLOT = "perpx.admin";

async function main(): Promise<void> {
  const root = byId("app");
  try {
    const { api, stream, instruments } = await boot();
    const gate = new AdminGate();
    const signIn = signInBox({
      slot: SLOT,
      api,
      title: "Admin sign-in",
      verify: async () => {
        try {
          await api.get("/api/v1/admin/solvency");
        } catch (e) {
          if (e instanceof ApiFailure && e.error === "FORBIDDEN")
            throw new ApiFailure(
              403,
              "FORBIDDEN",
              "this credential is not an admin (needs an admin API key or the admin role)",
            );
          throw e;
        }
        return "Signed in as admin";
      },
      onChange: (c) => gate.set(c !== null),
    });
    root.replaceChildren(
      header("admin", stream),
      h(
        "main",
        { class: "admin-grid" },
        h("div", { class: "admin-side" }, signIn, solvencyView(api, gate), insuranceView(api, gate)),
        h(
          "div",
          { class: "admin-main" },
          riskView(api, gate),
          tapeView(api, stream, instruments),
          usersView(api, gate),
          priceOpsView(api, gate, instruments),
          instrumentsView(instruments),
        ),
      ),
    );
  } catch (e) {
    fatal(root, e);
  }
}

void main();

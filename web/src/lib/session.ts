// Credentials live in sessionStorage only (cleared with the tab, never in localStorage or cookies), and
// the sign-in form that fills them: an API key + secret (requests signed here with WebCrypto) or a JWT.
import { type Api, type Credentials, errorText } from "./api.js";
import { field, h, setStatus } from "./dom.js";

export function loadCredentials(slot: string): Credentials | null {
  try {
    const raw = sessionStorage.getItem(slot);
    if (!raw) return null;
    const c = JSON.parse(raw) as Credentials;
    if (c.kind === "key" && c.apiKey && c.apiSecret) return c;
    if (c.kind === "jwt" && c.token) return c;
  } catch {
    // unreadable: treat as signed out
  }
  return null;
}

export function saveCredentials(slot: string, c: Credentials | null): void {
  if (c) sessionStorage.setItem(slot, JSON.stringify(c));
  else sessionStorage.removeItem(slot);
}

export interface SignInOptions {
  slot: string;
  api: Api;
  /** checks the credentials with one request; throws ApiFailure when they do not work */
  verify: () => Promise<string>;
  onChange: (c: Credentials | null) => void;
  title: string;
}

/** The sign-in box; when signed in it shows who and a sign-out button. */
export function signInBox(o: SignInOptions): HTMLElement {
  const root = h("section", { class: "panel signin", "aria-labelledby": "signin-title" });
  const render = (who?: string) => {
    root.replaceChildren();
    const c = loadCredentials(o.slot);
    if (c && who) {
      root.append(
        h("h2", { id: "signin-title", class: "sr-only" }, o.title),
        h(
          "div",
          { class: "who" },
          h("span", { role: "status" }, who),
          h(
            "button",
            {
              type: "button",
              class: "secondary",
              onclick: () => {
                saveCredentials(o.slot, null);
                o.api.setCredentials(null);
                o.onChange(null);
                render();
              },
            },
            "Sign out",
          ),
        ),
      );
      return;
    }
    root.append(form());
  };

  const form = () => {
    const mode = h(
      "select",
      { id: "signin-mode" },
      h("option", { value: "key" }, "API key + secret"),
      h("option", { value: "jwt" }, "JWT (RS256)"),
    );
    const key = h("input", {
      id: "signin-key",
      autocomplete: "username",
      spellcheck: "false",
      required: true,
    });
    const secret = h("input", {
      id: "signin-secret",
      type: "password",
      autocomplete: "current-password",
      required: true,
    });
    const token = h("textarea", { id: "signin-token", rows: 3, spellcheck: "false" });
    const keyFields = h("div", null, field("API key", key), field("API secret", secret));
    const jwtField = field("JWT", token, "Authorization: Bearer token; roles may hold admin");
    jwtField.hidden = true;
    const status = h("p", { class: "status", role: "status", "aria-live": "polite" });
    mode.addEventListener("change", () => {
      const jwt = mode.value === "jwt";
      keyFields.hidden = jwt;
      jwtField.hidden = !jwt;
      key.required = !jwt;
      secret.required = !jwt;
      token.required = jwt;
    });
    const f = h(
      "form",
      { "aria-labelledby": "signin-title", novalidate: true },
      h("h2", { id: "signin-title" }, o.title),
      field("Sign in with", mode),
      keyFields,
      jwtField,
      h(
        "p",
        { class: "hint" },
        "Kept in this tab only (sessionStorage); requests are signed in the browser.",
      ),
      h("button", { type: "submit" }, "Sign in"),
      status,
    );
    f.addEventListener("submit", async (ev) => {
      ev.preventDefault();
      const c: Credentials =
        mode.value === "jwt"
          ? { kind: "jwt", token: token.value.trim() }
          : { kind: "key", apiKey: key.value.trim(), apiSecret: secret.value.trim() };
      if ((c.kind === "jwt" && !c.token) || (c.kind === "key" && (!c.apiKey || !c.apiSecret))) {
        setStatus(status, "Fill in the credentials first.", "error");
        return;
      }
      setStatus(status, "Checking…");
      o.api.setCredentials(c);
      try {
        const who = await o.verify();
        saveCredentials(o.slot, c);
        o.onChange(c);
        render(who);
      } catch (e) {
        o.api.setCredentials(null);
        setStatus(status, errorText(e), "error");
      }
    });
    return f;
  };

  const existing = loadCredentials(o.slot);
  if (existing) {
    o.api.setCredentials(existing);
    o.verify().then(
      (who) => {
        o.onChange(existing);
        render(who);
      },
      () => {
        saveCredentials(o.slot, null);
        o.api.setCredentials(null);
        render();
      },
    );
  } else render();
  return root;
}

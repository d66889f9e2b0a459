// The page frame shared by the trading and admin pages: brand, navigation, the stream's connection
// state (a live region, so a screen reader hears "Disconnected — reconnecting…"), and start-up plumbing.
import { Api, ServerClock } from "./api.js";
import { h } from "./dom.js";
import { Stream, statusText } from "./stream.js";
import type { InstrumentView, UiConfig } from "./types.js";

export interface Boot {
  api: Api;
  clock: ServerClock;
  stream: Stream;
  instruments: InstrumentView[];
}

/** Reads the UI config and the instruments, syncs the clock, opens the stream. */
export async function boot(): Promise<Boot> {
  const clock = new ServerClock();
  const api = new Api(clock);
  const [cfg, instruments] = await Promise.all([
    api.get<UiConfig>("/api/v1/ui-config"),
    api.get<InstrumentView[]>("/api/v1/instruments"),
    clock.sync(),
  ]);
  return { api, clock, stream: new Stream(cfg.wsUrl, clock), instruments };
}

export function header(page: "trade" | "admin", stream: Stream, ...extra: HTMLElement[]): HTMLElement {
  const pill = h("span", {
    class: "conn",
    role: "status",
    "aria-live": "polite",
    "data-testid": "connection",
  });
  stream.onStatus((s) => {
    pill.textContent = statusText(s);
    pill.dataset.state = s.state;
    pill.title = s.detail ?? "";
  });
  const link = (href: string, label: string, here: boolean) =>
    h("a", { href, "aria-current": here ? "page" : undefined }, label);
  return h(
    "header",
    { class: "top" },
    h("span", { class: "brand" }, "perpx"),
    h(
      "nav",
      { "aria-label": "Pages" },
      link("/", "Trade", page === "trade"),
      link("/admin", "Admin", page === "admin"),
      h("a", { href: "/docs" }, "API"),
    ),
    ...extra,
    pill,
  );
}

/** Shows a start-up failure instead of a blank page. */
export function fatal(root: HTMLElement, e: unknown): void {
  root.replaceChildren(
    h(
      "div",
      { class: "panel", role: "alert" },
      h("h1", null, "The exchange is not reachable"),
      h("p", null, e instanceof Error ? e.message : String(e)),
      h("p", null, "Start it with `make run` and reload this page."),
    ),
  );
}

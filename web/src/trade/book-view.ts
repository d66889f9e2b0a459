// The live order book from depth:SYM: a LocalBook checked against every message's CRC32; on a gap or a
// checksum mismatch it shows a warning, drops the local book and resubscribes (the server answers with
// a fresh snapshot). A price can be clicked (or Enter on it) to copy it into the order form.
import { formatDecimal, parseDecimal } from "@perpx/shared/fixed";
import { type ApplyResult, LocalBook } from "../lib/book.js";
import { h, panel, replace } from "../lib/dom.js";
import type { Stream } from "../lib/stream.js";
import type { DepthDiffMsg, DepthSnapshotMsg, InstrumentView } from "../lib/types.js";

const ROWS = 12; // levels shown per side
const WARNING_MS = 10_000; // how long "resynced" stays up

export function bookView(stream: Stream, inst: InstrumentView, pickPrice: (p: string) => void): HTMLElement {
  const channel = `depth:${inst.symbol}`;
  const book = new LocalBook(inst.pricePrecision);
  const asks = h("tbody", { class: "asks" });
  const bids = h("tbody", { class: "bids" });
  const spread = h("tbody", { class: "spread" });
  const health = h("p", { class: "book-health", "data-testid": "book-health" }, "Waiting for the snapshot…");
  const warning = h("p", { class: "warning", role: "alert", "data-testid": "book-warning", hidden: true });
  let mismatches = 0;
  let hideWarning: ReturnType<typeof setTimeout> | undefined;
  let scheduled = false;

  const row = (side: "bid" | "ask", price: string, qty: string) =>
    h(
      "tr",
      { class: side },
      h(
        "td",
        { class: "num price" },
        h(
          "button",
          // a mouse shortcut for typing the price: kept out of the tab order (24 stops before the form)
          {
            type: "button",
            class: "link",
            title: "Use this price",
            tabindex: -1,
            onclick: () => pickPrice(price),
          },
          price,
        ),
      ),
      h("td", { class: "num" }, qty),
    );

  const render = () => {
    scheduled = false;
    const a = book.asks.top(ROWS);
    const b = book.bids.top(ROWS);
    replace(asks, ...a.reverse().map((l) => row("ask", l.price, l.qty)));
    replace(bids, ...b.map((l) => row("bid", l.price, l.qty)));
    const bestAsk = a.at(-1)?.price;
    const bestBid = b[0]?.price;
    replace(
      spread,
      h(
        "tr",
        null,
        h(
          "td",
          { colspan: 2, class: "num" },
          bestAsk && bestBid ? `spread ${spreadOf(bestAsk, bestBid, inst.pricePrecision)}` : "—",
        ),
      ),
    );
    if (book.synced)
      health.textContent = `checksum ok · update ${book.lastUpdateId}${mismatches ? ` · ${mismatches} resync${mismatches > 1 ? "s" : ""}` : ""}`;
    health.dataset.ok = String(book.synced);
  };
  const schedule = () => {
    if (scheduled) return;
    scheduled = true;
    requestAnimationFrame(render);
  };

  const resync = (why: ApplyResult, u: number) => {
    mismatches++;
    clearTimeout(hideWarning);
    warning.hidden = false;
    warning.textContent =
      why === "checksum"
        ? `Order book checksum mismatch at update ${u}: resyncing from a fresh snapshot`
        : `Order book update ${u} does not follow ${book.lastUpdateId}: resyncing from a fresh snapshot`;
    book.reset();
    health.textContent = "Resyncing…";
    stream.resubscribe(channel);
  };

  stream.on(channel, (raw) => {
    if (raw.type === "snapshot") {
      const m = raw as unknown as DepthSnapshotMsg;
      const r = book.applySnapshot(m);
      if (r === "checksum") return resync(r, m.lastUpdateId);
      if (!warning.hidden && !warning.textContent?.endsWith("resynced")) {
        warning.textContent += " — resynced";
        clearTimeout(hideWarning);
        hideWarning = setTimeout(() => {
          warning.hidden = true;
        }, WARNING_MS);
      }
    } else {
      const m = raw as unknown as DepthDiffMsg;
      const r = book.applyDiff(m);
      if (r === "gap" || r === "checksum") return resync(r, m.u);
    }
    schedule();
  });
  // a new connection brings a new snapshot: until then the book is unknown
  stream.onStatus((s) => {
    if (s.state === "reconnecting") {
      book.reset();
      health.textContent = "Disconnected: the book will resync on reconnect";
      health.dataset.ok = "false";
    }
  });

  return panel(
    "book",
    `Order book`,
    warning,
    h(
      "table",
      { class: "grid book", "aria-label": `Order book ${inst.symbol}` },
      h(
        "thead",
        null,
        h(
          "tr",
          null,
          h("th", { scope: "col", class: "num" }, `Price (${inst.quoteAsset})`),
          h("th", { scope: "col", class: "num" }, `Size (${inst.baseAsset})`),
        ),
      ),
      asks,
      spread,
      bids,
    ),
    health,
  );
}

/** best ask − best bid, exactly, in the tick's decimals. */
function spreadOf(ask: string, bid: string, decimals: number): string {
  const a = parseDecimal(ask, decimals);
  const b = parseDecimal(bid, decimals);
  return a.ok && b.ok ? formatDecimal(a.units - b.units, decimals) : "—";
}

// The trade tape of every symbol with liquidations and ADL fills marked: recent trades over REST (each
// has a type), then trades:SYM for every symbol and forceOrder:SYM (the complete liquidation/ADL tape,
// SPEC §7.6), which adds the forced order's side. A filter shows the forced fills only.
import type { Api } from "../lib/api.js";
import { h, panel, replace, table } from "../lib/dom.js";
import { time } from "../lib/format.js";
import type { Stream } from "../lib/stream.js";
import type { ForceOrderMsg, InstrumentView, PublicTradeView, TradeMsg } from "../lib/types.js";

interface TapeRow {
  key: string;
  symbol: string;
  tradeId: number;
  price: string;
  qty: string;
  /** NORMAL | LIQUIDATION | ADL */
  type: string;
  /** the taker's side (for forced fills: the forced order's side) */
  side: string;
  time: number;
}

const KEEP = 200;

export function tapeView(api: Api, stream: Stream, instruments: InstrumentView[]): HTMLElement {
  const rows = new Map<string, TapeRow>();
  const forcedOnly = h("input", { type: "checkbox", id: "tape-forced" });
  const holder = h("div", { class: "scroll tall" });
  let scheduled = false;

  const draw = () => {
    scheduled = false;
    const shown = [...rows.values()]
      .filter((r) => !forcedOnly.checked || r.type !== "NORMAL")
      .sort((a, b) => b.time - a.time || b.tradeId - a.tradeId)
      .slice(0, 100);
    replace(
      holder,
      table<TapeRow>(
        "Trade tape",
        [
          { label: "Time", num: true, cell: (r) => time(r.time) },
          { label: "Symbol", cell: (r) => r.symbol },
          {
            label: "Type",
            cell: (r) => (r.type === "NORMAL" ? r.type : h("span", { class: "badge warn" }, r.type)),
          },
          { label: "Side", cell: (r) => r.side, cls: (r) => (r.side === "BUY" ? "pos" : "neg") },
          { label: "Price", num: true, cell: (r) => r.price },
          { label: "Quantity", num: true, cell: (r) => r.qty },
          { label: "Trade", num: true, cell: (r) => r.tradeId },
        ],
        shown,
        forcedOnly.checked ? "No liquidation or ADL fill yet" : "No trades yet",
      ),
    );
  };
  const schedule = () => {
    if (scheduled) return;
    scheduled = true;
    requestAnimationFrame(draw);
  };
  const put = (r: TapeRow) => {
    const old = rows.get(r.key);
    rows.set(r.key, old && old.type !== "NORMAL" && r.type === old.type ? { ...r, side: old.side } : r);
    if (rows.size > KEEP * instruments.length) {
      const oldest = [...rows.values()].sort((a, b) => a.time - b.time)[0];
      if (oldest) rows.delete(oldest.key);
    }
    schedule();
  };

  const load = () => {
    for (const inst of instruments) {
      api.get<PublicTradeView[]>(`/api/v1/trades/recent?symbol=${inst.symbol}&limit=100`).then(
        (ts) => {
          for (const t of ts)
            put({
              key: `${inst.symbol}:${t.tradeId}`,
              symbol: inst.symbol,
              tradeId: t.tradeId,
              price: t.price,
              qty: t.qty,
              type: t.type,
              side: t.isBuyerMaker ? "SELL" : "BUY",
              time: t.time,
            });
        },
        () => undefined,
      );
    }
  };
  for (const inst of instruments) {
    stream.on(`trades:${inst.symbol}`, (raw) => {
      const m = raw as unknown as TradeMsg;
      put({
        key: `${inst.symbol}:${m.t}`,
        symbol: inst.symbol,
        tradeId: m.t,
        price: m.p,
        qty: m.q,
        type: m.X,
        side: m.m ? "SELL" : "BUY",
        time: m.T,
      });
    });
    stream.on(`forceOrder:${inst.symbol}`, (raw) => {
      const m = raw as unknown as ForceOrderMsg;
      rows.set(`${inst.symbol}:${m.t}`, {
        key: `${inst.symbol}:${m.t}`,
        symbol: inst.symbol,
        tradeId: m.t,
        price: m.p,
        qty: m.q,
        type: m.X,
        side: m.S,
        time: m.T,
      });
      schedule();
    });
  }
  stream.onConnect(load);
  forcedOnly.addEventListener("change", draw);
  draw();
  load();
  return panel(
    "tape",
    "Trade tape (liquidations and ADL marked)",
    h(
      "div",
      { class: "panel-tools check" },
      forcedOnly,
      h("label", { for: "tape-forced" }, "Liquidations and ADL only"),
    ),
    holder,
  );
}

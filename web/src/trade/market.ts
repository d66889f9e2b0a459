// The market strip: last trade, mark, index, funding rate with the countdown to the next funding, and
// the 24 h ticker. Sources: GET /api/v1/premium-index and /ticker once, then markPrice:SYM, ticker:SYM
// and trades:SYM. It also holds the latest mark for the order form (market orders' notional).
import type { Api } from "../lib/api.js";
import { h } from "../lib/dom.js";
import { countdown, ratePct, signClass } from "../lib/format.js";
import type { Stream } from "../lib/stream.js";
import type {
  InstrumentView,
  MarkMsg,
  PremiumIndexView,
  TickerMsg,
  TickerView,
  TradeMsg,
} from "../lib/types.js";

export class MarketInfo {
  mark: string | undefined;
  private readonly markListeners = new Set<(mark: string, time: number) => void>();

  onMark(cb: (mark: string, time: number) => void): void {
    this.markListeners.add(cb);
  }
  setMark(mark: string, time: number): void {
    if (/^0+(\.0+)?$/.test(mark)) return; // no mark yet
    this.mark = mark;
    for (const cb of this.markListeners) cb(mark, time);
  }
}

export function marketStrip(
  api: Api,
  stream: Stream,
  inst: InstrumentView,
  info: MarketInfo,
  now: () => number,
): HTMLElement {
  const cell = (label: string, testid: string) => {
    const v = h("dd", { class: "num", "data-testid": testid }, "—");
    return { el: h("div", null, h("dt", null, label), v), v };
  };
  const last = cell("Last", "last-price");
  const mark = cell("Mark", "mark-price");
  const index = cell("Index", "index-price");
  const funding = cell("Funding / countdown", "funding");
  const change = cell("24h change", "change-24h");
  const volume = cell(`24h volume (${inst.baseAsset})`, "volume-24h");
  let rate = "";
  let nextFunding = 0;

  // before the engine has scheduled one, the next funding is the next multiple of the interval (UTC)
  const interval = inst.fundingIntervalHours * 3_600_000;
  const showFunding = () => {
    const t = now();
    const next = nextFunding > t ? nextFunding : Math.ceil(t / interval) * interval;
    funding.v.textContent = `${rate ? ratePct(rate) : "—"} / ${countdown(next, t)}`;
  };
  const showTicker = (c: string, pct: string, v: string) => {
    if (c) last.v.textContent = c;
    change.v.textContent = pct ? `${pct}%` : "—";
    change.v.className = `num ${signClass(pct)}`;
    volume.v.textContent = v || "—";
  };

  api.get<PremiumIndexView>(`/api/v1/premium-index?symbol=${inst.symbol}`).then(
    (p) => {
      if (!/^0+(\.0+)?$/.test(p.markPrice)) mark.v.textContent = p.markPrice;
      if (!/^0+(\.0+)?$/.test(p.indexPrice)) index.v.textContent = p.indexPrice;
      info.setMark(p.markPrice, p.time);
      rate = p.predictedFundingRate;
      nextFunding = p.nextFundingTime;
      showFunding();
    },
    () => undefined,
  );
  api.get<TickerView>(`/api/v1/ticker?symbol=${inst.symbol}`).then(
    (t) => {
      if (t.count > 0) showTicker(t.lastPrice, t.priceChangePercent, t.volume);
    },
    () => undefined,
  );
  stream.on(`markPrice:${inst.symbol}`, (raw) => {
    const m = raw as unknown as MarkMsg;
    mark.v.textContent = m.p;
    index.v.textContent = /^0+(\.0+)?$/.test(m.i) ? "—" : m.i;
    rate = m.r;
    nextFunding = m.T;
    info.setMark(m.p, m.E);
    showFunding();
  });
  stream.on(`ticker:${inst.symbol}`, (raw) => {
    const t = raw as unknown as TickerMsg;
    showTicker(t.c, t.P, t.v);
  });
  stream.on(`trades:${inst.symbol}`, (raw) => {
    last.v.textContent = (raw as unknown as TradeMsg).p;
  });
  setInterval(showFunding, 1000);

  return h(
    "section",
    { class: "strip", "aria-label": `${inst.symbol} market` },
    h("h1", null, inst.symbol, h("small", null, " perpetual")),
    h("dl", null, last.el, mark.el, index.el, funding.el, change.el, volume.el),
  );
}

// The price chart (lightweight-charts): candles built here from trades (REST history + trades:SYM) and
// a line of the mark price (markPrice:SYM). Chart coordinates are floats by nature; they are for the eye
// only, every number the user acts on comes from the wire strings.
import {
  type CandlestickData,
  CandlestickSeries,
  ColorType,
  createChart,
  type ISeriesApi,
  LineSeries,
  type UTCTimestamp,
} from "lightweight-charts";
import { h, panel } from "../lib/dom.js";
import type { Stream } from "../lib/stream.js";
import type { InstrumentView, TradeMsg } from "../lib/types.js";
import type { MarketInfo } from "./market.js";
import { fromStream, type TapeTrade } from "./trades-view.js";

/** candle width in seconds; the mark line is sampled on the same buckets so both share one time scale */
const INTERVALS: Record<string, number> = { "5 s": 5, "1 min": 60, "15 min": 900 };
const DEFAULT_INTERVAL = "5 s";
const KEEP = 5_000; // trades and marks remembered for redrawing at another interval

export function chartView(
  stream: Stream,
  inst: InstrumentView,
  info: MarketInfo,
  initial: Promise<TapeTrade[]>,
): HTMLElement {
  const box = h("div", {
    class: "chart-box",
    role: "img",
    "aria-label": `${inst.symbol} price chart: candles from trades, line: mark price`,
  });
  const select = h(
    "select",
    { id: "chart-interval", "aria-label": "Candle interval" },
    ...Object.keys(INTERVALS).map((k) => h("option", { value: k, selected: k === DEFAULT_INTERVAL }, k)),
  );
  const section = panel("chart", "Price", h("div", { class: "panel-tools" }, select), box);

  const chart = createChart(box, {
    autoSize: true,
    layout: { background: { type: ColorType.Solid, color: "#12161c" }, textColor: "#a7b1bd", fontSize: 11 },
    grid: { vertLines: { color: "#1e252e" }, horzLines: { color: "#1e252e" } },
    timeScale: {
      timeVisible: true,
      secondsVisible: true,
      borderColor: "#2a323d",
      barSpacing: 8,
      rightOffset: 4,
    },
    rightPriceScale: { borderColor: "#2a323d" },
  });
  const priceFormat = {
    type: "price" as const,
    precision: inst.pricePrecision,
    minMove: Number(inst.tickSize),
  };
  const candles: ISeriesApi<"Candlestick"> = chart.addSeries(CandlestickSeries, {
    upColor: "#2ebd85",
    downColor: "#f6465d",
    borderVisible: false,
    wickUpColor: "#2ebd85",
    wickDownColor: "#f6465d",
    priceFormat,
  });
  const marks: ISeriesApi<"Line"> = chart.addSeries(LineSeries, {
    color: "#f0b90b",
    lineWidth: 1,
    priceFormat,
    title: "mark",
  });

  let trades: TapeTrade[] = [];
  let markHistory: { time: number; price: string }[] = [];
  let seconds = INTERVALS[DEFAULT_INTERVAL]!;

  const bucket = (ms: number) => (Math.floor(ms / 1000 / seconds) * seconds) as UTCTimestamp;
  /** the bar `t` falls in, given the bar before it (same bucket: extended; else a new bar) */
  const barWith = (prev: CandlestickData<UTCTimestamp> | undefined, t: TapeTrade) => {
    const time = bucket(t.time);
    const p = Number(t.price);
    if (!prev || prev.time !== time) return { time, open: p, high: p, low: p, close: p };
    return { time, open: prev.open, high: Math.max(prev.high, p), low: Math.min(prev.low, p), close: p };
  };
  const rebuild = () => {
    const bars: CandlestickData<UTCTimestamp>[] = [];
    for (const t of [...trades].sort((a, b) => a.id - b.id)) {
      const bar = barWith(bars.at(-1), t);
      if (bars.at(-1)?.time === bar.time) bars[bars.length - 1] = bar;
      else bars.push(bar);
    }
    candles.setData(bars);
    const line = new Map<number, number>();
    for (const m of markHistory) line.set(bucket(m.time), Number(m.price));
    marks.setData([...line].map(([time, value]) => ({ time: time as UTCTimestamp, value })));
  };

  select.addEventListener("change", () => {
    seconds = INTERVALS[select.value] ?? 60;
    rebuild();
  });
  initial.then(
    (ts) => {
      trades = ts;
      rebuild();
    },
    () => undefined,
  );
  stream.on(`trades:${inst.symbol}`, (raw) => {
    const t = fromStream(raw as unknown as TradeMsg);
    trades.push(t);
    if (trades.length > KEEP) trades = trades.slice(-KEEP);
    const last = candles.data().at(-1) as CandlestickData<UTCTimestamp> | undefined;
    if (last && bucket(t.time) < last.time) return; // older than the chart's last bar
    candles.update(barWith(last, t));
  });
  info.onMark((price, ms) => {
    markHistory.push({ time: ms, price });
    if (markHistory.length > KEEP) markHistory = markHistory.slice(-KEEP);
    const time = bucket(ms);
    const last = marks.data().at(-1);
    if (last && time < (last.time as number)) return;
    marks.update({ time, value: Number(price) });
  });
  return section;
}

// A two-panel SVG of the run, written without a browser: requests per second (sent, acked, errors) and
// REST latency per second (p50, p99, ms).
import type { Second } from "./stats.js";

const W = 900;
const PANEL_H = 220;
const PAD = { l: 60, r: 130, t: 30, b: 30 };
/** bottom of the log-scale latency axis, ms */
const LOG_MIN = 0.1;

interface Line {
  name: string;
  color: string;
  values: readonly number[];
}

function niceMax(v: number): number {
  if (v <= 0) return 1;
  const p = 10 ** Math.floor(Math.log10(v));
  for (const m of [1, 2, 5, 10]) if (v <= m * p) return m * p;
  return 10 * p;
}

function panel(
  y0: number,
  title: string,
  unit: string,
  xs: readonly number[],
  lines: readonly Line[],
  log = false,
): string {
  const w = W - PAD.l - PAD.r;
  const h = PANEL_H - PAD.t - PAD.b;
  const xMax = Math.max(1, ...xs);
  const yMax = niceMax(Math.max(0, ...lines.flatMap((l) => l.values)));
  const X = (x: number) => PAD.l + (x / xMax) * w;
  // log scale (latency: a p99 stall must not flatten the p50 line): decades from LOG_MIN to yMax
  const decades = Math.max(1, Math.ceil(Math.log10(yMax / LOG_MIN)));
  const frac = (y: number) => (log ? Math.log10(Math.max(y, LOG_MIN) / LOG_MIN) / decades : y / yMax);
  const Y = (y: number) => y0 + PAD.t + h - frac(y) * h;
  const out: string[] = [
    `<text x="${PAD.l}" y="${y0 + 18}" font-size="14" font-weight="bold">${title}</text>`,
    `<rect x="${PAD.l}" y="${y0 + PAD.t}" width="${w}" height="${h}" fill="none" stroke="#999"/>`,
  ];
  const ticks = log
    ? Array.from({ length: decades + 1 }, (_, i) => LOG_MIN * 10 ** i)
    : [0, 1, 2, 3, 4].map((i) => (yMax * i) / 4);
  for (const v of ticks) {
    out.push(
      `<line x1="${PAD.l}" x2="${PAD.l + w}" y1="${Y(v)}" y2="${Y(v)}" stroke="#eee"/>`,
      `<text x="${PAD.l - 6}" y="${Y(v) + 4}" font-size="11" text-anchor="end">${+v.toPrecision(3)}</text>`,
    );
  }
  for (let i = 0; i <= 5; i++) {
    const x = Math.round((xMax * i) / 5);
    out.push(
      `<text x="${X(x)}" y="${y0 + PAD.t + h + 16}" font-size="11" text-anchor="middle">${x} s</text>`,
    );
  }
  out.push(`<text x="${PAD.l - 50}" y="${y0 + PAD.t - 8}" font-size="11">${unit}</text>`);
  lines.forEach((l, i) => {
    const pts = l.values.map((v, j) => `${X(xs[j] ?? 0).toFixed(1)},${Y(v).toFixed(1)}`).join(" ");
    out.push(
      `<polyline fill="none" stroke="${l.color}" stroke-width="1.8" points="${pts}"/>`,
      `<rect x="${PAD.l + w + 12}" y="${y0 + PAD.t + i * 18}" width="12" height="3" fill="${l.color}"/>`,
      `<text x="${PAD.l + w + 28}" y="${y0 + PAD.t + i * 18 + 5}" font-size="12">${l.name}</text>`,
    );
  });
  return out.join("\n");
}

export function plotSvg(title: string, secs: readonly Second[]): string {
  const xs = secs.map((s) => s.t);
  const body = [
    panel(20, "Throughput", "req/s", xs, [
      { name: "sent", color: "#1f77b4", values: secs.map((s) => s.sent) },
      { name: "acked (2xx)", color: "#2ca02c", values: secs.map((s) => s.acked) },
      { name: "errors", color: "#d62728", values: secs.map((s) => s.errors) },
    ]),
    panel(
      20 + PANEL_H,
      "REST latency (log scale)",
      "ms",
      xs,
      [
        { name: "p50", color: "#1f77b4", values: secs.map((s) => s.p50) },
        { name: "p99", color: "#ff7f0e", values: secs.map((s) => s.p99) },
      ],
      true,
    ),
  ].join("\n");
  const h = 20 + 2 * PANEL_H;
  return `<svg xmlns="http://www.w3.org/2000/svg" width="${W}" height="${h}" viewBox="0 0 ${W} ${h}" font-family="sans-serif">
<rect width="100%" height="100%" fill="white"/>
<text x="${W / 2}" y="14" font-size="13" text-anchor="middle">${title.replace(/[<>&]/g, "")}</text>
${body}
</svg>
`;
}

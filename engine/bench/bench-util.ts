// Small helpers shared by the ring and matcher-worker benches: medians of repeated runs and the
// Markdown table they print (bench.mjs collects stdout into artifacts/bench/<name>.md).
import { cpus, loadavg } from "node:os";

export interface Row {
  cells: string[];
  /** per-run rates, any unit; the table shows median (min–max) */
  rates: number[];
}

export function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 === 1 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
}

export function fmtRate(x: number): string {
  if (x >= 1e6) return `${(x / 1e6).toFixed(2)} M`;
  if (x >= 1e3) return `${(x / 1e3).toFixed(0)} k`;
  return x.toFixed(0);
}

/** CPU, Node version and the 1-minute load average (the machine is shared: a load above the core count
 * means other processes competed for the cores during the run). */
export function machine(): string {
  const c = cpus();
  return `${c.length} × ${c[0]?.model.trim() ?? "cpu"}, Node ${process.version}, load average ${loadavg()[0]!.toFixed(1)} at the end`;
}

export function table(headers: string[], rateHeader: string, rows: Row[]): string {
  const out = [
    `| ${[...headers, `${rateHeader} median`, "min – max", "runs"].join(" | ")} |`,
    `|${[...headers, "", "", ""].map(() => "---").join("|")}|`,
  ];
  for (const r of rows) {
    const lo = Math.min(...r.rates);
    const hi = Math.max(...r.rates);
    out.push(
      `| ${[...r.cells, `**${fmtRate(median(r.rates))}**`, `${fmtRate(lo)} – ${fmtRate(hi)}`, String(r.rates.length)].join(" | ")} |`,
    );
  }
  return out.join("\n");
}

export function gc(): void {
  (globalThis as { gc?: () => void }).gc?.();
}

// Display helpers. Wire decimals are already in fixed precision (SPEC §2) and are shown as they are;
// only rates become percentages, by moving the decimal point on the string (no float rounding).
import { formatDecimal, parseDecimal } from "@perpx/shared/fixed";

const two = (n: number) => String(n).padStart(2, "0");

export function time(ms: number): string {
  const d = new Date(ms);
  return `${two(d.getHours())}:${two(d.getMinutes())}:${two(d.getSeconds())}`;
}

export function dateTime(ms: number): string {
  const d = new Date(ms);
  return `${d.getFullYear()}-${two(d.getMonth() + 1)}-${two(d.getDate())} ${time(ms)}`;
}

/** "HH:MM:SS" until `ms` from `now`. */
export function countdown(ms: number, now: number): string {
  let s = Math.max(0, Math.floor((ms - now) / 1000));
  const hh = Math.floor(s / 3600);
  s -= hh * 3600;
  return `${two(hh)}:${two(Math.floor(s / 60))}:${two(s % 60)}`;
}

/** A rate with 8 decimals ("0.00010000") as a percentage with 4 decimals ("0.0100%"). */
export function ratePct(rate: string | null | undefined): string {
  if (rate === null || rate === undefined) return "—";
  const p = parseDecimal(rate, 8);
  if (!p.ok) return rate;
  // parts per 1e8 → percent with 4 decimals = units / 100, truncated toward zero
  return `${formatDecimal(Math.trunc(p.units / 100), 4)}%`;
}

/** "pos" / "neg" / "" for the sign of a decimal string. */
export function signClass(v: string): string {
  if (v.startsWith("-")) return "neg";
  return /[1-9]/.test(v) ? "pos" : "";
}

/** "−" for zero-ish placeholders the engine sends ("0.0" prices of market orders, for instance). */
export function orDash(v: string | undefined): string {
  if (v === undefined || v === "" || /^0+(\.0+)?$/.test(v)) return "—";
  return v;
}

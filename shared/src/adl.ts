// The auto-deleveraging ranking rule (SPEC §7.5), shared by the engine (who is deleveraged first) and the
// read models (the 1–5 quantile lights), so both rank positions the same way. Pure integer math.
//
//   PnL%               = UPnL / entry notional
//   effective leverage = notional / equity     (isolated: wallet + UPnL; cross: the account's margin balance)
//   score              = PnL% × effective leverage when UPnL > 0, PnL% / effective leverage otherwise
// Scores are exact rationals compared by BigInt cross-multiplication, never rounded. Equity ≤ 0 means
// infinite leverage: a profitable position then ranks above every finite score, a losing one scores 0.
// Higher score = earlier in line; the engine breaks ties by lower user id.
// Quantile of one score among the scores of its side: min(5, ⌊5 × (number strictly lower) / count⌋ + 1).
// All amounts in micro-USDT; notional and entry notional > 0.

export interface AdlScore {
  /** +∞ (profitable with no equity left) */
  readonly inf: boolean;
  readonly n: bigint;
  /** > 0 */
  readonly d: bigint;
}

export function adlScore(upnl: number, notional: number, entryNotional: number, equity: number): AdlScore {
  const u = BigInt(upnl);
  const e = BigInt(equity);
  const n = BigInt(notional > 0 ? notional : 1);
  const en = BigInt(entryNotional > 0 ? entryNotional : 1);
  if (u > 0n) return e <= 0n ? { inf: true, n: 0n, d: 1n } : { inf: false, n: u * n, d: en * e };
  return e <= 0n ? { inf: false, n: 0n, d: 1n } : { inf: false, n: u * e, d: en * n };
}

/** > 0 when a ranks above b (deleveraged first), < 0 below, 0 equal. */
export function compareAdlScore(a: AdlScore, b: AdlScore): number {
  if (a.inf || b.inf) return a.inf === b.inf ? 0 : a.inf ? 1 : -1;
  const l = a.n * b.d;
  const r = b.n * a.d;
  return l > r ? 1 : l < r ? -1 : 0;
}

/** 1..5 (5 = first in line) of `score` among `all` (which includes it); 0 when `all` is empty. */
export function adlQuantile(score: AdlScore, all: readonly AdlScore[]): number {
  if (all.length === 0) return 0;
  let below = 0;
  for (const s of all) if (compareAdlScore(s, score) < 0) below++;
  return Math.min(5, Math.floor((below * 5) / all.length) + 1);
}

// Margin arithmetic of SPEC §5 and §7 as the read model derives it (pure functions, integer units:
// price/qty units of the instrument, micro-USDT, rates per 1e8). Every product goes through the checked
// helpers of shared/fixed.ts; rounding favours the exchange (margins up, liquidation prices against the
// holder). The engine owns the authoritative numbers; these reproduce them for display.
import { type Bracket, type Instrument, notionalFactor, type Side } from "@perpx/shared/domain";
import { formatDecimalBig, mul, mulDiv, mulDivBig, RATE_SCALE, sub, toSafe } from "@perpx/shared/fixed";

const R = BigInt(RATE_SCALE);

/** |qty| × price in micro-USDT (exact: the factor is 10^(6 − pd − qd) ≥ 1). */
export function notionalOf(inst: Instrument, qtyAbs: number, price: number): number {
  return mul(mul(qtyAbs, price), notionalFactor(inst));
}

/** Unrealized PnL = Q × (mark − entry), micro-USDT, exact: (Q × mark − sign(Q) × entryValue) × factor. */
export function unrealizedPnl(inst: Instrument, qty: number, entryValue: number, mark: number): number {
  if (qty === 0) return 0;
  const signedEntry = qty > 0 ? entryValue : -entryValue;
  return mul(sub(mul(qty, mark), signedEntry), notionalFactor(inst));
}

/** The bracket that holds `notional` (micro-USDT): the first whose cap is ≥ it, else the last. */
export function bracketFor(inst: Instrument, notional: number): Bracket {
  for (const b of inst.brackets) if (notional <= b.notionalCap) return b;
  const last = inst.brackets[inst.brackets.length - 1];
  if (!last) throw new RangeError(`${inst.symbol} has no brackets`);
  return last;
}

/** Maintenance margin = notional × MMR_k − maintAmount_k, rounded up (micro-USDT). */
export function maintMargin(inst: Instrument, notional: number): number {
  const b = bracketFor(inst, notional);
  return mulDiv(notional, b.maintMarginRate, RATE_SCALE, "ceil") - b.maintAmount;
}

/** Initial margin = notional / leverage, rounded up (micro-USDT). */
export function initialMargin(notional: number, leverage: number): number {
  return mulDiv(notional, 1, Math.max(1, leverage), "ceil");
}

/**
 * Cost reserved by a resting opening order (SPEC §5): qty × price / leverage + open loss, where the
 * open loss is what the order loses at once against the mark when it fills: a buy above the mark or a
 * sell below it, `qty × max(0, dir × (price − mark))` with dir = +1 for BUY, −1 for SELL (Binance's
 * definition; SPEC §5 writes `dir × (mark − price)`, which with dir = +1 for buys would be a gain — see
 * the gateway README). Without a mark there is no open loss.
 */
export function orderCost(
  inst: Instrument,
  side: Side,
  qty: number,
  price: number,
  mark: number | undefined,
  leverage: number,
): number {
  const im = initialMargin(notionalOf(inst, qty, price), leverage);
  if (mark === undefined) return im;
  const diff = side === 0 ? price - mark : mark - price;
  return diff > 0 ? im + notionalOf(inst, qty, diff) : im;
}

/**
 * The mark at which the position's margin balance equals its maintenance margin (SPEC §7), rounded to
 * the tick against the holder (long up, short down); 0 when no positive price liquidates it.
 * `wallet` is the margin that backs the position: the isolated wallet, or for a cross position the
 * cross wallet plus the other cross positions' (UPnL − MM), held constant (documented approximation).
 * Solves W + f(Q·P − s·V) = f·|Q|·P·r/R − A exactly in BigInt for each bracket and keeps the bracket
 * whose notional range holds the solution: P = R(f·s·V − W − A) / (f(Q·R − |Q|·r)).
 */
export function liquidationPrice(
  inst: Instrument,
  qty: number,
  entryValue: number,
  wallet: number,
  currentNotional: number,
): number {
  if (qty === 0) return 0;
  const f = BigInt(notionalFactor(inst));
  const q = BigInt(qty);
  const aq = q < 0n ? -q : q;
  const s = q < 0n ? -1n : 1n;
  const V = BigInt(entryValue);
  const W = BigInt(wallet);
  const solve = (b: Bracket): [bigint, bigint] => {
    let n = R * (f * s * V - W - BigInt(b.maintAmount));
    let d = f * (q * R - aq * BigInt(b.maintMarginRate));
    if (d < 0n) {
      n = -n;
      d = -d;
    }
    return [n, d];
  };
  let chosen: [bigint, bigint] | undefined;
  let floor = 0n;
  for (const b of inst.brackets) {
    const [n, d] = solve(b);
    const cap = BigInt(b.notionalCap);
    const notionalTimesD = f * aq * n; // notional at P, times d
    if (d > 0n && notionalTimesD > floor * d && notionalTimesD <= cap * d) {
      chosen = [n, d];
      break;
    }
    floor = cap;
  }
  const [n, d] = chosen ?? solve(bracketFor(inst, currentNotional));
  if (d <= 0n || n <= 0n) return 0;
  const tick = BigInt(inst.tickUnits);
  const ticks = mulDivBig(n, 1n, d * tick, qty > 0 ? "ceil" : "floor");
  return ticks <= 0n ? 0 : toSafe(ticks * tick, "liquidationPrice");
}

/** value / qty as a price with 8 decimals, truncated (entryPrice, avgPrice: SPEC §2). */
export function averagePriceText(inst: Instrument, value: number, qtyAbs: number): string {
  if (qtyAbs === 0) return formatDecimalBig(0n, 8);
  const scale = 10n ** BigInt(8 - inst.priceDecimals);
  return formatDecimalBig(mulDivBig(BigInt(value), scale, BigInt(qtyAbs), "trunc"), 8);
}

/** The highest leverage any bracket allows. */
export function maxLeverage(inst: Instrument): number {
  let m = 1;
  for (const b of inst.brackets) m = Math.max(m, b.maxLeverage);
  return m;
}

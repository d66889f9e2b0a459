// Margin math (SPEC §3, §5): pure functions of integers, every product through shared/fixed.
// Units: prices in price units, quantities in qty units, money in micro-USDT, rates in parts per 1e8,
// `factor` = micro-USDT per price·qty unit (notionalFactor). Every rounding favours the exchange:
// requirements (IM, MM, order cost) round up, fees paid round up, rebates round down.
import type { Instrument } from "@perpx/shared/domain";
import { Side } from "@perpx/shared/domain";
import { mul, mulDiv, mulDivBig, RATE_SCALE, toSafe } from "@perpx/shared/fixed";
import type { SideOrders } from "./state.js";

/** Integers below this are exact in doubles with a bit of headroom. */
const FAST = 2 ** 52;

/** Notional in micro-USDT of |qty| at `price`: exact (price × qty × factor). */
export function notionalOf(price: number, qty: number, factor: number): number {
  return mul(mul(price, qty < 0 ? -qty : qty), factor);
}

/** Index of the bracket that holds `notional` (the first with notional ≤ cap; the last beyond all caps). */
export function bracketIndex(inst: Instrument, notional: number): number {
  const b = inst.brackets;
  for (let i = 0; i < b.length; i++) if (notional <= b[i]!.notionalCap) return i;
  return b.length - 1;
}

/** Maintenance margin = notional × MMR_k − maintAmount_k, rounded up, never negative (SPEC §5). */
export function maintenanceMargin(inst: Instrument, notional: number): number {
  if (notional <= 0) return 0;
  const b = inst.brackets[bracketIndex(inst, notional)]!;
  const mm = mulDiv(notional, b.maintMarginRate, RATE_SCALE, "ceil") - b.maintAmount;
  return mm > 0 ? mm : 0;
}

/** Highest leverage the instrument allows at all (first bracket). */
export function maxLeverage(inst: Instrument): number {
  return inst.brackets[0]?.maxLeverage ?? 1;
}

/**
 * Largest position notional (micro-USDT) allowed at `leverage`: the cap of the last bracket whose max
 * leverage is still ≥ leverage (Binance "maxNotionalValue"). 0 when the leverage is above every bracket.
 */
export function maxNotionalAtLeverage(inst: Instrument, leverage: number): number {
  let cap = 0;
  const b = inst.brackets;
  for (let i = 0; i < b.length; i++) if (b[i]!.maxLeverage >= leverage) cap = b[i]!.notionalCap;
  return cap;
}

/** Initial margin of a notional at a leverage, rounded up. */
export function initialMargin(notional: number, leverage: number): number {
  return mulDiv(notional, 1, leverage, "ceil");
}

/**
 * Trading fee on a fill notional at `rate` (parts per 1e8). A fee paid (rate ≥ 0) rounds up; a rebate
 * (rate < 0) rounds toward zero, i.e. the user receives the rounded-down amount. Returned signed: what
 * the user pays (negative = rebate received).
 */
export function feeOf(notional: number, rate: number): number {
  if (rate >= 0) return mulDiv(notional, rate, RATE_SCALE, "ceil");
  return -mulDiv(notional, -rate, RATE_SCALE, "floor");
}

/**
 * Open loss per qty unit in price units (SPEC §5, Binance [BN-COST]: |min(0, dir × (mark − price))|):
 * what the order loses at once against mark — a buy above mark, a sell below it. 0 without a mark.
 * (SPEC §5 writes max(0, dir × (mark − price)); the reference formula and the intent — a buy limit far
 * below mark costs nothing extra — are the other sign, which is what is implemented.)
 */
export function openLossPerUnit(side: Side, price: number, mark: number): number {
  if (mark <= 0) return 0;
  const d = side === Side.BUY ? price - mark : mark - price;
  return d > 0 ? d : 0;
}

/** Cost of one order (SPEC §5): qty × price / leverage + qty × openLoss, micro-USDT, rounded up. */
export function orderCost(
  qty: number,
  price: number,
  openLoss: number,
  leverage: number,
  factor: number,
): number {
  return initialMargin(notionalOf(price, qty, factor), leverage) + notionalOf(openLoss, qty, factor);
}

/**
 * Order margin of one side of a symbol (micro-USDT). `allowance` is the position size that orders on this
 * side would reduce (|Q| when the position is on the other side, else 0). Orders only need margin for the
 * part that can open or increase exposure: the side's total cost is scaled by (Σqty − allowance) / Σqty,
 * rounded up. Proportional sharing keeps this O(1), deterministic and monotone (adding an order never
 * lowers it), and with allowance 0 it is ⌈Σ qty × price / leverage⌉ + Σ qty × openLoss.
 */
export function sideOrderMargin(
  side: SideOrders,
  allowance: number,
  leverage: number,
  factor: number,
): number {
  if (side.qty <= allowance) return 0;
  const open = side.qty - allowance;
  // exact in doubles while every intermediate is an integer below 2^52 (mulDiv checks the product)
  const withLoss = side.qtyLoss * leverage;
  const perLevN = side.qtyPrice + withLoss;
  const numN = perLevN * factor;
  const den = leverage * side.qty;
  if (withLoss < FAST && perLevN >= 0 && perLevN < FAST && numN < FAST && den < FAST) {
    return mulDiv(numN, open, den, "ceil");
  }
  const perLev = BigInt(side.qtyPrice) + BigInt(side.qtyLoss) * BigInt(leverage);
  const num = perLev * BigInt(factor);
  return toSafe(mulDivBig(num, BigInt(open), BigInt(leverage) * BigInt(side.qty), "ceil"), "sideOrderMargin");
}

/** Unrealized PnL in micro-USDT of a position at `price`: (Q × price − signed entry value) × factor. */
export function unrealizedPnl(qty: number, entryValue: number, price: number, factor: number): number {
  if (qty === 0) return 0;
  const signedEntry = qty > 0 ? entryValue : -entryValue;
  return mul(mul(qty, price) - signedEntry, factor);
}

/** Is `price` inside priceBand(mark, band)? (the same bounds, without building the pair) */
export function inPriceBand(price: number, mark: number, band: number): boolean {
  return (
    price >= mulDiv(mark, RATE_SCALE - band, RATE_SCALE, "ceil") &&
    price <= mulDiv(mark, RATE_SCALE + band, RATE_SCALE, "floor")
  );
}

/** Limit-price band around mark (SPEC §3/§4): [⌈mark × (1 − band)⌉, ⌊mark × (1 + band)⌋]. */
export function priceBand(mark: number, band: number): { lo: number; hi: number } {
  return {
    lo: mulDiv(mark, RATE_SCALE - band, RATE_SCALE, "ceil"),
    hi: mulDiv(mark, RATE_SCALE + band, RATE_SCALE, "floor"),
  };
}

/**
 * The limit a MARKET order carries into the book (SPEC §4): mark × (1 ± marketTakeBound), rounded to a
 * tick multiple toward mark (a buy's bound down, a sell's up), never below one tick.
 */
export function marketTakePrice(side: Side, mark: number, bound: number, tick: number): number {
  if (side === Side.BUY) {
    const raw = mulDiv(mark, RATE_SCALE + bound, RATE_SCALE, "floor");
    return Math.max(tick, raw - (raw % tick));
  }
  const raw = mulDiv(mark, RATE_SCALE - bound, RATE_SCALE, "ceil");
  const up = raw % tick === 0 ? raw : raw + tick - (raw % tick);
  return Math.max(tick, up);
}

/** Mark rounded to the nearest tick, halves up (SPEC §6). */
export function roundToTick(price: number, tick: number): number {
  return mul(mulDiv(price, 1, tick, "halfUp"), tick);
}

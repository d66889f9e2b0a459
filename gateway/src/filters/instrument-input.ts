// Admin instrument input → Instrument (SPEC §3): SPEC defaults for what is not given, every number
// parsed exactly, brackets with maintAmount_k = maintAmount_{k-1} + floor_k × (MMR_k − MMR_{k−1})
// computed exactly (an input that would need rounding is refused).
import type { Bracket, Instrument } from "@perpx/shared/domain";
import { notionalFactor } from "@perpx/shared/domain";
import { add, mulDiv, RATE_SCALE } from "@perpx/shared/fixed";
import { makeInstrument } from "@perpx/shared/instruments";
import { ApiError } from "../api-error.js";
import { type DecimalInput, units } from "./decimals.js";

export interface InstrumentBody {
  symbol: string;
  baseAsset: string;
  tickSize: string;
  stepSize: string;
  minQty: DecimalInput;
  maxQty: DecimalInput;
  maxMarketQty: DecimalInput;
  minNotional: DecimalInput;
  pricePercentBand?: DecimalInput;
  marketTakeBound?: DecimalInput;
  maxOpenOrders?: number;
  makerFeeRate?: DecimalInput;
  takerFeeRate?: DecimalInput;
  liquidationFeeRate?: DecimalInput;
  fundingIntervalHours?: number;
  interestRate?: DecimalInput;
  defaultLeverage?: number;
  brackets?: { notionalCap: DecimalInput; maxLeverage: number; maintMarginRate: DecimalInput }[];
}

type Overrides = {
  -readonly [K in
    | "pricePercentBand"
    | "marketTakeBound"
    | "makerFeeRate"
    | "takerFeeRate"
    | "liquidationFeeRate"
    | "interestRate"
    | "maxOpenOrders"
    | "fundingIntervalHours"
    | "defaultLeverage"]?: number;
};

const bad = (msg: string) => new ApiError("INVALID_PARAMETER", msg);
const rate = (v: DecimalInput, field: string) => units(v, 8, field, "INVALID_PRECISION");
const text = (v: DecimalInput) => (typeof v === "number" ? String(v) : v);

function brackets(input: NonNullable<InstrumentBody["brackets"]>): Bracket[] {
  const out: Bracket[] = [];
  let prevCap = 0;
  let prevRate = 0;
  let prevAmount = 0;
  for (const [i, b] of input.entries()) {
    const cap = units(b.notionalCap, 6, `brackets[${i}].notionalCap`, "INVALID_PRECISION");
    const r = rate(b.maintMarginRate, `brackets[${i}].maintMarginRate`);
    if (cap <= prevCap) throw bad("bracket notional caps must increase");
    if (r <= 0 || r >= RATE_SCALE || r < prevRate)
      throw bad("maintenance margin rates must be in (0, 1) and not decrease");
    const prevLev = out[out.length - 1]?.maxLeverage;
    if (prevLev !== undefined && b.maxLeverage > prevLev) throw bad("bracket max leverage must not increase");
    if (r >= RATE_SCALE / b.maxLeverage) throw bad("maintenance margin rate must be below 1 / maxLeverage");
    const step = mulDiv(prevCap, r - prevRate, RATE_SCALE, "floor");
    if (step !== mulDiv(prevCap, r - prevRate, RATE_SCALE, "ceil")) {
      throw bad(`brackets[${i}]: maintAmount is not an exact micro-USDT amount`);
    }
    const amount = add(prevAmount, step);
    out.push({ notionalCap: cap, maxLeverage: b.maxLeverage, maintMarginRate: r, maintAmount: amount });
    prevCap = cap;
    prevRate = r;
    prevAmount = amount;
  }
  return out;
}

export function buildInstrument(b: InstrumentBody, symbolId: number): Instrument {
  let base: Instrument;
  try {
    base = makeInstrument({
      symbolId,
      symbol: b.symbol,
      baseAsset: b.baseAsset,
      tickSize: b.tickSize,
      stepSize: b.stepSize,
      minQty: text(b.minQty),
      maxQty: text(b.maxQty),
      maxMarketQty: text(b.maxMarketQty),
      minNotional: text(b.minNotional),
      ...(b.brackets ? { brackets: brackets(b.brackets) } : {}),
    });
    notionalFactor(base);
  } catch (err) {
    if (ApiError.is(err)) throw err;
    throw bad(`instrument: ${(err as Error).message}`);
  }
  if (base.tickUnits <= 0 || base.stepUnits <= 0) throw bad("tickSize and stepSize must be positive");
  if (base.minQty < base.stepUnits || base.maxQty < base.minQty || base.maxMarketQty < base.minQty) {
    throw bad("need stepSize ≤ minQty ≤ maxMarketQty, maxQty");
  }
  if (base.minQty % base.stepUnits !== 0 || base.maxQty % base.stepUnits !== 0)
    throw bad("quantities must be multiples of stepSize");
  if (base.minNotional < 0) throw bad("minNotional must not be negative");
  const o: Overrides = {};
  if (b.pricePercentBand !== undefined) o.pricePercentBand = rate(b.pricePercentBand, "pricePercentBand");
  if (b.marketTakeBound !== undefined) o.marketTakeBound = rate(b.marketTakeBound, "marketTakeBound");
  if (b.makerFeeRate !== undefined) o.makerFeeRate = rate(b.makerFeeRate, "makerFeeRate");
  if (b.takerFeeRate !== undefined) o.takerFeeRate = rate(b.takerFeeRate, "takerFeeRate");
  if (b.liquidationFeeRate !== undefined)
    o.liquidationFeeRate = rate(b.liquidationFeeRate, "liquidationFeeRate");
  if (b.interestRate !== undefined) o.interestRate = rate(b.interestRate, "interestRate");
  if (b.maxOpenOrders !== undefined) o.maxOpenOrders = b.maxOpenOrders;
  if (b.fundingIntervalHours !== undefined) o.fundingIntervalHours = b.fundingIntervalHours;
  if (b.defaultLeverage !== undefined) o.defaultLeverage = b.defaultLeverage;
  for (const k of ["pricePercentBand", "marketTakeBound"] as const) {
    const v = o[k];
    if (v !== undefined && (v <= 0 || v >= RATE_SCALE)) throw bad(`${k} must be in (0, 1)`);
  }
  if ((o.takerFeeRate ?? 0) < 0 || (o.liquidationFeeRate ?? 0) < 0)
    throw bad("taker and liquidation fees must not be negative");
  const lev = o.defaultLeverage ?? base.defaultLeverage;
  if (lev > (base.brackets[0]?.maxLeverage ?? 1))
    throw bad("defaultLeverage above the first bracket's max leverage");
  return Object.freeze({ ...base, ...o });
}

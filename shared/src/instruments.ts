// Default instruments created on first start (SPEC §1, §3): BTCUSDT and ETHUSDT.

import type { Bracket, Instrument } from "./domain.js";
import { add, decimalsOf, MONEY_SCALE, mul, mulDiv, parseDecimal, RATE_SCALE } from "./fixed.js";

const USDT = MONEY_SCALE; // micro-USDT per USDT
const PCT = RATE_SCALE / 100; // parts per 1e8 in one percent

/** Binance USDⓈ-M BTCUSDT table (notional cap USDT, max leverage, maintenance margin rate in %). */
const BINANCE_BTC_TABLE: readonly (readonly [number, number, number])[] = [
  [50_000, 125, 0.4],
  [250_000, 100, 0.5],
  [1_000_000, 50, 1],
  [10_000_000, 20, 2.5],
  [20_000_000, 10, 5],
  [50_000_000, 5, 10],
  [100_000_000, 4, 12.5],
  [200_000_000, 3, 15],
  [300_000_000, 2, 25],
  [500_000_000, 1, 50],
];

/**
 * Builds brackets with maintAmount_k = maintAmount_{k-1} + floor_k × (MMR_k − MMR_{k−1}) (SPEC §3),
 * exactly, in micro-USDT. `mmrPct` values are given with at most 3 decimals (0.4 → 400_000 parts/1e8).
 */
export function buildBrackets(table: readonly (readonly [number, number, number])[]): Bracket[] {
  const out: Bracket[] = [];
  let prevCap = 0;
  let prevRate = 0;
  let prevAmount = 0;
  for (const [capUsdt, maxLeverage, mmrPct] of table) {
    // table rates have at most 3 decimals of a percent: 0.4 → 400 thousandths of a percent
    const rate = mul(Math.round(mmrPct * 1000), PCT / 1000);
    // floor_k × ΔMMR in micro-USDT, exact (mulDiv goes through BigInt when the product passes 2^52)
    const amount = add(prevAmount, mulDiv(prevCap, rate - prevRate, RATE_SCALE, "floor"));
    const cap = mul(capUsdt, USDT);
    out.push({ notionalCap: cap, maxLeverage, maintMarginRate: rate, maintAmount: amount });
    prevCap = cap;
    prevRate = rate;
    prevAmount = amount;
  }
  return out;
}

function units(text: string, decimals: number): number {
  const p = parseDecimal(text, decimals);
  if (!p.ok) throw new RangeError(`bad instrument number ${text}`);
  return p.units;
}

export interface InstrumentInput {
  symbolId: number;
  symbol: string;
  baseAsset: string;
  tickSize: string;
  stepSize: string;
  minQty: string;
  maxQty: string;
  maxMarketQty: string;
  /** USDT */
  minNotional: string;
  brackets?: readonly Bracket[];
}

/** An instrument with SPEC §3 defaults for everything not given. */
export function makeInstrument(input: InstrumentInput): Instrument {
  const priceDecimals = decimalsOf(input.tickSize);
  const qtyDecimals = decimalsOf(input.stepSize);
  const brackets = input.brackets ?? buildBrackets(BINANCE_BTC_TABLE);
  const first = brackets[0];
  if (!first) throw new RangeError("an instrument needs at least one bracket");
  // IMR at max leverage = 1 / maxLeverage; fundingCap = 0.75 × (IMR − MMR) of the first bracket
  const imr = RATE_SCALE / first.maxLeverage;
  const fundingCap = Math.floor((3 * (imr - first.maintMarginRate)) / 4);
  return Object.freeze({
    symbolId: input.symbolId,
    symbol: input.symbol,
    baseAsset: input.baseAsset,
    quoteAsset: "USDT",
    tickSize: input.tickSize,
    stepSize: input.stepSize,
    priceDecimals,
    qtyDecimals,
    tickUnits: units(input.tickSize, priceDecimals),
    stepUnits: units(input.stepSize, qtyDecimals),
    minQty: units(input.minQty, qtyDecimals),
    maxQty: units(input.maxQty, qtyDecimals),
    maxMarketQty: units(input.maxMarketQty, qtyDecimals),
    minNotional: units(input.minNotional, 6),
    pricePercentBand: 5 * PCT,
    marketTakeBound: 5 * PCT,
    maxOpenOrders: 200,
    makerFeeRate: 20_000, // 0.02%
    takerFeeRate: 50_000, // 0.05%
    liquidationFeeRate: 1_250_000, // 1.25%
    fundingIntervalHours: 8,
    interestRate: 10_000, // 0.01% per interval
    fundingCap,
    impactMarginNotional: 200 * USDT * first.maxLeverage, // 200 USDT / IMR at max leverage
    brackets: Object.freeze(brackets.map((b) => Object.freeze({ ...b }))),
    defaultLeverage: 20,
  });
}

export const DEFAULT_INSTRUMENTS: readonly Instrument[] = Object.freeze([
  makeInstrument({
    symbolId: 1,
    symbol: "BTCUSDT",
    baseAsset: "BTC",
    tickSize: "0.10",
    stepSize: "0.001",
    minQty: "0.001",
    maxQty: "1000",
    maxMarketQty: "120",
    minNotional: "5",
  }),
  makeInstrument({
    symbolId: 2,
    symbol: "ETHUSDT",
    baseAsset: "ETH",
    tickSize: "0.01",
    stepSize: "0.001",
    minQty: "0.001",
    maxQty: "10000",
    maxMarketQty: "2000",
    minNotional: "5",
  }),
]);

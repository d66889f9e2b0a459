// The generator's view of each market: the index it feeds (a seeded walk with a trend that flips and
// jumps of 2–4 % now and then, enough to liquidate the 75x takers), and price/quantity formatting.
// Prices are integer price units (SPEC §2): no float ever reaches an order.
import type { Prng } from "@perpx/engine/util/prng";
import type { Instrument } from "@perpx/shared/domain";
import { formatDecimal } from "@perpx/shared/fixed";

export class Market {
  /** index price, price units */
  index: number;
  /** drift per index tick, basis points (signed) */
  trendBp: number;
  jumps = 0;
  private readonly lo: number;
  private readonly hi: number;

  constructor(
    readonly inst: Instrument,
    start: number,
    /** order size unit, lots (≈ 250 USDT of notional) */
    readonly baseLots: number,
    private readonly rng: Prng,
  ) {
    this.index = start;
    this.trendBp = 2;
    this.lo = Math.floor(start / 2);
    this.hi = start * 2;
  }

  get symbol(): string {
    return this.inst.symbol;
  }

  /** Moves the index one tick of the feed; `jump` asks for a 2–4 % jump. */
  step(jump: boolean): void {
    if (this.rng.chance(0.05)) this.trendBp = -this.trendBp;
    let bp = this.trendBp + this.rng.range(-4, 4);
    if (jump) {
      bp = (this.rng.chance(0.5) ? 1 : -1) * this.rng.range(200, 400);
      this.jumps++;
    }
    const next = this.index + Math.trunc((this.index * bp) / 10_000);
    this.index = this.roundTick(Math.min(this.hi, Math.max(this.lo, next)));
  }

  roundTick(p: number): number {
    const t = this.inst.tickUnits;
    return Math.max(t, Math.round(p / t) * t);
  }

  /** index moved by `bp` basis points (signed), on the tick grid */
  offset(bp: number): number {
    return this.roundTick(this.index + Math.trunc((this.index * bp) / 10_000));
  }

  price(units: number): string {
    return formatDecimal(units, this.inst.priceDecimals);
  }

  qty(lots: number): string {
    return formatDecimal(lots * this.inst.stepUnits, this.inst.qtyDecimals);
  }
}

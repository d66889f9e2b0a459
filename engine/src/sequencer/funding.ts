// Premium samples and funding (SPEC §6, §7). Owner: the sequencer (MARK_SAMPLE and PAY_FUNDING).
//
// Sample (each MARK_SAMPLE, for a symbol with an index): one read of the book through the MatchPort.
//   basis   = mid − index, kept ×2 (bid + ask − 2 × index, exact), 0 without both a bid and an ask; the
//             last 30 feed Price2 of the mark
//   premium P = (max(0, impactBid − index) − max(0, index − impactAsk)) / index, parts per 1e8, where the
//             impact bid / ask is the average price of a market sell / buy of impactMarginNotional
//             (the book walk `impact()`; a side thinner than that notional averages what it has, an empty
//             side counts 0). Each of the two terms is truncated toward zero, so rounding never makes a
//             premium that is not there.
// Rate at funding time: avg(P) = Σ P / n truncated toward zero (0 without samples),
//   F = avg(P) + clamp(interestRate − avg(P), −0.05 %, +0.05 %), then clamped to ±fundingCap.
// Payment per open position: Δwallet = −Q × mark × F (isolated: the isolated wallet). The exact amount is
//   |Q| × mark × factor × |F| / 1e8 micro-USDT; the payer pays it rounded up, the receiver gets it rounded
//   down, and the difference (≥ 0, since Σ Q = 0) goes to the insurance fund as FUNDING_RESIDUE.
// A PAY_FUNDING whose fundingTime is not after the symbol's last paid one is a no-op (no double payment
// when the scheduler re-sends a boundary, and funding times only move forward). Paying resets the premium
// samples; the rate becomes lastFundingRate, which feeds Price1 of the mark.
import { BalanceReason, MarginType } from "@perpx/shared/domain";
import { Ev } from "@perpx/shared/events";
import { add, mulDiv, mulDivBig, RATE_SCALE, sub, toSafe } from "@perpx/shared/fixed";
import type { CommandCtx } from "./command-ctx.js";
import { insuranceIn } from "./insurance.js";
import { notionalOf } from "./margin.js";
import { MatchOp, type MatchPort, type MatchReport, type MatchRequest, ReportKind } from "./match-port.js";
import type { SequencerState } from "./state.js";
import { BASIS_WINDOW, type SymbolState } from "./symbol-state.js";

const HOUR_MS = 3_600_000;
/** the ±0.05 % clamp of (interestRate − avg premium), parts per 1e8 */
const INTEREST_CLAMP = 50_000;

export function intervalMs(sym: SymbolState): number {
  return sym.inst.fundingIntervalHours * HOUR_MS;
}

/** The first funding time strictly after `ts` (00:00/08:00/16:00 UTC for 8 h). */
export function nextFundingTime(ts: number, sym: SymbolState): number {
  const step = intervalMs(sym);
  return Math.floor(ts / step) * step + step;
}

/** Σ and count of the basis samples currently in the window. */
export function basisStats(sym: SymbolState): { sum: number; count: number } {
  let sum = 0;
  for (const b of sym.basis) sum += b;
  return { sum, count: sym.basis.length };
}

/** One premium sample from book figures (exported for tests). */
export function premiumOf(
  index: number,
  bidQty: number,
  bidQuote: number,
  askQty: number,
  askQuote: number,
): number {
  let p = 0;
  // impact bid above index: (bidQuote / bidQty − index) / index
  const over = BigInt(bidQuote) - BigInt(index) * BigInt(bidQty);
  if (bidQty > 0 && over > 0n)
    p += toSafe(mulDivBig(over, BigInt(RATE_SCALE), BigInt(bidQty) * BigInt(index), "trunc"));
  // impact ask below index: (index − askQuote / askQty) / index
  const under = BigInt(index) * BigInt(askQty) - BigInt(askQuote);
  if (askQty > 0 && under > 0n)
    p -= toSafe(mulDivBig(under, BigInt(RATE_SCALE), BigInt(askQty) * BigInt(index), "trunc"));
  return p;
}

/** Takes one basis + premium sample of `sym` from its book (no-op without an index). */
export function takeSample(sym: SymbolState, port: MatchPort, req: MatchRequest, report: MatchReport): void {
  const index = sym.indexPrice;
  if (index <= 0) return;
  req.op = MatchOp.SAMPLE;
  req.symbolId = sym.inst.symbolId;
  req.qty = Math.floor(sym.inst.impactMarginNotional / sym.factor);
  port.execute(req, report);
  if (report.count !== 1 || report.kind(0) !== ReportKind.SAMPLE)
    throw new Error("matcher: bad SAMPLE report");
  const bid = report.field(0, 1);
  const ask = report.field(0, 2);
  const basis = bid > 0 && ask > 0 ? bid + ask - 2 * index : 0;
  if (sym.basis.length < BASIS_WINDOW) sym.basis.push(basis);
  else {
    sym.basis[sym.basisHead] = basis;
    sym.basisHead = (sym.basisHead + 1) % BASIS_WINDOW;
  }
  const p = premiumOf(index, report.field(0, 3), report.field(0, 4), report.field(0, 5), report.field(0, 6));
  sym.premiumSum = add(sym.premiumSum, p);
  sym.premiumCount++;
}

/** The funding rate the current samples give (the predicted rate between payments), parts per 1e8. */
export function fundingRate(sym: SymbolState): number {
  const n = sym.premiumCount;
  const avg = n === 0 ? 0 : mulDiv(sym.premiumSum, 1, n, "trunc");
  const f = avg + clamp(sym.inst.interestRate - avg, -INTEREST_CLAMP, INTEREST_CLAMP);
  return clamp(f, -sym.inst.fundingCap, sym.inst.fundingCap);
}

function clamp(x: number, lo: number, hi: number): number {
  return x < lo ? lo : x > hi ? hi : x;
}

/** Pays funding for one symbol at `fundingTime` (a no-op when that time, or a later one, was paid). */
export function payFunding(st: SequencerState, ctx: CommandCtx, sym: SymbolState, fundingTime: number): void {
  if (fundingTime <= sym.lastFundingTime) return;
  const rate = fundingRate(sym);
  const mark = sym.markPrice;
  const symbolId = sym.inst.symbolId;
  sym.lastFundingTime = fundingTime;
  sym.lastFundingRate = rate;
  sym.premiumSum = 0;
  sym.premiumCount = 0;
  ctx.out.push({
    ev: Ev.FUNDING_RATE,
    seq: ctx.seq,
    ts: ctx.ts,
    symbolId,
    fundingTime,
    fundingRate: rate,
    markPrice: mark,
  });
  let paid = 0;
  let received = 0;
  for (const acc of st.accounts.values()) {
    const pos = acc.positions.get(symbolId);
    if (pos === undefined || pos.qty === 0) continue;
    // −Q × mark × F: longs pay when F > 0; |Q| × mark × factor × |F| / 1e8, payer up, receiver down
    const notional = notionalOf(mark, pos.qty, sym.factor);
    const absRate = rate < 0 ? -rate : rate;
    const payer = pos.qty > 0 === rate > 0;
    const amount =
      rate === 0
        ? 0
        : payer
          ? -mulDiv(notional, absRate, RATE_SCALE, "ceil")
          : mulDiv(notional, absRate, RATE_SCALE, "floor");
    if (amount !== 0) {
      const isolated = pos.marginType === MarginType.ISOLATED;
      ctx.touch(acc, isolated ? pos : undefined, BalanceReason.FUNDING_FEE);
      if (isolated) pos.isolatedWallet = add(pos.isolatedWallet, amount);
      else acc.crossWallet = add(acc.crossWallet, amount);
      if (amount < 0) paid = sub(paid, amount);
      else received = add(received, amount);
    }
    ctx.out.push({
      ev: Ev.FUNDING_PAYMENT,
      seq: ctx.seq,
      ts: ctx.ts,
      userId: acc.userId,
      symbolId,
      fundingTime,
      fundingRate: rate,
      positionQty: pos.qty,
      markPrice: mark,
      amount,
    });
  }
  insuranceIn(st, ctx, paid - received, "FUNDING_RESIDUE", symbolId);
}

// The insurance fund (SPEC §7): one per quote asset (USDT), a balance in SequencerState with a history
// made of InsuranceEvents. Every movement goes through here, so each one is published with its reason,
// and the fund never goes below zero: a payment is limited to the balance and the caller learns how much
// was paid (what the fund cannot pay is what ADL is for). Owner: the sequencer.
//
// Reasons: LIQUIDATION_FEE (in: the fee a liquidation fill leaves above the bankruptcy quote),
// DEFICIT (out: a liquidation fill below the bankruptcy quote, or a wallet left negative topped up to 0),
// FUNDING_RESIDUE (in: payers round up, receivers round down), ADL (in: the rounding an ADL fill at the
// rounded bankruptcy price leaves above the exact bankruptcy quote).
import { Ev } from "@perpx/shared/events";
import { add, sub } from "@perpx/shared/fixed";
import type { CommandCtx } from "./command-ctx.js";
import type { SequencerState } from "./state.js";

export type InsuranceReason = "LIQUIDATION_FEE" | "DEFICIT" | "FUNDING_RESIDUE" | "ADL";

/** Credits the fund (amount ≥ 0; 0 is a no-op). */
export function insuranceIn(
  st: SequencerState,
  ctx: CommandCtx,
  amount: number,
  reason: InsuranceReason,
  symbolId: number,
): void {
  if (amount <= 0) return;
  st.insuranceFund = add(st.insuranceFund, amount);
  emit(st, ctx, amount, reason, symbolId);
}

/** Pays up to `amount` (≥ 0) out of the fund; returns what was paid (≤ the balance). */
export function insuranceOut(
  st: SequencerState,
  ctx: CommandCtx,
  amount: number,
  reason: InsuranceReason,
  symbolId: number,
): number {
  const paid = Math.min(amount, st.insuranceFund);
  if (paid <= 0) return 0;
  st.insuranceFund = sub(st.insuranceFund, paid);
  emit(st, ctx, -paid, reason, symbolId);
  return paid;
}

function emit(st: SequencerState, ctx: CommandCtx, delta: number, reason: string, symbolId: number): void {
  ctx.out.push({
    ev: Ev.INSURANCE,
    seq: ctx.seq,
    ts: ctx.ts,
    balance: st.insuranceFund,
    delta,
    reason,
    symbolId,
  });
}

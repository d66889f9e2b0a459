// Identifiers the read side derives (SPEC §11 Redis keys, accounts/positions tables); the engine itself
// only knows userId and symbolId. Deterministic, so the savers, the notifier and a cache rebuild from
// MySQL all produce the same keys.
//  - accountId: one account per user and asset; USDT is the only asset (QUOTE_ASSET), and its account
//    id is the user id. Another asset would need a new rule (e.g. userId × 16 + assetIndex): a migration.
//  - positionId: one position per user and symbol in one-way mode: "{userId}-{symbolId}" (hedge mode
//    would append the position side).
import { QUOTE_ASSET } from "@perpx/shared/domain";

export function accountIdOf(userId: number, asset: string = QUOTE_ASSET): number {
  if (asset !== QUOTE_ASSET) throw new RangeError(`no account rule for asset ${asset}`);
  return userId;
}

export function positionIdOf(userId: number, symbolId: number): string {
  return `${userId}-${symbolId}`;
}

// The embedded journal's options from the environment (docs/gateway.md "Configuration").
import type { JournalOptions } from "@perpx/engine/log/journal/journal-options";

/** JOURNAL_PREALLOCATE_BYTES: zeros kept written ahead of the journal's data (docs/journal.md). */
export function journalFromEnv(env: NodeJS.ProcessEnv): JournalOptions {
  const v = env.JOURNAL_PREALLOCATE_BYTES;
  if (v === undefined || v === "") return {};
  const n = Number(v);
  if (!/^\d+$/.test(v) || !Number.isSafeInteger(n))
    throw new Error(`JOURNAL_PREALLOCATE_BYTES must be a whole number of bytes (0 = off), got "${v}"`);
  return { preallocateBytes: n };
}

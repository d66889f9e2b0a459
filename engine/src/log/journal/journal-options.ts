// Options and counters of the embedded journal (journal-command-log.ts).
import type { JournalIo } from "./journal-io.js";
import type { VerifyMode } from "./recovery.js";
import type { Preallocation, WriterCounters } from "./segment-writer.js";

export interface JournalOptions {
  /** start a new segment file once the active one would pass this size; default 64 MiB */
  segmentBytes?: number;
  /**
   * zero bytes kept written ahead of the data in the active segment, so group commits overwrite
   * allocated blocks instead of growing the file (segment-writer.ts); default 1 MiB, 0 = off
   */
  preallocateBytes?: number;
  /** how long an idle log waits for more appends before writing, in ms; default 0 (setImmediate) */
  maxGroupDelayMs?: number;
  /** records per group (one write + one fsync); default 4096 */
  maxGroupRecords?: number;
  /** bytes per group; default 1 MiB */
  maxGroupBytes?: number;
  /** recent records served from memory; default 65 536 (0 disables) */
  tailCacheRecords?: number;
  /** checksum verification at open: on the main thread ("inline", default) or a piscina pool */
  verify?: VerifyMode;
  /** pool threads for verify: "pool"; default 2 */
  verifyThreads?: number;
  /** sparse index density for reads from files: one entry per this many records; default 1024 */
  indexEvery?: number;
  /** file operations (tests inject faults here); default node:fs */
  io?: JournalIo;
  /** recovery findings (torn tail truncated, segment removed); default console.warn */
  onWarning?: (msg: string) => void;
}

/** The options the writing side uses, defaults applied. */
export type WriteOptions = Required<
  Omit<JournalOptions, "io" | "onWarning" | "verify" | "verifyThreads" | "preallocateBytes">
>;

const MiB = 1024 * 1024;

export function writeDefaults(o: JournalOptions): WriteOptions {
  return {
    segmentBytes: o.segmentBytes ?? 64 * MiB,
    maxGroupDelayMs: o.maxGroupDelayMs ?? 0,
    maxGroupRecords: o.maxGroupRecords ?? 4096,
    maxGroupBytes: o.maxGroupBytes ?? MiB,
    tailCacheRecords: o.tailCacheRecords ?? 65_536,
    indexEvery: o.indexEvery ?? 1024,
  };
}

/** The segment writers' preallocation (ahead of the data, up to the segment size). */
export function preallocation(o: JournalOptions): Preallocation {
  return { ahead: Math.max(0, o.preallocateBytes ?? MiB), limit: writeDefaults(o).segmentBytes };
}

export interface JournalStats extends WriterCounters {
  /** append() calls accepted (encoded into a group) */
  appends: number;
  /** records made durable */
  records: number;
  /** groups committed (each = one write + one fsync) */
  groups: number;
  /** largest group, in records */
  maxGroupRecords: number;
  /** segments created since open */
  rotations: number;
  /** append() calls rejected with LOG_UNAVAILABLE */
  failedAppends: number;
}

/** A command log that hands out appended, not yet durable, commands (see the header). */

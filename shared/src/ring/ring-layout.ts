// Byte layout of an SPSC ring inside its SharedArrayBuffer. Both threads build their view of the ring
// from these constants only, so this file is the whole contract between producer and consumer.
//
//   offset  size  line  what                                   written by
//   0       4     0     MAGIC "PXR1"                            creator, once
//   4       4     0     capacity (slots, power of two)          creator, once
//   8       4     0     slot size in bytes (64)                 creator, once
//   12      4     0     closed flag (0/1)                       producer, once at the end
//   64      4     1     tail: seq of the next slot to publish   producer, on publish
//   128     4     2     head: seq of the next slot to read      consumer, on release
//   192     4     3     consumer parked flag (0/1)              consumer, around Atomics.wait
//   256     4     4     producer parked flag (0/1)              producer, around Atomics.wait
//   320     capacity × 64   slots, slot i at 320 + (seq & mask) × 64
//
// Each counter has a 64-byte line to itself (the LMAX "padding" idea): the producer writes `tail` on every
// publish and the consumer `head` on every release, and neither store invalidates the line holding the
// other counter. The parked flags get their own lines too because they are written rarely and read on
// every publish/release: kept apart from the counters, the reads hit a line that stays shared in both
// caches. Lines are 64 bytes apart even if the SharedArrayBuffer itself is not 64-byte aligned, so no two
// of these words can ever fall into the same cache line.
//
// Sequences are int32 and wrap: distances are always computed as `(a - b) | 0`, which is exact while the
// capacity is below 2^31, so a ring can run for ever (at 10M msg/s the counter wraps every ~3.5 minutes).

/** bytes per slot: one cache line, and the size of the largest matcher message (TRADE, 64 bytes) */
export const SLOT_BYTES = 64;
/** "PXR1" little-endian: lets attach() refuse a buffer that is not a ring */
export const RING_MAGIC = 0x31525850;
export const CACHE_LINE = 64;

/** Int32Array indexes (byte offset / 4) of the header words. */
export const I_MAGIC = 0;
export const I_CAPACITY = 1;
export const I_SLOT_BYTES = 2;
export const I_CLOSED = 3;
export const I_TAIL = CACHE_LINE / 4; // byte 64
export const I_HEAD = (2 * CACHE_LINE) / 4; // byte 128
export const I_CONSUMER_PARKED = (3 * CACHE_LINE) / 4; // byte 192
export const I_PRODUCER_PARKED = (4 * CACHE_LINE) / 4; // byte 256

/** byte offset of slot 0 */
export const DATA_OFFSET = 5 * CACHE_LINE;

/** 2^30 slots (64 GiB of slots) is far beyond use, and keeps `(a - b) | 0` exact. */
export const MAX_CAPACITY = 2 ** 30;

/** SharedArrayBuffer size in bytes for a ring of `capacity` slots. */
export function ringBytes(capacity: number): number {
  return DATA_OFFSET + capacity * SLOT_BYTES;
}

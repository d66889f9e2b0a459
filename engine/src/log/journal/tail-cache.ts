// The last N durable records, their payload bytes copied into one ring buffer allocated once, so recent
// reads (a runner that fell behind, a rebuild, a read-back follower) never touch the files. Records are
// decoded on every read, exactly as a replay from files would: live and replayed commands are the same
// bytes. Owner: the journal (main thread).
//
// Why a copy and not a reference to the group buffer that was written: holding every group's Uint8Array
// for 65 536 records kept ~2 000 buffers (and their JS wrappers) alive at 100k commands/s — each one
// promoted to the old generation, and their external memory pushed V8 into extra Mark-Compacts. Copying
// a group's ≈ 2 KiB costs ≈ 0.1 µs; the group buffer then dies young.
// A record larger than an eighth of the ring (a big JSON command) is kept as its own copy instead.

import { decodeCommand } from "@perpx/shared/codec/command-record";
import type { LoggedCommand } from "@perpx/shared/commands";

/** ring bytes per record slot: commands of the hot layouts are 24–100 bytes */
const BYTES_PER_RECORD = 128;

export class TailCache {
  /** the ring of payload bytes (allocated at the first add) */
  private ring: Uint8Array | null = null;
  private readonly ringBytes: number;
  /** per slot: a record's own copy (too large for the ring), else undefined (bytes in the ring) */
  private readonly big: (Uint8Array | undefined)[];
  private readonly offs: Int32Array;
  private readonly lens: Int32Array;
  /** per slot: where the record's bytes start in the ring's write stream (non-decreasing by seq; an own
   * copy takes no ring bytes and gets the stream position of its add) */
  private readonly starts: Float64Array;
  private readonly mask: number;
  /** cached seqs are [lo, hi]; lo > hi when empty */
  private lo = 1;
  private hi = 0;
  /** bytes ever written to the ring (the next record starts at `pos % ringBytes`, or wraps to 0) */
  private pos = 0;

  /** capacity is rounded up to a power of two; 0 disables the cache */
  constructor(capacity: number) {
    const cap = capacity <= 0 ? 0 : 2 ** Math.ceil(Math.log2(capacity));
    this.ringBytes = cap * BYTES_PER_RECORD;
    this.big = new Array<Uint8Array | undefined>(cap);
    this.offs = new Int32Array(cap);
    this.lens = new Int32Array(cap);
    this.starts = new Float64Array(cap);
    this.mask = cap - 1;
  }

  get capacity(): number {
    return this.big.length;
  }

  /**
   * Adds the record `seq` (must follow the last one; otherwise the cache restarts at seq): a copy of
   * `buf[off, off + len)`; the caller may reuse or drop `buf` afterwards.
   */
  add(seq: number, buf: Uint8Array, off: number, len: number): void {
    const cap = this.big.length;
    if (cap === 0) return;
    if (seq !== this.hi + 1) {
      this.lo = seq;
      this.hi = seq - 1;
    }
    const i = seq & this.mask;
    if (len > this.ringBytes >> 3) {
      this.big[i] = buf.slice(off, off + len);
      this.offs[i] = 0;
      this.starts[i] = this.pos;
    } else {
      const ring = this.ring ?? this.allocRing();
      let at = this.pos % this.ringBytes;
      if (at + len > this.ringBytes) {
        this.pos += this.ringBytes - at; // no record straddles the end: wrap to the start
        at = 0;
      }
      if (len <= 256) for (let k = 0; k < len; k++) ring[at + k] = buf[off + k]!;
      else ring.set(buf.subarray(off, off + len), at); // a view per record costs more than the loop
      this.big[i] = undefined;
      this.offs[i] = at;
      this.starts[i] = this.pos;
      this.pos += len;
    }
    this.lens[i] = len;
    this.hi = seq;
    if (this.hi - this.lo >= cap) this.lo = this.hi - cap + 1;
    // drop the oldest records whose ring bytes the stream has overwritten
    const floor = this.pos - this.ringBytes;
    while (this.lo < this.hi) {
      const s = this.starts[this.lo & this.mask]!;
      if (s >= floor) break;
      this.big[this.lo & this.mask] = undefined;
      this.lo++;
    }
  }

  has(seq: number): boolean {
    return seq >= this.lo && seq <= this.hi;
  }

  /** Decodes cached records from `from` while cached, until out.length reaches max. */
  read(from: number, max: number, out: LoggedCommand[]): number {
    let seq = from;
    while (seq <= this.hi && out.length < max && seq >= this.lo) {
      const i = seq & this.mask;
      const bytes = this.big[i] ?? this.ring!;
      out.push({ seq, cmd: decodeCommand(bytes, this.offs[i]!, this.lens[i]!) });
      seq++;
    }
    return seq;
  }

  private allocRing(): Uint8Array {
    this.ring = new Uint8Array(this.ringBytes);
    return this.ring;
  }
}

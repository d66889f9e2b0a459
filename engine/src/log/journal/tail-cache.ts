// The last N durable records, kept as (buffer, offset, length) of their payload inside the group buffers
// that were written, so recent reads (the engine following the log) never touch the files. Records are
// decoded on every read, exactly as a replay from files would: live and replayed commands are the same
// bytes. Owner: the journal (main thread).

import { decodeCommand } from "@perpx/shared/codec/command-record";
import type { LoggedCommand } from "@perpx/shared/commands";

export class TailCache {
  private readonly bufs: (Uint8Array | undefined)[];
  private readonly offs: Int32Array;
  private readonly lens: Int32Array;
  private readonly mask: number;
  /** cached seqs are [lo, hi]; lo > hi when empty */
  private lo = 1;
  private hi = 0;

  /** capacity is rounded up to a power of two; 0 disables the cache */
  constructor(capacity: number) {
    const cap = capacity <= 0 ? 0 : 2 ** Math.ceil(Math.log2(capacity));
    this.bufs = new Array<Uint8Array | undefined>(cap);
    this.offs = new Int32Array(cap);
    this.lens = new Int32Array(cap);
    this.mask = cap - 1;
  }

  get capacity(): number {
    return this.bufs.length;
  }

  /** Adds the record `seq` (must follow the last one; otherwise the cache restarts at seq). */
  add(seq: number, buf: Uint8Array, off: number, len: number): void {
    if (this.bufs.length === 0) return;
    if (seq !== this.hi + 1) this.lo = seq;
    this.hi = seq;
    if (this.hi - this.lo >= this.bufs.length) this.lo = this.hi - this.bufs.length + 1;
    const i = seq & this.mask;
    this.bufs[i] = buf;
    this.offs[i] = off;
    this.lens[i] = len;
  }

  has(seq: number): boolean {
    return seq >= this.lo && seq <= this.hi;
  }

  /** Decodes cached records from `from` while cached, until out.length reaches max. */
  read(from: number, max: number, out: LoggedCommand[]): number {
    let seq = from;
    while (seq <= this.hi && out.length < max && seq >= this.lo) {
      const i = seq & this.mask;
      out.push({ seq, cmd: decodeCommand(this.bufs[i]!, this.offs[i]!, this.lens[i]!) });
      seq++;
    }
    return seq;
  }
}

// One group commit: the framed records of one or more append() calls in one buffer, written with one
// write and made durable with one fdatasync. Frames are sealed (seq + crc) when the call is added, on the
// caller's turn, so the flush loop only writes. Owner: the journal (main thread).

import {
  CodecError,
  decodeCommand,
  encodeCommandInto,
  MAX_HOT_COMMAND_BYTES,
} from "@perpx/shared/codec/command-record";
import { type Command, type LoggedCommand, Op } from "@perpx/shared/commands";
import { FRAME_HEADER_BYTES, sealFrame } from "./record-frame.js";

export interface PendingAppend {
  firstSeq: number;
  count: number;
  resolve(seqs: number[]): void;
  reject(e: unknown): void;
}

export class AppendBatch {
  buf: Uint8Array;
  /** bytes used */
  len = 0;
  /** records in the batch */
  count = 0;
  readonly calls: PendingAppend[] = [];
  /**
   * The batch's commands as the engine will apply them (execute-ahead, see JournalCommandLog.readAhead):
   * the caller's object for the binary layouts (every field is in the record, so it equals the decoded
   * record), the decoded record for the JSON-encoded opcodes (canonical: only the schema's keys).
   */
  readonly cmds: LoggedCommand[] = [];

  constructor(
    /** seq of the batch's first record */
    readonly firstSeq: number,
    capacity: number,
    /** a buffer to reuse (a durable group's; its old bytes are overwritten, never written out) */
    spare?: Uint8Array,
  ) {
    this.buf = spare && spare.length >= capacity ? spare : new Uint8Array(capacity);
  }

  get lastSeq(): number {
    return this.firstSeq + this.count - 1;
  }

  /**
   * Frames `cmds` as the next records. All or nothing: on a command that cannot be encoded
   * (CodecError) the batch is left as it was and the error is thrown.
   */
  add(cmds: readonly Command[]): void {
    const len0 = this.len;
    const count0 = this.count;
    try {
      for (const cmd of cmds) {
        const at = this.len;
        this.ensure(FRAME_HEADER_BYTES + MAX_HOT_COMMAND_BYTES);
        let n: number;
        try {
          n = encodeCommandInto(cmd, this.buf, at + FRAME_HEADER_BYTES);
        } catch (e) {
          if (!CodecError.is(e) || e.code !== "NO_ROOM") throw e;
          this.ensure(FRAME_HEADER_BYTES + e.needed);
          n = encodeCommandInto(cmd, this.buf, at + FRAME_HEADER_BYTES);
        }
        const seq = this.firstSeq + this.count;
        sealFrame(this.buf, at, seq, n, this.count === 0); // a batch is one group commit
        this.len = at + FRAME_HEADER_BYTES + n;
        this.count++;
        this.cmds.push({
          seq,
          cmd: isBinaryLayout(cmd.op) ? cmd : decodeCommand(this.buf, at + FRAME_HEADER_BYTES, n),
        });
      }
    } catch (e) {
      this.len = len0;
      this.count = count0;
      this.cmds.length = count0;
      throw e;
    }
  }

  private ensure(extra: number): void {
    if (this.len + extra <= this.buf.length) return;
    let cap = this.buf.length * 2;
    while (cap < this.len + extra) cap *= 2;
    const next = new Uint8Array(cap);
    next.set(this.buf.subarray(0, this.len));
    this.buf = next;
  }
}

/** Opcodes with a fixed binary layout: the record holds every field of the command object. */
function isBinaryLayout(op: Op): boolean {
  return (
    op === Op.PLACE_ORDER ||
    op === Op.AMEND_ORDER ||
    op === Op.CANCEL_ORDER ||
    op === Op.CANCEL_ALL ||
    op === Op.ORACLE_PRICE ||
    op === Op.DEPOSIT
  );
}

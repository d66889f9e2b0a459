// A pre-generated command stream kept as encoded records (shared/codec/command-record) in one byte
// buffer, decoded into fresh objects as the pacer sends them (as a gateway parses each request). Paced
// latency runs (engine-latency.ts) keep 400 000 commands in hand: as objects they would be ≈ 75 MB of the
// benchmark's own live heap, which every Mark-Compact of the run must mark (≈ 50 ms each on this
// machine) — a pause the engine itself, whose heap is its state, does not have. The bytes live outside
// the JS heap. Owner: the benchmark process.
import { CodecError, decodeCommand, encodeCommandInto } from "@perpx/shared/codec/command-record";
import type { Command } from "@perpx/shared/commands";

export class CompactStream {
  private readonly buf: Uint8Array;
  /** record i is buf[offs[i], offs[i + 1]) */
  private readonly offs: Int32Array;

  constructor(cmds: readonly Command[]) {
    let buf = new Uint8Array(64 * cmds.length + 4096);
    const offs = new Int32Array(cmds.length + 1);
    let at = 0;
    for (let i = 0; i < cmds.length; i++) {
      offs[i] = at;
      for (;;) {
        try {
          at += encodeCommandInto(cmds[i]!, buf, at);
          break;
        } catch (e) {
          if (!CodecError.is(e) || e.code !== "NO_ROOM") throw e;
          const next = new Uint8Array(Math.max(buf.length * 2, at + e.needed));
          next.set(buf.subarray(0, at));
          buf = next;
        }
      }
    }
    offs[cmds.length] = at;
    this.buf = buf.slice(0, at);
    this.offs = offs;
  }

  get length(): number {
    return this.offs.length - 1;
  }

  /** Commands [from, to), freshly decoded. */
  slice(from: number, to: number): Command[] {
    const out = new Array<Command>(to - from);
    for (let i = from; i < to; i++)
      out[i - from] = decodeCommand(this.buf, this.offs[i]!, this.offs[i + 1]! - this.offs[i]!);
    return out;
  }
}

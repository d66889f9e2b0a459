// Helpers the sequencer uses to serialize its state into snapshot bytes (the snapshot store only keeps
// bytes). Pure, little-endian. Sections are length-prefixed so a reader can check it consumed exactly what
// a writer wrote and can skip a section it does not know:
//   section := u32 tag | u32 byteLength | body
//   string  := u32 byteLength | UTF-8 bytes        bytes := u32 byteLength | raw bytes
//   safeInt := f64 (exact for every |x| ≤ 2^53 − 1; checked on read)
//   u64     := two u32 halves, low first (safe, non-negative)
// Owner: whoever builds the snapshot (the sequencer); readers are throw-away, one per load.
import {
  isSafeU64,
  readU16,
  readU32,
  readU64,
  readUtf8,
  utf8Length,
  writeU16,
  writeU32,
  writeU64,
  writeUtf8,
} from "./bytes.js";
import { CodecError } from "./codec-error.js";

// f64 ⇄ bytes through an 8-byte scratch; swapped on a big-endian host so the format stays little-endian.
const F64 = new Float64Array(1);
const F64_BYTES = new Uint8Array(F64.buffer);
const LITTLE_ENDIAN = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;

export class SnapshotWriter {
  private buf: Uint8Array;
  /** over `buf` (little-endian f64 stores in one call) */
  private view: DataView;
  private pos = 0;
  /** positions of the length fields of open sections */
  private readonly open: number[] = [];

  constructor(initialCapacity = 64 * 1024) {
    this.buf = new Uint8Array(Math.max(16, initialCapacity));
    this.view = new DataView(this.buf.buffer);
  }

  /** Bytes written so far. */
  get length(): number {
    return this.pos;
  }

  u8(v: number): this {
    this.checkUint(v, 0xff, "u8");
    this.reserve(1);
    this.buf[this.pos++] = v;
    return this;
  }

  u16(v: number): this {
    this.checkUint(v, 0xffff, "u16");
    this.reserve(2);
    writeU16(this.buf, this.pos, v);
    this.pos += 2;
    return this;
  }

  u32(v: number): this {
    this.checkUint(v, 0xffff_ffff, "u32");
    this.reserve(4);
    writeU32(this.buf, this.pos, v);
    this.pos += 4;
    return this;
  }

  /** Safe non-negative integer as u64. */
  u64(v: number): this {
    if (!isSafeU64(v)) throw new CodecError("BAD_VALUE", `u64: ${v} is not a safe non-negative integer`);
    this.reserve(8);
    writeU64(this.buf, this.pos, v);
    this.pos += 8;
    return this;
  }

  /** Any safe integer (signed), stored as an f64. */
  safeInt(v: number): this {
    if (!Number.isSafeInteger(v)) throw new CodecError("BAD_VALUE", `safeInt: ${v} is not a safe integer`);
    this.reserve(8);
    this.view.setFloat64(this.pos, v, true);
    this.pos += 8;
    return this;
  }

  /** Overwrites the safeInt written at byte `at` (a count known only after its items were written). */
  safeIntAt(at: number, v: number): this {
    if (!Number.isSafeInteger(v)) throw new CodecError("BAD_VALUE", `safeInt: ${v} is not a safe integer`);
    if (at < 0 || at + 8 > this.pos) throw new CodecError("BAD_VALUE", `safeIntAt: ${at} is not written yet`);
    this.view.setFloat64(at, v, true);
    return this;
  }

  bool(v: boolean): this {
    return this.u8(v ? 1 : 0);
  }

  string(s: string): this {
    const n = utf8Length(s);
    this.u32(n);
    this.reserve(n);
    this.pos += writeUtf8(this.buf, this.pos, s);
    return this;
  }

  bytes(b: Uint8Array): this {
    this.u32(b.length);
    this.reserve(b.length);
    this.buf.set(b, this.pos);
    this.pos += b.length;
    return this;
  }

  /** Opens a section: everything until the matching end() is its body. Sections nest. */
  begin(tag: number): this {
    this.u32(tag);
    this.open.push(this.pos);
    return this.u32(0);
  }

  end(): this {
    const at = this.open.pop();
    if (at === undefined) throw new CodecError("BAD_VALUE", "end() without begin()");
    writeU32(this.buf, at, this.pos - at - 4);
    return this;
  }

  /** The bytes written (a view of the internal buffer: copy it before writing more). */
  finish(): Uint8Array {
    if (this.open.length > 0) throw new CodecError("BAD_VALUE", `${this.open.length} section(s) not ended`);
    return this.buf.subarray(0, this.pos);
  }

  private checkUint(v: number, max: number, name: string): void {
    if (!Number.isInteger(v) || v < 0 || v > max) throw new CodecError("BAD_VALUE", `${name}: ${v}`);
  }

  private reserve(n: number): void {
    if (this.pos + n <= this.buf.length) return;
    let cap = this.buf.length * 2;
    while (cap < this.pos + n) cap *= 2;
    const next = new Uint8Array(cap);
    next.set(this.buf.subarray(0, this.pos));
    this.buf = next;
    this.view = new DataView(next.buffer);
  }
}

export class SnapshotReader {
  private pos: number;

  constructor(
    private readonly buf: Uint8Array,
    start = 0,
    private readonly end = buf.length,
  ) {
    this.pos = start;
  }

  get remaining(): number {
    return this.end - this.pos;
  }

  u8(): number {
    this.need(1);
    return this.buf[this.pos++]!;
  }

  u16(): number {
    this.need(2);
    const v = readU16(this.buf, this.pos);
    this.pos += 2;
    return v;
  }

  u32(): number {
    this.need(4);
    const v = readU32(this.buf, this.pos);
    this.pos += 4;
    return v;
  }

  u64(): number {
    this.need(8);
    const v = readU64(this.buf, this.pos);
    this.pos += 8;
    return v;
  }

  safeInt(): number {
    this.need(8);
    for (let i = 0; i < 8; i++) F64_BYTES[LITTLE_ENDIAN ? i : 7 - i] = this.buf[this.pos + i]!;
    this.pos += 8;
    const v = F64[0]!;
    if (!Number.isSafeInteger(v)) throw new CodecError("BAD_VALUE", "safeInt: not a safe integer");
    return v;
  }

  bool(): boolean {
    const v = this.u8();
    if (v > 1) throw new CodecError("BAD_VALUE", `bool: ${v}`);
    return v === 1;
  }

  string(): string {
    const n = this.u32();
    this.need(n);
    const s = readUtf8(this.buf, this.pos, n);
    this.pos += n;
    return s;
  }

  /** A copy of the next length-prefixed bytes. */
  bytes(): Uint8Array {
    const n = this.u32();
    this.need(n);
    const b = this.buf.slice(this.pos, this.pos + n);
    this.pos += n;
    return b;
  }

  /** Reads a section header, checks its tag and returns a reader bounded to its body (skipped here). */
  section(tag: number): SnapshotReader {
    const got = this.u32();
    if (got !== tag) throw new CodecError("BAD_VALUE", `section tag ${got}, expected ${tag}`);
    const n = this.u32();
    this.need(n);
    const sub = new SnapshotReader(this.buf, this.pos, this.pos + n);
    this.pos += n;
    return sub;
  }

  /** Tag of the next section without consuming it (undefined at the end). */
  peekTag(): number | undefined {
    return this.remaining >= 4 ? readU32(this.buf, this.pos) : undefined;
  }

  /** Skips the next section whatever its tag (forward compatibility). */
  skipSection(): void {
    this.u32();
    const n = this.u32();
    this.need(n);
    this.pos += n;
  }

  /** Throws unless every byte was consumed: a reader that stops early has a format mismatch. */
  expectEnd(): void {
    if (this.pos !== this.end) throw new CodecError("TRAILING_BYTES", `${this.end - this.pos} bytes unread`);
  }

  private need(n: number): void {
    if (this.pos + n > this.end) throw new CodecError("TRUNCATED", `need ${n} bytes, have ${this.remaining}`);
  }
}

// Owner: the journal's flush loop (one group write in flight at a time). Writes groups of framed records
// at the end of the data of the active segment, with pwrite + fdatasync, or one pwrite where the file is
// O_DSYNC. A failed write or fsync is truncated away so the file never keeps bytes of a group that was
// not acknowledged; if even that fails the writer is broken and the journal refuses appends until it is
// reopened (recovery then cuts the torn tail).
//
// Preallocation: the writer keeps up to `ahead` bytes of zeros written (and durable) past the end of the
// data, in FILL_CHUNK writes issued between group commits, so a group overwrites blocks the filesystem
// has already allocated: an O_DSYNC overwrite has no file size or extent to commit to the filesystem's
// journal, only the data (measured on this VM's ext4: 0.15 ms instead of 0.24 ms per 1.5 KiB group,
// docs/journal.md). A group never goes into a region being zeroed (it waits for that fill), so a group's
// bytes always land on zeros or past the end of the file; recovery reads zeros after the last record as
// the end of the data (record-frame.ts). Closing the writer (rotation, close) cuts the zeros off.
import { join } from "node:path";
import { unavailable } from "./journal-error.js";
import type { JournalFile, JournalIo } from "./journal-io.js";
import { SEGMENT_HEADER_BYTES, segmentFileName, segmentHeader } from "./record-frame.js";

export interface WriterCounters {
  writes: number;
  fsyncs: number;
  bytes: number;
  /** bytes of zeros written ahead of the data */
  preallocated: number;
}

export interface Preallocation {
  /** zero bytes to keep written past the end of the data (0: none, every group extends the file) */
  ahead: number;
  /** never preallocate past this file size (the segment size limit) */
  limit: number;
}

/** bytes zeroed per fill write (256 KiB: ≈ 0.5 ms of this disk, between group commits) */
export const FILL_CHUNK = 256 * 1024;
const ZEROS = new Uint8Array(FILL_CHUNK);

export class SegmentWriter {
  private broken: Error | null = null;
  /** bytes [size, allocEnd) of the file are zeros on disk */
  private allocEnd: number;
  /** the fill write in flight (never rejects) */
  private filling: Promise<void> | null = null;
  /** the writer is closing: no more fills */
  private fillOff = false;
  /** after a failed fill (e.g. disk full): no new fill before the data reaches this size */
  private fillPausedUntil = 0;

  private constructor(
    private readonly file: JournalFile,
    readonly path: string,
    /** durable size of the data in bytes: the end of the last record */
    public size: number,
    fileBytes: number,
    private readonly counters: WriterCounters,
    readonly prealloc: Preallocation,
  ) {
    this.allocEnd = Math.max(size, fileBytes);
    this.fillAhead();
  }

  /**
   * A new segment: header and a first chunk of zeros written and fsynced, directory entry fsynced, before
   * any record goes in.
   */
  static async create(
    dir: string,
    io: JournalIo,
    firstSeq: number,
    counters: WriterCounters,
    prealloc: Preallocation,
  ): Promise<SegmentWriter> {
    const path = join(dir, segmentFileName(firstSeq));
    const file = await io.open(path, "create");
    const zeros = Math.max(0, Math.min(prealloc.ahead, FILL_CHUNK, prealloc.limit - SEGMENT_HEADER_BYTES));
    try {
      const head = new Uint8Array(SEGMENT_HEADER_BYTES + zeros);
      head.set(segmentHeader(firstSeq));
      await writeAll(file, head, head.length, 0);
      await file.datasync();
      await io.syncDir(dir);
      counters.fsyncs += 2;
      counters.preallocated += zeros;
    } catch (e) {
      await file.close().catch(() => undefined);
      await io.unlink(path).catch(() => undefined);
      throw e;
    }
    return new SegmentWriter(
      file,
      path,
      SEGMENT_HEADER_BYTES,
      SEGMENT_HEADER_BYTES + zeros,
      counters,
      prealloc,
    );
  }

  /**
   * The active (version-2) segment found at recovery: `size` bytes of records (verified, a torn tail cut),
   * `fileBytes` in the file (zeros after the records).
   */
  static async reopen(
    path: string,
    io: JournalIo,
    size: number,
    fileBytes: number,
    counters: WriterCounters,
    prealloc: Preallocation,
  ): Promise<SegmentWriter> {
    return new SegmentWriter(await io.open(path, "existing"), path, size, fileBytes, counters, prealloc);
  }

  get isBroken(): boolean {
    return this.broken !== null;
  }

  /** Appends buf[0, len) after the data and fsyncs. Resolves when durable; rejects with nothing appended. */
  async append(buf: Uint8Array, len: number): Promise<void> {
    if (this.broken) throw unavailable(`journal writer is broken: ${this.broken.message}`, this.broken);
    const at = this.size;
    // a group that reaches past the zeroed space waits for the fill in flight: they must not overlap (a
    // fill's completion may start the next fill at once, hence the loop; none starts while we write)
    while (at + len > this.allocEnd && this.filling) await this.filling;
    try {
      this.counters.writes += await writeAll(this.file, buf, len, at);
      if (!this.file.syncsOnWrite) await this.file.datasync();
      this.counters.fsyncs++; // an O_DSYNC write counts as the group's sync
    } catch (e) {
      try {
        while (this.filling) await this.filling;
        await this.file.truncate(at);
        await this.file.datasync();
        this.counters.fsyncs++;
        this.allocEnd = at;
      } catch (e2) {
        this.broken = e2 instanceof Error ? e2 : new Error(String(e2));
      }
      throw unavailable(`journal write failed: ${(e as Error).message}`, e);
    }
    this.size = at + len;
    if (this.size > this.allocEnd) this.allocEnd = this.size;
    this.counters.bytes += len;
    this.fillAhead();
  }

  /** Waits for a fill in flight, cuts the zeros after the data off (best effort), closes the file. */
  async close(): Promise<void> {
    this.fillOff = true;
    if (this.filling) await this.filling;
    try {
      if (!this.broken && this.allocEnd > this.size) {
        await this.file.truncate(this.size);
        await this.file.datasync();
        this.allocEnd = this.size;
      }
    } catch {
      // zeros after the data are valid (recovery reads them as its end): leaving them is harmless
    } finally {
      await this.file.close();
    }
  }

  /** Starts the next fill when fewer than `ahead` zero bytes are left after the data. */
  private fillAhead(): void {
    if (this.filling || this.fillOff || this.broken || this.size < this.fillPausedUntil) return;
    const want = Math.min(this.prealloc.limit, this.size + this.prealloc.ahead);
    const from = this.allocEnd;
    if (from >= want) return;
    const len = Math.min(FILL_CHUNK, this.prealloc.ahead, this.prealloc.limit - from);
    // durable at once on an O_DSYNC file (what makes the next groups' writes plain overwrites); elsewhere
    // the next group's datasync carries them. Not needed for correctness either way: a crash before they
    // are durable leaves a shorter file or a hole, both read as "no more records"
    this.filling = writeAll(this.file, ZEROS, len, from).then(
      () => {
        this.allocEnd = Math.max(this.allocEnd, from + len);
        this.counters.preallocated += len;
        this.filling = null;
        this.fillAhead();
      },
      () => {
        // e.g. ENOSPC: groups go on extending the file (and fail themselves while the disk is full);
        // fills are tried again once another chunk of data went in
        this.fillPausedUntil = this.size + FILL_CHUNK;
        this.filling = null;
      },
    );
  }
}

/** Writes buf[0, len) at `position`, looping over short writes; returns the write calls made. */
async function writeAll(file: JournalFile, buf: Uint8Array, len: number, position: number): Promise<number> {
  let done = 0;
  let calls = 0;
  while (done < len) {
    const n = await file.write(buf, done, len - done, position + done);
    calls++;
    if (n <= 0) throw new Error("write returned 0 bytes");
    done += n;
  }
  return calls;
}

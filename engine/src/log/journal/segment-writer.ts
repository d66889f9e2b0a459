// Owner: the journal's flush loop (one write in flight at a time). Writes groups of framed records at the
// end of the active segment with pwrite + fdatasync, or one pwrite where the file is O_DSYNC. A failed
// write or fsync is truncated away so the file never keeps bytes of a group that was not acknowledged;
// if even that fails the writer is broken and the journal refuses appends until it is reopened
// (recovery then cuts the torn tail).
import { join } from "node:path";
import { unavailable } from "./journal-error.js";
import type { JournalFile, JournalIo } from "./journal-io.js";
import { SEGMENT_HEADER_BYTES, segmentFileName, segmentHeader } from "./record-frame.js";

export interface WriterCounters {
  writes: number;
  fsyncs: number;
  bytes: number;
}

export class SegmentWriter {
  private broken: Error | null = null;

  private constructor(
    private readonly file: JournalFile,
    readonly path: string,
    /** durable size of the file in bytes */
    public size: number,
    private readonly counters: WriterCounters,
  ) {}

  /** A new segment: header written and fsynced, directory entry fsynced, before any record goes in. */
  static async create(
    dir: string,
    io: JournalIo,
    firstSeq: number,
    counters: WriterCounters,
  ): Promise<SegmentWriter> {
    const path = join(dir, segmentFileName(firstSeq));
    const file = await io.open(path, "create");
    try {
      const header = segmentHeader(firstSeq);
      let done = 0;
      while (done < header.length) {
        const n = await file.write(header, done, header.length - done, done);
        if (n <= 0) throw new Error("short write of a segment header");
        done += n;
      }
      await file.datasync();
      await io.syncDir(dir);
      counters.fsyncs += 2;
    } catch (e) {
      await file.close().catch(() => undefined);
      await io.unlink(path).catch(() => undefined);
      throw e;
    }
    return new SegmentWriter(file, path, SEGMENT_HEADER_BYTES, counters);
  }

  /** The active segment found at recovery, `size` bytes long (already verified and truncated). */
  static async reopen(
    path: string,
    io: JournalIo,
    size: number,
    counters: WriterCounters,
  ): Promise<SegmentWriter> {
    return new SegmentWriter(await io.open(path, "existing"), path, size, counters);
  }

  get isBroken(): boolean {
    return this.broken !== null;
  }

  /** Appends buf[0, len) at the end and fsyncs. Resolves when durable; rejects with nothing appended. */
  async append(buf: Uint8Array, len: number): Promise<void> {
    if (this.broken) throw unavailable(`journal writer is broken: ${this.broken.message}`, this.broken);
    const at = this.size;
    try {
      let done = 0;
      while (done < len) {
        const n = await this.file.write(buf, done, len - done, at + done);
        if (n <= 0) throw new Error("write returned 0 bytes");
        done += n;
        this.counters.writes++;
      }
      if (!this.file.syncsOnWrite) await this.file.datasync();
      this.counters.fsyncs++; // an O_DSYNC write counts as the group's sync
    } catch (e) {
      try {
        await this.file.truncate(at);
        await this.file.datasync();
        this.counters.fsyncs++;
      } catch (e2) {
        this.broken = e2 instanceof Error ? e2 : new Error(String(e2));
      }
      throw unavailable(`journal write failed: ${(e as Error).message}`, e);
    }
    this.size = at + len;
    this.counters.bytes += len;
  }

  close(): Promise<void> {
    return this.file.close();
  }
}

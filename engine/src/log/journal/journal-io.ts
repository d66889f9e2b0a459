// The file operations the journal writer uses, behind a small interface so tests can inject faults (a
// short write then ENOSPC, a failing fsync) without a full disk. Reads go straight to node:fs.
import { constants } from "node:fs";
import { type FileHandle, open, unlink } from "node:fs/promises";

export interface JournalFile {
  /**
   * true when a write returns only once its bytes are durable (opened O_DSYNC: write + fdatasync in one
   * call, one threadpool round trip instead of two); the writer then skips its datasync after a group
   */
  readonly syncsOnWrite?: boolean;
  /** pwrite: writes at `position`, returns bytes written (may be short) */
  write(buf: Uint8Array, off: number, len: number, position: number): Promise<number>;
  datasync(): Promise<void>;
  truncate(len: number): Promise<void>;
  close(): Promise<void>;
}

export interface JournalIo {
  /** "create": new or emptied file; "existing": read-write, positioned writes */
  open(path: string, mode: "create" | "existing"): Promise<JournalFile>;
  /** fsync of a directory, so a created, renamed or removed entry is durable */
  syncDir(dir: string): Promise<void>;
  unlink(path: string): Promise<void>;
}

class NodeFile implements JournalFile {
  constructor(
    private readonly fh: FileHandle,
    readonly syncsOnWrite: boolean,
  ) {}
  async write(buf: Uint8Array, off: number, len: number, position: number): Promise<number> {
    return (await this.fh.write(buf, off, len, position)).bytesWritten;
  }
  datasync(): Promise<void> {
    return this.fh.datasync();
  }
  truncate(len: number): Promise<void> {
    return this.fh.truncate(len);
  }
  close(): Promise<void> {
    return this.fh.close();
  }
}

export async function syncDir(dir: string): Promise<void> {
  const fh = await open(dir, "r");
  try {
    await fh.sync();
  } finally {
    await fh.close();
  }
}

const { O_CREAT, O_DSYNC, O_RDWR, O_TRUNC } = constants;

/**
 * Segment files are opened O_DSYNC where the platform has it (Linux, macOS): each pwrite returns once
 * its data and the metadata needed to read it back (the file size) are on disk — what write + fdatasync
 * gave, in one call. "a" would ignore positions on Linux: files are opened read-write, written with
 * pwrite at explicit offsets.
 */
export const nodeIo: JournalIo = {
  async open(path, mode) {
    const dsync = O_DSYNC ?? 0;
    const flags = O_RDWR | dsync | (mode === "create" ? O_CREAT | O_TRUNC : 0);
    return new NodeFile(await open(path, flags, 0o644), dsync !== 0);
  },
  syncDir,
  unlink,
};

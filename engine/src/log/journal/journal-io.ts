// The file operations the journal writer uses, behind a small interface so tests can inject faults (a
// short write then ENOSPC, a failing fsync) without a full disk. Reads go straight to node:fs.
import { type FileHandle, open, unlink } from "node:fs/promises";

export interface JournalFile {
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
  constructor(private readonly fh: FileHandle) {}
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

/** "a" would ignore positions on Linux: existing files are opened "r+" and written with pwrite. */
export const nodeIo: JournalIo = {
  async open(path, mode) {
    return new NodeFile(await open(path, mode === "create" ? "w" : "r+"));
  },
  syncDir,
  unlink,
};

// The snapshot store (SPEC §12): engine state bytes + the log seq they cover, one file per snapshot,
// written atomically (temp file, fsync, rename, fsync of the directory) so a crash leaves either the old
// set of snapshots or the new one, never a half file under a final name. Compression runs in a piscina
// worker; the caller hands over bytes it already serialized (SnapshotWriter) and is not blocked.
// Owner: the engine's snapshot scheduler (one write at a time; writes are queued in call order).
import { mkdir, open, readdir, readFile, rename, unlink } from "node:fs/promises";
import { join } from "node:path";
import type { Piscina } from "piscina";
import { syncDir } from "../log/journal/journal-io.js";
import {
  type CompressResult,
  type CompressTask,
  compress,
  type DecompressResult,
  type DecompressTask,
  decompress,
} from "./snapshot-codec.js";
import {
  CODEC_BY_NAME,
  decodeSnapshotHeader,
  encodeSnapshotHeader,
  parseSnapshotFileName,
  SNAPSHOT_HEADER_BYTES,
  type SnapshotCodecName,
  snapshotFileName,
} from "./snapshot-format.js";

export interface SnapshotStoreOptions {
  /** body compression; default "gzip" (see the journal benchmark for brotli vs gzip) */
  codec?: SnapshotCodecName;
  /** gzip level 1–9 or brotli quality 0–11; default 1 for gzip, 4 for brotli (speed over ratio) */
  level?: number;
  /** snapshots kept after a write (older ones deleted); default 3 */
  keep?: number;
  /** compress/decompress in a piscina worker (default) or on the calling thread */
  worker?: boolean;
  /** move the caller's state buffer to the worker instead of copying it (the caller loses it) */
  transfer?: boolean;
  /** default console.warn */
  onWarning?: (msg: string) => void;
}

export interface SnapshotInfo {
  seq: number;
  path: string;
  rawBytes: number;
  fileBytes: number;
  compressMs: number;
}

export interface LoadedSnapshot {
  seq: number;
  state: Uint8Array;
  path: string;
  /** newer snapshot files that failed verification (also reported through onWarning) */
  skipped: { path: string; reason: string }[];
}

export class SnapshotStore {
  private pool: Piscina | null = null;
  private chain: Promise<unknown> = Promise.resolve();
  private readonly opts: Required<Omit<SnapshotStoreOptions, "onWarning">>;
  private readonly warn: (msg: string) => void;

  private constructor(
    readonly dir: string,
    options: SnapshotStoreOptions,
  ) {
    const codec = options.codec ?? "gzip";
    this.opts = {
      codec,
      level: options.level ?? (codec === "brotli" ? 4 : 1),
      keep: Math.max(1, options.keep ?? 3),
      worker: options.worker ?? true,
      transfer: options.transfer ?? false,
    };
    this.warn = options.onWarning ?? ((m: string) => console.warn(`[snapshot] ${m}`));
  }

  static async open(dir: string, options: SnapshotStoreOptions = {}): Promise<SnapshotStore> {
    await mkdir(dir, { recursive: true });
    const store = new SnapshotStore(dir, options);
    // temp files of a write that crashed before its rename are garbage
    for (const name of await readdir(dir))
      if (name.startsWith("snapshot-") && name.endsWith(".tmp")) await unlink(join(dir, name));
    return store;
  }

  /** Writes the snapshot of the state after `seq`; resolves once it is durable under its final name. */
  write(seq: number, state: Uint8Array): Promise<SnapshotInfo> {
    if (!Number.isSafeInteger(seq) || seq < 0)
      return Promise.reject(new RangeError(`bad snapshot seq ${seq}`));
    const next = this.chain.then(() => this.writeNow(seq, state));
    this.chain = next.catch(() => undefined);
    return next;
  }

  /** The newest snapshot that verifies, or null; corrupt newer ones are skipped with a warning. */
  async latestValid(): Promise<LoadedSnapshot | null> {
    const skipped: { path: string; reason: string }[] = [];
    for (const { seq, path } of (await this.list()).reverse()) {
      const r = await this.load(path, seq);
      if (typeof r !== "string") return { seq, state: r, path, skipped };
      skipped.push({ path, reason: r });
      this.warn(`skipping corrupt snapshot ${path}: ${r}`);
    }
    return null;
  }

  /** Snapshot files, oldest first (not verified). */
  async list(): Promise<{ seq: number; path: string }[]> {
    const out: { seq: number; path: string }[] = [];
    for (const name of await readdir(this.dir)) {
      const seq = parseSnapshotFileName(name);
      if (seq !== undefined) out.push({ seq, path: join(this.dir, name) });
    }
    return out.sort((a, b) => a.seq - b.seq);
  }

  async close(): Promise<void> {
    await this.chain;
    await this.pool?.destroy();
    this.pool = null;
  }

  private async writeNow(seq: number, state: Uint8Array): Promise<SnapshotInfo> {
    const codec = CODEC_BY_NAME[this.opts.codec];
    const c = (await this.run({
      kind: "compress",
      codec,
      level: this.opts.level,
      data: state,
    })) as CompressResult;
    const header = encodeSnapshotHeader({
      codec,
      seq,
      rawBytes: c.rawBytes,
      bodyBytes: c.body.length,
      bodyCrc: c.bodyCrc,
      rawCrc: c.rawCrc,
    });
    const path = join(this.dir, snapshotFileName(seq));
    const tmp = `${path}.tmp`;
    const fh = await open(tmp, "w");
    try {
      const { bytesWritten } = await fh.writev([header, c.body]);
      // writev may stop short (signals, huge bodies): finish with positioned writes
      for (let done = bytesWritten; done < header.length + c.body.length; ) {
        const from = done - header.length;
        done += (await fh.write(c.body, from, c.body.length - from, done)).bytesWritten;
      }
      await fh.sync();
    } catch (e) {
      await fh.close().catch(() => undefined);
      await unlink(tmp).catch(() => undefined);
      throw e;
    }
    await fh.close();
    await rename(tmp, path);
    await syncDir(this.dir);
    await this.retain();
    return {
      seq,
      path,
      rawBytes: c.rawBytes,
      fileBytes: SNAPSHOT_HEADER_BYTES + c.body.length,
      compressMs: c.ms,
    };
  }

  private async retain(): Promise<void> {
    const all = await this.list();
    const old = all.slice(0, Math.max(0, all.length - this.opts.keep));
    for (const s of old) await unlink(s.path).catch(() => undefined);
    if (old.length > 0) await syncDir(this.dir);
  }

  /** The state bytes of a snapshot file, or why it is not valid. */
  private async load(path: string, seq: number): Promise<Uint8Array | string> {
    let file: Uint8Array;
    try {
      file = await readFile(path);
    } catch (e) {
      return `unreadable: ${(e as Error).message}`;
    }
    const h = decodeSnapshotHeader(file);
    if (typeof h === "string") return h;
    if (h.seq !== seq) return `header seq ${h.seq} does not match the file name`;
    if (file.length !== SNAPSHOT_HEADER_BYTES + h.bodyBytes)
      return `file is ${file.length} bytes, header says ${SNAPSHOT_HEADER_BYTES + h.bodyBytes}`;
    const body = file.subarray(SNAPSHOT_HEADER_BYTES);
    let d: DecompressResult;
    try {
      d = (await this.run({
        kind: "decompress",
        codec: h.codec,
        body,
        rawBytes: h.rawBytes,
      })) as DecompressResult;
    } catch (e) {
      return `body does not decompress: ${(e as Error).message}`;
    }
    if (d.data.length !== h.rawBytes) return `state is ${d.data.length} bytes, header says ${h.rawBytes}`;
    if (d.rawCrc !== h.rawCrc) return "state checksum mismatch";
    return d.data;
  }

  private async run(task: CompressTask | DecompressTask): Promise<CompressResult | DecompressResult> {
    if (!this.opts.worker) return task.kind === "compress" ? compress(task) : decompress(task);
    if (!this.pool) {
      const { Piscina } = await import("piscina");
      this.pool = new Piscina({
        filename: new URL("./compress-worker.js", import.meta.url).href,
        minThreads: 0,
        maxThreads: 1,
        idleTimeout: 5_000,
      });
    }
    const bytes = task.kind === "compress" ? task.data : task.body;
    const whole = bytes.byteOffset === 0 && bytes.byteLength === bytes.buffer.byteLength;
    const transferList =
      this.opts.transfer && task.kind === "compress" && whole ? [bytes.buffer as ArrayBuffer] : undefined;
    return this.pool.run(task, transferList ? { transferList } : {});
  }
}

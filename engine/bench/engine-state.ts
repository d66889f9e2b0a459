// The state-size parts of the engine benchmark (engine.bench.ts): recovery time of a full journal replay
// and the snapshot pause and size. Each prints its Markdown table through `out`.
import { createHash } from "node:crypto";
import type { EngineEvent } from "@perpx/shared/events";
import { Sequencer } from "../src/sequencer/sequencer.js";
import { compress } from "../src/snapshot/snapshot-codec.js";
import { SnapshotCodec } from "../src/snapshot/snapshot-format.js";
import { engineStream, logged, restingState } from "./engine-commands.js";
import { type Books, openPort, replayJournal, tempDir, writeJournal } from "./engine-runs.js";
import { collectGarbage, fmt, median, table } from "./report.js";

/** records replayed through the 1-worker port (a synchronous round trip per order command: slow) */
const WORKER_REPLAY_RECORDS = 200_000;

/**
 * Full replay of a journal of `records` order-flow commands (plus set-up): in-thread books, and the
 * 1-worker port on a prefix, scaled to 1M.
 */
export async function recoveryPart(
  out: (s?: string) => void,
  seed: number,
  symbols: number,
  records: number,
  books: readonly Books[],
): Promise<void> {
  const s = engineStream(seed + 7, symbols, records);
  const cmds = [...s.setup, ...s.flow];
  const { dir, remove } = tempDir("replay");
  try {
    const writeMs = await writeJournal(dir, cmds);
    const n = cmds.length;
    cmds.length = 0;
    s.flow.length = 0;
    const rows: string[][] = [];
    let hash = "";
    for (const b of books.slice(0, 2)) {
      const limit = b.workers === 0 ? Number.MAX_SAFE_INTEGER : WORKER_REPLAY_RECORDS;
      const r = await replayJournal(dir, b.workers, limit);
      if (b.workers === 0) hash = r.hash;
      const per1M = (ms: number) => fmt((ms * 1_000_000) / r.records);
      rows.push([
        b.name,
        r.records < n ? `${fmt(r.records)} (first; scaled)` : fmt(r.records),
        fmt(r.openMs),
        fmt(r.replayMs),
        `**${fmt((r.openMs * 1_000_000) / n + (r.replayMs * 1_000_000) / r.records)}**`,
        per1M(r.replayMs),
        fmt((r.records * 1000) / r.replayMs),
      ]);
    }
    out(
      `${fmt(n)} records (set-up + ${fmt(records)} order-flow commands) written in ${fmt(writeMs)} ms ` +
        `(appends of 4096 awaited); files in the page cache. The full in-thread replay ends in state hash ` +
        `\`${hash.slice(0, 16)}…\`. Through the 1-worker port only the first ${fmt(WORKER_REPLAY_RECORDS)} records ` +
        "are replayed (one synchronous round trip per order command) and scaled to 1M.",
    );
    out();
    out(
      table(
        [
          "books",
          "records replayed",
          "open + verify ms (all records)",
          "read + decode + apply ms",
          "ms per 1M records",
          "of which apply ms per 1M",
          "records/s applied",
        ],
        rows,
      ),
    );
  } finally {
    remove();
  }
}

/** Snapshot pause and size at two state sizes, in-thread and through 2 workers; restore time. */
export async function snapshotPart(out: (s?: string) => void): Promise<void> {
  const rows: string[][] = [];
  for (const [orders, positions] of [
    [10_000, 1_000],
    [100_000, 10_000],
  ] as const) {
    const cmds = logged(restingState(orders, positions));
    const { port, close } = await openPort(0);
    const seq = new Sequencer({ matcher: port });
    const evs: EngineEvent[] = [];
    for (const c of cmds) {
      seq.apply(c, evs);
      evs.length = 0;
    }
    let open = 0;
    let pos = 0;
    for (const a of seq.accounts())
      for (const p of a.positions.values()) {
        open += p.orderIds.size;
        if (p.qty !== 0) pos++;
      }
    const pauses = (s: Sequencer) => {
      const ms: number[] = [];
      let bytes: Uint8Array = new Uint8Array(0);
      for (let i = 0; i < 5; i++) {
        collectGarbage();
        const t0 = performance.now();
        bytes = s.snapshot();
        ms.push(performance.now() - t0);
      }
      return { ms: median(ms), bytes };
    };
    const inThread = pauses(seq);
    const gz = compress({ kind: "compress", codec: SnapshotCodec.GZIP, level: 1, data: inThread.bytes });
    const t0 = performance.now();
    const w = await openPort(2);
    const restored = Sequencer.restore(inThread.bytes, w.port);
    const restoreMs = performance.now() - t0;
    const inWorkers = pauses(restored);
    const same = createHash("sha256").update(inWorkers.bytes).digest("hex") === restored.stateHash();
    if (!same || Buffer.compare(inWorkers.bytes, inThread.bytes) !== 0) throw new Error("snapshots differ");
    await w.close();
    await close();
    rows.push([
      fmt(open),
      fmt(pos),
      `**${fmt(inThread.ms, 1)}**`,
      fmt(inWorkers.ms, 1),
      fmt(inThread.bytes.length / 2 ** 20, 2),
      `${fmt(gz.body.length / 2 ** 20, 2)} (${fmt(gz.ms)} ms off-thread)`,
      fmt(restoreMs),
    ]);
  }
  out(
    table(
      [
        "open orders",
        "positions",
        "pause ms, in-thread books",
        "pause ms, 2 workers",
        "raw MiB",
        "gzip-1 MiB (store default)",
        "restore into 2 workers ms",
      ],
      rows,
    ),
  );
}

// Storage faults at the process level (issue 10), on the real embedded exchange (gateway/dist/src/main.js):
//  1. full disk: DATA_DIR on a real 8 MiB tmpfs, filled to ENOSPC by a filler file while orders come in
//     (the journal's preallocation cut to 1 KiB):
//     every answer is a real acknowledgement or 503 LOG_UNAVAILABLE (never a false 2xx); with the space
//     freed orders succeed again; after a SIGKILL and restart every acknowledged order is there, the
//     live state hash equals a clean replay and money is conserved.
//  2. newest snapshot corrupt, then every snapshot gone: the exchange restarts (the embedded launcher
//     replays the whole journal anyway); `make replay` skips the corrupt file with a message and
//     compares against the previous snapshot (MATCHES), and says so when there is none; the snapshot
//     restore path (openEmbeddedEngine, as the distributed engine starts) falls back the same way,
//     warning; every hash equals the clean replay of the journal.
//  3. journal cut mid-record at the end: the restart truncates the torn tail and says so in its log;
//     a byte flipped in the middle of the journal: the process refuses to start (exit code 1, message
//     with LOG_CORRUPT) and leaves the file byte-identical.
// The tmpfs needs mount rights (root here); without them the first test fails with the mount error.
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { createHash } from "node:crypto";
import {
  closeSync,
  cpSync,
  mkdirSync,
  mkdtempSync,
  openSync,
  readdirSync,
  readFileSync,
  rmSync,
  statSync,
  truncateSync,
  writeFileSync,
  writeSync,
} from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { test } from "node:test";
import { OrderBook } from "@perpx/engine/matcher/order-book";
import { openEmbeddedEngine } from "@perpx/engine/runtime/embedded-engine";
import { RestClient } from "../embedded/client.js";
import {
  adminKeyOf,
  type ExchangeProcess,
  freePorts,
  type Ports,
  spawnExchange,
  startExchange,
} from "./support/exchange-process.js";
import { Ledger, OrderFlow, Rng, setUpTraders, type Trader } from "./support/traffic.js";
import {
  checkAckedViaApi,
  checkJournal,
  checkSolvencyView,
  checkStateHash,
  runReplayTool,
  takeSnapshot,
} from "./support/verify.js";

const LONG = process.env.PERPX_RELIABILITY === "long";
/** full-disk rounds (fill, refuse, free, recover) */
const DISK_ROUNDS = LONG ? 5 : 1;
const REPORT_DIR = new URL("../../../../artifacts/reliability/", import.meta.url);

function report(name: string, o: Record<string, unknown>): void {
  mkdirSync(REPORT_DIR, { recursive: true });
  writeFileSync(new URL(`${name}.json`, REPORT_DIR), `${JSON.stringify(o, null, 2)}\n`);
  console.log(`# ${name} ${JSON.stringify(o)}`);
}

/** the full-disk exchange's journal preallocation (docs/journal.md) */
const PREALLOC = { JOURNAL_PREALLOCATE_BYTES: "1024" };

/** Writes zeroes until the filesystem says ENOSPC; returns the bytes written. */
function fill(file: string): number {
  const fd = openSync(file, "w");
  let n = 0;
  try {
    for (const size of [1 << 20, 4096, 1]) {
      const buf = Buffer.alloc(size);
      for (;;) {
        try {
          n += writeSync(fd, buf);
        } catch (e) {
          if ((e as NodeJS.ErrnoException).code !== "ENOSPC") throw e;
          break;
        }
      }
    }
  } finally {
    closeSync(fd);
  }
  return n;
}

/** SIGKILL, restart, retry unknowns; then API + journal + hash checks and a graceful stop. */
async function verifyAfterRestart(
  dataDir: string,
  ports: Ports,
  ex: ExchangeProcess,
  traders: readonly Trader[],
  ledger: Ledger,
  flow: OrderFlow,
) {
  await ex.kill();
  const again = await startExchange(dataDir, ports, PREALLOC);
  try {
    await flow.retryUnknown();
    const found = await checkAckedViaApi(traders, ledger);
    const admin = new RestClient(again.base, adminKeyOf(dataDir));
    await checkSolvencyView(admin);
    const seq = await takeSnapshot(admin);
    assert.deepEqual(await again.stop(), { code: 0, signal: null });
    const journal = await checkJournal(dataDir, ledger);
    const hash = await checkStateHash(dataDir, seq);
    return { found, journal, hash };
  } finally {
    await again.kill();
  }
}

test(`full disk (8 MiB tmpfs) × ${DISK_ROUNDS}: orders get 503 LOG_UNAVAILABLE, never a false 2xx; recovered after space is freed`, async () => {
  const mnt = mkdtempSync(join(tmpdir(), "perpx-rel-tmpfs-"));
  execFileSync("mount", ["-t", "tmpfs", "-o", "size=8m", "tmpfs", mnt]);
  const dataDir = join(mnt, "data");
  const filler = join(mnt, "filler");
  let ex: ExchangeProcess | undefined;
  try {
    const ports = await freePorts();
    // the journal keeps at most 1 KiB of zeros ahead of its data here (1 MiB by default), so the orders
    // below run past what was preallocated before the disk filled up
    ex = await startExchange(dataDir, ports, PREALLOC);
    const traders = await setUpTraders(ex.base, adminKeyOf(dataDir), 4);
    const ledger = new Ledger();
    const flow = new OrderFlow(new Rng(77), ledger, "disk");
    let refused = 0;
    let ackedWhileFull = 0;
    let filled = 0;
    for (let round = 0; round < DISK_ROUNDS; round++) {
      for (let i = 0; i < 30; i++) await flow.place(flow.nextPlace(traders[i % 4]!), i % 5 === 0);
      filled = fill(filler);
      const before = { unavailable: ledger.unavailable, acked: ledger.acked.size };
      // every answer while full: an acknowledgement (a write that still fit in the journal's zeros written
      // ahead or its last allocated page) or a 503 LOG_UNAVAILABLE; OrderFlow.place throws on anything
      // else, and every acknowledgement must survive the restart below
      // (~60 orders fit the journal's last page and its 1 KiB of zeros; 120 leave ≥ 40 to refuse)
      for (let i = 0; i < 120; i++) await flow.place(flow.nextPlace(traders[i % 4]!), i % 4 === 0);
      refused += ledger.unavailable - before.unavailable;
      ackedWhileFull += ledger.acked.size - before.acked;
      assert.ok(
        ledger.unavailable - before.unavailable >= 40,
        `round ${round}: orders refused with 503: ${JSON.stringify({ ...ledger, acked: ledger.acked.size, filled })}`,
      );
      assert.equal(ledger.unknownPlaces.length, 0, "every request answered");
      rmSync(filler);
      const rejected = ledger.rejected;
      const acked = ledger.acked.size;
      for (let i = 0; i < 20; i++) await flow.place(flow.nextPlace(traders[i % 4]!), i % 4 === 0);
      assert.equal(ledger.acked.size + ledger.rejected - acked - rejected, 20, "orders succeed again");
      assert.ok(ledger.acked.size - acked >= 15, "orders are acknowledged again");
    }
    const v = await verifyAfterRestart(dataDir, ports, ex, traders, ledger, flow);
    ex = undefined;
    report("embedded-full-disk", {
      variant: LONG ? "long" : "short",
      filesystem: "tmpfs size=8m",
      rounds: DISK_ROUNDS,
      fillerBytesLastRound: filled,
      ordersRefused503: refused,
      ackedWhileFull,
      ackedOrders: ledger.acked.size,
      foundAfterRestart: v.found,
      lost: ledger.acked.size - v.found,
      duplicates: v.journal.duplicateClientIds + v.journal.duplicateOrderIds,
      liveHashEqualsCleanReplay: v.hash.liveHash === v.hash.replayHashAtSnapshot,
      solvencyDifference: v.hash.solvencyDifference,
    });
  } finally {
    await ex?.kill();
    execFileSync("umount", [mnt]);
    rmSync(mnt, { recursive: true, force: true });
  }
});

/** A data dir with load, two snapshots taken on request and a few commands after the second. */
async function dataDirWithHistory() {
  const dataDir = mkdtempSync(join(tmpdir(), "perpx-rel-storage-"));
  const ports = await freePorts();
  const ex = await startExchange(dataDir, ports);
  try {
    const admin = new RestClient(ex.base, adminKeyOf(dataDir));
    const traders = await setUpTraders(ex.base, adminKeyOf(dataDir), 4);
    const ledger = new Ledger();
    const flow = new OrderFlow(new Rng(5), ledger, "snap");
    const burst = async (n: number) => {
      for (let i = 0; i < n; i++) await flow.step(traders[i % 4]!);
    };
    await burst(60);
    const first = await takeSnapshot(admin);
    await burst(60);
    const second = await takeSnapshot(admin);
    await burst(20);
    assert.deepEqual(await ex.stop(), { code: 0, signal: null });
    return { dataDir, ports, traders, ledger, flow, first, second };
  } finally {
    await ex.kill();
  }
}

/** The restore path of the distributed engine: newest valid snapshot + replay. */
async function restoredEngine(dataDir: string) {
  const warnings: string[] = [];
  const e = await openEmbeddedEngine({
    dataDir,
    bookFactory: (id) => new OrderBook(id),
    snapshotEvery: 0,
    onWarning: (m) => warnings.push(m),
  });
  try {
    await e.runner.start();
    return { restoredFrom: e.restoredFrom, hash: e.sequencer.stateHash(), warnings };
  } finally {
    await e.close();
  }
}

const fullHashOf = (text: string) => /state hash:\s+([0-9a-f]{64})/.exec(text)?.[1];

test("snapshots: newest corrupt, then none at all: restart works, fallback reported, same state hash", async () => {
  const h = await dataDirWithHistory();
  try {
    const clean = runReplayTool(h.dataDir);
    const hash = fullHashOf(clean);
    assert.ok(hash);
    assert.match(clean, new RegExp(`snapshot seq ${h.second} \\+ \\d+ commands: ${hash} — MATCHES`));

    // flip bytes in the middle of the newest snapshot file
    const dir = join(h.dataDir, "snapshots");
    const names = readdirSync(dir).sort();
    const newest = join(dir, names.at(-1)!);
    const bytes = readFileSync(newest);
    for (let i = 0; i < 8; i++) bytes[(bytes.length >> 1) + i]! ^= 0xff;
    writeFileSync(newest, bytes);

    const fallback = runReplayTool(h.dataDir);
    assert.match(fallback, /skipping corrupt snapshot .*snapshot/);
    assert.match(fallback, new RegExp(`snapshot seq ${h.first} \\+ \\d+ commands: ${hash} — MATCHES`));
    const r1 = await restoredEngine(h.dataDir);
    assert.equal(r1.restoredFrom, h.first, "restored from the previous valid snapshot");
    assert.equal(r1.hash, hash);
    assert.ok(
      r1.warnings.some((w) => w.includes("skipping corrupt snapshot")),
      r1.warnings.join("\n"),
    );
    // the exchange itself replays the whole journal at start: the corrupt file does not stop it
    const ex = await startExchange(h.dataDir, h.ports);
    try {
      assert.equal(await checkAckedViaApi(h.traders, h.ledger), h.ledger.acked.size);
    } finally {
      assert.deepEqual(await ex.stop(), { code: 0, signal: null });
    }

    rmSync(dir, { recursive: true });
    const none = runReplayTool(h.dataDir);
    assert.match(none, /no snapshot to compare with/);
    // the restart above appended scheduler commands (mark samples): the reference is this journal's replay
    const hashNow = fullHashOf(none);
    assert.ok(hashNow);
    const r2 = await restoredEngine(h.dataDir);
    assert.equal(r2.restoredFrom, 0, "no snapshot: full replay");
    assert.equal(r2.hash, hashNow);
    const ex2 = await startExchange(h.dataDir, h.ports);
    try {
      assert.equal(await checkAckedViaApi(h.traders, h.ledger), h.ledger.acked.size);
    } finally {
      assert.deepEqual(await ex2.stop(), { code: 0, signal: null });
    }
    report("embedded-snapshot-faults", {
      snapshots: [h.first, h.second],
      corruptNewest: { replayTool: "skipped, fell back", restoredFrom: r1.restoredFrom, hashEqual: true },
      noSnapshot: { replayTool: "full replay only", restoredFrom: 0, hashEqual: true },
      ackedOrders: h.ledger.acked.size,
      lost: 0,
    });
  } finally {
    rmSync(h.dataDir, { recursive: true, force: true });
  }
});

const sha = (f: string) => createHash("sha256").update(readFileSync(f)).digest("hex");

function lastSegment(dataDir: string): string {
  const dir = join(dataDir, "journal");
  const segs = readdirSync(dir)
    .filter((n) => statSync(join(dir, n)).isFile() && !n.includes("lock"))
    .sort();
  return join(dir, segs.at(-1)!);
}

test("journal: a torn last record is truncated with a message; a corrupt record mid-log is refused (exit 1, LOG_CORRUPT, file untouched)", async () => {
  const h = await dataDirWithHistory();
  const corruptDir = mkdtempSync(join(tmpdir(), "perpx-rel-corrupt-"));
  try {
    cpSync(h.dataDir, corruptDir, { recursive: true });
    // torn tail: cut 5 bytes off the last record
    const seg = lastSegment(h.dataDir);
    truncateSync(seg, statSync(seg).size - 5);
    const ex = await startExchange(h.dataDir, h.ports);
    let out: string;
    try {
      out = ex.output();
    } finally {
      assert.deepEqual(await ex.stop(), { code: 0, signal: null });
    }
    assert.match(out, /torn tail truncated: \d+ bytes at offset \d+ of .* \(seq \d+, /, out);
    const text = runReplayTool(h.dataDir);
    assert.match(text, /MATCHES/, text);

    // mid-log corruption: one byte flipped halfway through the segment
    const cseg = lastSegment(corruptDir);
    const bytes = readFileSync(cseg);
    bytes[bytes.length >> 1]! ^= 0x5a;
    writeFileSync(cseg, bytes);
    const before = sha(cseg);
    const p = spawnExchange(corruptDir, h.ports);
    let timer: NodeJS.Timeout | undefined;
    const exit = await Promise.race([
      p.exited,
      new Promise<undefined>((r) => {
        timer = setTimeout(() => r(undefined), 60_000);
      }),
    ]);
    clearTimeout(timer);
    await p.kill();
    assert.deepEqual(exit, { code: 1, signal: null }, `refused to start:\n${p.output()}`);
    assert.match(p.output(), /perpx failed to start/);
    assert.match(p.output(), /LOG_CORRUPT/);
    assert.equal(sha(cseg), before, "the journal is left byte-identical");
    report("embedded-journal-faults", {
      tornTail: { cutBytes: 5, started: true, message: /torn tail truncated[^\n]*/.exec(out)?.[0] },
      midLogFlip: { exitCode: 1, message: /JournalError[^\n]*/.exec(p.output())?.[0], fileUnchanged: true },
    });
  } finally {
    rmSync(h.dataDir, { recursive: true, force: true });
    rmSync(corruptDir, { recursive: true, force: true });
  }
});

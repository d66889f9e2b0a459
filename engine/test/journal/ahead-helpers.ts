// Shared by the execute-ahead tests: a journal io whose fsyncs a test holds or fails, a seeded command
// stream, and the events and state of a clean replay of the durable journal.
import assert from "node:assert/strict";
import type { Command } from "@perpx/shared/commands";
import type { EngineEvent } from "@perpx/shared/events";
import type { JournalCommandLog } from "../../src/log/journal/journal-command-log.js";
import { type JournalFile, type JournalIo, nodeIo } from "../../src/log/journal/journal-io.js";
import { OrderBook } from "../../src/matcher/order-book.js";
import { InThreadMatchPort } from "../../src/sequencer/match-port.js";
import { Sequencer } from "../../src/sequencer/sequencer.js";
import { Rng, randomSession } from "../support/random-session.js";

/** fsyncs wait for `hold` while it is set; `fail` makes the next fsync throw EIO. */
export interface Gate {
  hold: Promise<void> | null;
  fail: boolean;
}

/** nodeIo with `beforeSync` awaited before every datasync (it throws: the fsync fails). */
function ioWithSync(beforeSync: () => Promise<void>): JournalIo {
  return {
    ...nodeIo,
    async open(path, mode) {
      const real = await nodeIo.open(path, mode);
      const file: JournalFile = {
        write: (buf, off, len, pos) => real.write(buf, off, len, pos),
        async datasync() {
          await beforeSync();
          return real.datasync();
        },
        truncate: (len) => real.truncate(len),
        close: () => real.close(),
      };
      return file;
    },
  };
}

function eio(): Error {
  const e: NodeJS.ErrnoException = new Error("EIO: injected");
  e.code = "EIO";
  return e;
}

export function gatedIo(g: Gate): JournalIo {
  return ioWithSync(async () => {
    while (g.hold) await g.hold;
    if (g.fail) {
      g.fail = false;
      throw eio();
    }
  });
}

/** While `holding`, each fsync waits in line until the test settles it: ok, or failed with EIO. */
export class FsyncTickets {
  holding = false;
  private readonly line: Array<(ok: boolean) => void> = [];

  get waiting(): number {
    return this.line.length;
  }

  /** Stops holding and lets every waiting fsync succeed. */
  releaseAll(): void {
    this.holding = false;
    while (this.line.length > 0) this.settle(true);
  }

  /** Settles the oldest waiting fsync. */
  settle(ok: boolean): void {
    const next = this.line.shift();
    assert.ok(next, "no fsync is waiting");
    next(ok);
  }

  io(): JournalIo {
    return ioWithSync(() => {
      if (!this.holding) return Promise.resolve();
      return new Promise<void>((resolve, reject) => {
        this.line.push((ok) => (ok ? resolve() : reject(eio())));
      });
    });
  }
}

export function gate(): Gate & { close: () => void; open: () => void } {
  let release: () => void = () => undefined;
  const g: Gate & { close: () => void; open: () => void } = {
    hold: null,
    fail: false,
    close() {
      g.hold = new Promise<void>((r) => {
        release = r;
      });
    },
    open() {
      g.hold = null;
      release();
    },
  };
  return g;
}

/** A seeded command stream (the random session of the sequencer tests: orders, trades, liquidations). */
export function stream(n: number, seed: number): Command[] {
  const gen = new Sequencer({ matcher: new InThreadMatchPort((id) => new OrderBook(id)) });
  const out: Command[] = [];
  const scratch: EngineEvent[] = [];
  randomSession(new Rng(seed), n, gen, (cmd) => {
    out.push(cmd);
    gen.apply({ seq: out.length, cmd }, scratch);
    scratch.length = 0;
  });
  return out;
}

/** Events and state hash of a fresh sequencer fed the durable journal from seq 1. */
export async function cleanReplay(
  log: JournalCommandLog,
): Promise<{ events: EngineEvent[]; hash: string; last: number }> {
  const s = new Sequencer({ matcher: new InThreadMatchPort((id) => new OrderBook(id)) });
  const events: EngineEvent[] = [];
  for (;;) {
    const batch = await log.read(s.lastSeq + 1, 4096);
    if (batch.length === 0) break;
    for (const c of batch) s.apply(c, events);
  }
  return { events, hash: s.stateHash(), last: s.lastSeq };
}

export const turn = () => new Promise<void>((r) => setImmediate(r));

export async function until(cond: () => boolean, what: string): Promise<void> {
  for (let i = 0; i < 20_000 && !cond(); i++) await turn();
  assert.ok(cond(), `timed out waiting for ${what}`);
}

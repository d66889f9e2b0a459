// The servers the REST benchmark compares, started in a child process so the load generator does not
// share their event loop: a bare Fastify app; the gateway with an in-memory log that makes every append
// durable at once (the gateway's own cost); and the gateway with the real journal (group-committed
// write + fdatasync before every 202, as `make run` does).
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { CommandLog } from "@perpx/engine/log/command-log";
import { JournalCommandLog } from "@perpx/engine/log/journal/journal-command-log";
import type { Command, LoggedCommand } from "@perpx/shared/commands";
import { DEFAULT_INSTRUMENTS } from "@perpx/shared/instruments";
import Fastify, { type FastifyInstance } from "fastify";
import { buildApp } from "../src/app.js";
import { EncryptedKeyStore } from "../src/auth/key-store.js";
import { makeConfig } from "../src/config.js";
import { MonotonicIdGen } from "../src/ids.js";
import { MemoryReadModel } from "../src/read-model/memory-read-model.js";

export const BENCH_KEY = "bench-key-000000000000";
export const BENCH_SECRET = "bench-secret-0000000000000000000000000000";
export const BENCH_JWT_KID = "bench";

/** Appends are durable at once: measures the gateway, not the disk. */
export class FastMemoryLog implements CommandLog {
  private seq = 0;
  async append(cmds: readonly Command[]): Promise<number[]> {
    return cmds.map(() => ++this.seq);
  }
  async read(): Promise<LoggedCommand[]> {
    return [];
  }
  lastSeq(): number {
    return this.seq;
  }
  async waitFor(): Promise<boolean> {
    return true;
  }
  async close(): Promise<void> {}
}

export type ServerKind = "bare" | "gateway" | "gateway-journal";

/** the journal case's records and group commits so far (records per fsync), else undefined */
export let journalGroups: (() => { records: number; groups: number }) | undefined;

export async function startServer(kind: ServerKind, jwtPublicKey: string): Promise<FastifyInstance> {
  if (kind === "bare") {
    const app = Fastify({ logger: false });
    app.get("/hello", async () => ({ hello: "world" }));
    app.post("/echo", async () => ({ status: "ACCEPTED" }));
    // the same-bytes peer: takes the signed order's request as it is (headers unchecked) and answers an
    // ack of the gateway's shape, so HTTP parsing and the answer's size match the gateway case
    app.post<{ Body: { clientOrderId: string; symbol: string } }>("/echo-order", async (req, reply) => {
      reply.code(202);
      return {
        orderId: "100000000000001",
        clientOrderId: req.body.clientOrderId,
        symbol: req.body.symbol,
        status: "ACCEPTED",
      };
    });
    await app.listen({ port: 0, host: "127.0.0.1" });
    return app;
  }
  const readModel = new MemoryReadModel({ instruments: DEFAULT_INSTRUMENTS });
  const keys = new EncryptedKeyStore({ masterKey: Buffer.alloc(32, 9) });
  await keys.create(1, false, { apiKey: BENCH_KEY, apiSecret: BENCH_SECRET });
  const config = makeConfig({
    logLevel: "info", // the default: the production logger, quiet for 2xx (plugins/request-log.ts)
    rateLimit: { enabled: false },
    auth: { jwtPublicKeys: { [BENCH_JWT_KID]: jwtPublicKey } },
  });
  const journal =
    kind === "gateway-journal"
      ? await JournalCommandLog.open(join(mkdtempSync(join(tmpdir(), "perpx-rest-bench-")), "journal"))
      : undefined;
  if (journal) journalGroups = () => journal.stats();
  const app = buildApp({
    config,
    log: journal ?? new FastMemoryLog(),
    readModel,
    engine: { waitForOrder: async () => undefined, waitForSeq: async () => false, ready: () => true },
    keys,
    clock: Date.now,
    idGen: new MonotonicIdGen({ clock: Date.now }),
  });
  await app.listen({ port: 0, host: "127.0.0.1" });
  return app;
}

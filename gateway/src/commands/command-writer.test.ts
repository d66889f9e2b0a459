import assert from "node:assert/strict";
import { test } from "node:test";
import type { CommandLog } from "@perpx/engine/log/command-log";
import { type Command, Op } from "@perpx/shared/commands";
import { ApiError } from "../api-error.js";
import type { ReadModel } from "../read-model/read-model.js";
import type { EngineLink } from "../types.js";
import { CommandWriter } from "./command-writer.js";

const cmd: Command = { op: Op.SNAPSHOT, ts: 1 };

function writerWith(append: CommandLog["append"]): CommandWriter {
  const log = { append } as unknown as CommandLog;
  return new CommandWriter(log, {} as EngineLink, {} as ReadModel, 1000);
}

const unavailable = (e: unknown) => ApiError.is(e) && e.error === "LOG_UNAVAILABLE";

test("append / appendOne: the seqs once durable; every log failure is LOG_UNAVAILABLE (a rejection)", async () => {
  assert.deepEqual(await writerWith(async (c) => c.map((_, i) => i + 7)).append([cmd, cmd]), [7, 8]);
  assert.equal(await writerWith(async () => [42]).appendOne(cmd), 42);
  const rejecting = writerWith(async () => {
    throw new Error("disk full");
  });
  await assert.rejects(rejecting.append([cmd]), unavailable);
  await assert.rejects(rejecting.appendOne(cmd), unavailable);
  const throwing = writerWith(() => {
    throw new Error("thrown before any promise");
  });
  await assert.rejects(throwing.append([cmd]), unavailable); // a rejection, not a synchronous throw
  await assert.rejects(throwing.appendOne(cmd), unavailable);
  const short = writerWith(async () => []);
  await assert.rejects(short.append([cmd]), unavailable);
  await assert.rejects(short.appendOne(cmd), unavailable);
  const own = new ApiError("RATE_LIMITED", "slow down");
  await assert.rejects(
    writerWith(async () => {
      throw own;
    }).appendOne(cmd),
    (e) => e === own,
  );
});

import assert from "node:assert/strict";
import { test } from "node:test";
import type { Command } from "@perpx/shared/commands";
import { lastFundingTime, nextFundingTime, startFundingScheduler } from "./schedulers.js";

test("funding times fall on 00:00 / 08:00 / 16:00 UTC", () => {
  const t = Date.UTC(2026, 10, 24, 9, 30);
  assert.equal(lastFundingTime(t, 8), Date.UTC(2026, 10, 24, 8, 0));
  assert.equal(nextFundingTime(t, 8), Date.UTC(2026, 10, 24, 16, 0));
  assert.equal(lastFundingTime(Date.UTC(2026, 10, 24, 16, 0), 8), Date.UTC(2026, 10, 24, 16, 0));
});

test("the funding scheduler writes each funding time once, including the one missed at start", async () => {
  const written: Command[] = [];
  let now = Date.UTC(2026, 10, 24, 7, 59, 59);
  const s = startFundingScheduler(
    async (c) => {
      written.push(...c);
    },
    () => now,
    8,
    (e) => assert.fail(String(e)),
    5,
  );
  await new Promise((r) => setTimeout(r, 30));
  now = Date.UTC(2026, 10, 24, 8, 0, 1);
  await new Promise((r) => setTimeout(r, 30));
  s.stop();
  const times = written.map((c) => (c.op === 14 ? c.fundingTime : -1));
  assert.deepEqual(times, [Date.UTC(2026, 10, 24, 0, 0), Date.UTC(2026, 10, 24, 8, 0)]);
});

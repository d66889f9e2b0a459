// The /metrics checks fail when the exchange and the generator disagree (and pass when they agree).
import assert from "node:assert/strict";
import { test } from "node:test";
import { checksFrom } from "./checks.js";
import { parseProm } from "./prom.js";
import { Recorder } from "./stats.js";

const before = parseProm(`perpx_http_requests_total{method="POST",route="/api/v1/order",status="202"} 10
perpx_gateway_commands_total 10
perpx_scheduler_commands_total 1
perpx_log_seq 13
perpx_engine_applied_seq 13
perpx_engine_apply_seconds_count 10
`);

function scrape(
  orders: number,
  gatewayCmds: number,
  logSeq: number,
  applied: number,
): ReturnType<typeof parseProm> {
  return parseProm(`perpx_http_requests_total{method="POST",route="/api/v1/order",status="202"} ${10 + orders}
perpx_gateway_commands_total ${10 + gatewayCmds}
perpx_scheduler_commands_total 2
perpx_log_seq ${logSeq}
perpx_engine_applied_seq ${applied}
perpx_engine_apply_seconds_count ${10 + gatewayCmds}
`);
}

function recorder(orders: number): Recorder {
  const rec = new Recorder();
  for (let i = 0; i < orders; i++) rec.onResponse("POST", "/api/v1/order", 202, 1);
  return rec;
}

const failed = (cs: ReturnType<typeof checksFrom>) => cs.filter((c) => !c.ok).map((c) => c.name);

test("agreeing counts pass every check", () => {
  // 3 orders → 3 gateway commands; the log grew by 3 + 1 scheduler command
  assert.deepEqual(failed(checksFrom(recorder(3), before, scrape(3, 3, 17, 17))), []);
});

test("a request count, a command count, a log gap or an unapplied tail each fail", () => {
  assert.deepEqual(failed(checksFrom(recorder(3), before, scrape(4, 3, 17, 17))), [
    "/metrics requests POST /api/v1/order 202",
  ]);
  assert.deepEqual(failed(checksFrom(recorder(3), before, scrape(3, 2, 16, 16))), [
    "Δ perpx_gateway_commands_total = generator's appended commands",
  ]);
  assert.deepEqual(failed(checksFrom(recorder(3), before, scrape(3, 3, 18, 18))), [
    "Δ perpx_log_seq = Δ gateway + Δ scheduler commands",
  ]);
  assert.deepEqual(failed(checksFrom(recorder(3), before, scrape(3, 3, 17, 16))), [
    "perpx_engine_applied_seq = perpx_log_seq (all applied)",
  ]);
});

test("a 5xx fails the run", () => {
  const rec = recorder(3);
  rec.onResponse("GET", "/api/v1/account", 500, 1, "INTERNAL_ERROR");
  const cs = checksFrom(rec, before, scrape(3, 3, 17, 17));
  assert.ok(failed(cs).includes("5xx answers"));
  assert.equal(rec.errors.get("INTERNAL_ERROR"), 1);
});

// ApplyLatency: commands are timed from the append call to the engine's applied seq, whichever of
// "append resolved" and "applied" comes first; counters and the histogram render as Prometheus text.
import assert from "node:assert/strict";
import { test } from "node:test";
import type { CommandLog } from "@perpx/engine/log/command-log";
import { parseProm } from "../../loadtest/prom.js";
import { ApplyLatency } from "./apply-latency.js";

function fakeLog(): CommandLog & { seq: number } {
  return {
    seq: 0,
    async append(cmds) {
      return cmds.map(() => ++this.seq);
    },
    async read() {
      return [];
    },
    lastSeq() {
      return this.seq;
    },
    async waitFor() {
      return false;
    },
    async close() {},
  };
}

test("a command is observed once, when applied after its append resolved", () => {
  let applied = 0;
  let now = 0;
  const lat = new ApplyLatency(
    () => applied,
    () => now,
  );
  lat.appended(3, 2, 0); // seqs 2..3 appended at t=0 ms
  now = 4;
  lat.applied(2); // not yet: the call's last seq is 3
  let m = parseProm(lat.render());
  assert.equal(m.get("perpx_engine_apply_seconds_count"), 0);
  assert.equal(m.get("perpx_gateway_commands_total"), 2);
  applied = 3;
  now = 7;
  lat.applied(3);
  lat.applied(3); // a second batch does not count them again
  m = parseProm(lat.render());
  assert.equal(m.get("perpx_engine_apply_seconds_count"), 2);
  assert.equal(m.get('perpx_engine_apply_seconds_bucket{le="0.005"}'), 0);
  assert.equal(m.get('perpx_engine_apply_seconds_bucket{le="0.0075"}'), 2);
  assert.equal(m.get("perpx_engine_apply_seconds_sum"), 0.014);
  assert.equal(m.get("perpx_engine_applied_seq"), 3);
});

test("a command applied before its append resolved is observed at once", () => {
  const lat = new ApplyLatency(
    () => 10,
    () => 0.5,
  );
  lat.appended(9, 1, 0);
  const m = parseProm(lat.render());
  assert.equal(m.get("perpx_engine_apply_seconds_count"), 1);
  assert.equal(m.get('perpx_engine_apply_seconds_bucket{le="0.0005"}'), 1);
  assert.equal(m.get('perpx_engine_apply_seconds_bucket{le="0.00025"}'), 0);
});

test("the wrapped log counts the gateway's commands and passes everything through", async () => {
  const inner = fakeLog();
  let applied = 0;
  const lat = new ApplyLatency(() => applied);
  const log = lat.wrap(inner);
  assert.deepEqual(await log.append([{ op: 0, ts: 1 } as never, { op: 0, ts: 1 } as never]), [1, 2]);
  assert.equal(log.lastSeq(), 2);
  applied = 2;
  lat.applied(2);
  lat.schedulerCommands += 1;
  const m = parseProm(lat.render());
  assert.equal(m.get("perpx_gateway_commands_total"), 2);
  assert.equal(m.get("perpx_scheduler_commands_total"), 1);
  assert.equal(m.get("perpx_engine_apply_seconds_count"), 2);
});

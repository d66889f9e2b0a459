import assert from "node:assert/strict";
import { test } from "node:test";
import { DEFAULT_STREAM_LIMITS, resolveStreamLimits } from "./stream-limits.js";

test("limits: defaults, overrides, env, validation", () => {
  assert.deepEqual(resolveStreamLimits(), DEFAULT_STREAM_LIMITS);
  assert.ok(Object.isFrozen(resolveStreamLimits()));
  const l = resolveStreamLimits(
    { maxSubscriptions: 5 },
    { WS_MAX_SUBSCRIPTIONS: "9", WS_IDLE_TIMEOUT_S: "30" },
  );
  assert.equal(l.maxSubscriptions, 9);
  assert.equal(l.idleTimeoutSec, 30);
  assert.throws(() => resolveStreamLimits({}, { WS_MAX_SUBSCRIPTIONS: "-1" }), /WS_MAX_SUBSCRIPTIONS/);
  assert.throws(() => resolveStreamLimits({ maxSubscriptions: 0 }), /maxSubscriptions/);
  assert.throws(() => resolveStreamLimits({ maxMessageBytes: 1 << 20 }), /maxMessageBytes/);
  assert.throws(() => resolveStreamLimits({ maxBufferedBytes: 1 << 30 }), /hardBackpressureBytes/);
  assert.throws(() => resolveStreamLimits({ idleTimeoutSec: 5 }), /at least 8/);
});

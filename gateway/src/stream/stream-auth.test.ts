import assert from "node:assert/strict";
import { createHmac } from "node:crypto";
import { test } from "node:test";
import { createHmacApiKeyVerifier, signStreamAuth, streamAuthPayload } from "./stream-auth.js";

test("HMAC verifier: good, wrong secret, unknown key, replay, window expiry of the replay memory", async () => {
  let now = 1_700_000_000_000;
  const verify = createHmacApiKeyVerifier(async (k) => (k === "k1" ? { userId: 42, secret: "s1" } : null), {
    now: () => now,
  });
  const sig = (secret: string, ts: number) =>
    createHmac("sha256", secret).update(`${ts}GET/ws`).digest("hex");
  assert.equal(streamAuthPayload(5), "5GET/ws");
  assert.deepEqual(await verify("k1", now, sig("s1", now)), { userId: 42 });
  assert.deepEqual(await verify("k1", now, sig("s1", now)), { reject: "REPLAYED_REQUEST" });
  assert.deepEqual(await verify("k1", now + 1, sig("s2", now + 1)), { reject: "INVALID_SIGNATURE" });
  assert.deepEqual(await verify("k1", now + 1, "ab"), { reject: "INVALID_SIGNATURE" }, "short signature");
  assert.deepEqual(await verify("nope", now, sig("s1", now)), { reject: "UNAUTHORIZED" });
  const t = now;
  now += 121_000; // the remembered signature expired with the window
  assert.deepEqual(await verify("k1", t, sig("s1", t)), { userId: 42 });
  const msg = JSON.parse(signStreamAuth("k1", "s1", 7)) as Record<string, unknown>;
  assert.deepEqual(msg, { op: "auth", apiKey: "k1", timestamp: 7, signature: sig("s1", 7) });
});

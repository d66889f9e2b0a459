// Hostile and broken clients: every bad message gets an error reply with a stable code (or a documented
// close for abuse), and the server keeps serving everyone else.
import assert from "node:assert/strict";
import { test } from "node:test";
import { DEFAULT_INSTRUMENTS } from "@perpx/shared/instruments";
import WebSocket from "ws";
import { MemoryStreamSource } from "../../src/stream/memory-source.js";
import type { StreamAuth } from "../../src/stream/stream-auth.js";
import { startStreamServer } from "../../src/stream/stream-server.js";
import { isError, TestClient } from "./test-client.js";

const errorOf = (m: Record<string, unknown>) => m.error as { code: number; name: string; msg: string };

test("hostile input: error replies, abuse closes, server alive", async () => {
  let releaseAuth: (() => void) | undefined;
  const auth: StreamAuth = {
    // a buggy verifier that throws synchronously instead of rejecting
    verifyApiKey: (() => {
      throw new Error("verifier bug");
    }) as StreamAuth["verifyApiKey"],
    // a slow verifier: resolves when the test says so
    verifyJwt: (token) =>
      new Promise((resolve) => {
        releaseAuth = () => resolve(token === "good" ? { userId: 5 } : null);
      }),
  };
  const source = new MemoryStreamSource(DEFAULT_INSTRUMENTS);
  const server = await startStreamServer({
    port: 0,
    instruments: DEFAULT_INSTRUMENTS,
    auth,
    source,
    limits: { maxSubscriptions: 5 },
  });
  try {
    const c = await TestClient.connect(server.port);
    const cases: [string | Buffer, string][] = [
      ["{not json", "INVALID_PARAMETER"],
      ["[1,2]", "INVALID_PARAMETER"],
      ["null", "INVALID_PARAMETER"],
      ['"subscribe"', "INVALID_PARAMETER"],
      ["{}", "INVALID_PARAMETER"],
      ['{"op":"dance"}', "UNKNOWN_OP"],
      ['{"op":"subscribe","channels":"depth:BTCUSDT"}', "INVALID_PARAMETER"],
      ['{"op":"subscribe","channels":[]}', "INVALID_PARAMETER"],
      ['{"op":"subscribe","channels":[42]}', "INVALID_PARAMETER"],
      ['{"op":"subscribe","channels":["depth:BTCUSDT"],"evil":1}', "INVALID_PARAMETER"],
      ['{"op":"subscribe","channels":["candles:BTCUSDT"]}', "UNKNOWN_CHANNEL"],
      ['{"op":"subscribe","channels":["depth"]}', "UNKNOWN_CHANNEL"],
      ['{"op":"subscribe","channels":["depth:DOGEUSDT"]}', "UNKNOWN_SYMBOL"],
      [`{"op":"subscribe","channels":["${"x".repeat(3000)}"]}`, "UNKNOWN_CHANNEL"],
      ['{"op":"subscribe","channels":["depth:BTCUSDT"],"id":{"a":1}}', "INVALID_PARAMETER"],
      ['{"op":"auth","apiKey":"k","timestamp":"soon","signature":"s"}', "INVALID_PARAMETER"],
      [`{"op":"x","pad":"${"y".repeat(10_000)}"}`, "PAYLOAD_TOO_LARGE"],
      [Buffer.from([1, 2, 3]), "INVALID_PARAMETER"],
    ];
    for (const [msg, name] of cases) {
      c.ws.send(msg);
      const reply = await c.take((m) => "error" in m);
      assert.equal(errorOf(reply).name, name, `reply to ${String(msg).slice(0, 60)}`);
      assert.equal(typeof errorOf(reply).code, "number");
    }
    // the error budget (20 in a burst) is nearly spent: wait for it to refill a little
    await new Promise((r) => setTimeout(r, 300));

    // subscription limit: 5 channels per connection here, all or nothing
    const c2 = await TestClient.connect(server.port);
    const five = ["depth", "trades", "ticker", "markPrice", "forceOrder"].map((k) => `${k}:BTCUSDT`);
    assert.equal((await c2.request({ op: "subscribe", channels: five })).result, "ok");
    assert.ok(
      isError("TOO_MANY_SUBSCRIPTIONS")(await c2.request({ op: "subscribe", channels: ["depth20:BTCUSDT"] })),
    );
    assert.equal(
      (await c2.request({ op: "subscribe", channels: ["depth:BTCUSDT"] })).result,
      "ok",
      "resubscribe is free",
    );
    assert.equal((await c2.request({ op: "unsubscribe", channels: ["ticker:BTCUSDT"] })).result, "ok");
    assert.equal((await c2.request({ op: "subscribe", channels: ["depth20:BTCUSDT"] })).result, "ok");

    // messages sent while auth is pending wait for it, in order
    const c3 = await TestClient.connect(server.port);
    c3.send({ op: "auth", token: "good", id: 1 });
    c3.send({ op: "subscribe", channels: ["user"], id: 2 });
    c3.send({ op: "ping", id: 3 });
    await new Promise((r) => setTimeout(r, 50));
    assert.equal(c3.inbox.length, 0);
    releaseAuth?.();
    assert.deepEqual((await c3.take()).id, 1);
    assert.deepEqual((await c3.take()).result, "ok");
    assert.deepEqual((await c3.take()).op, "pong");

    // 1000 subscribe frames at once: acks until the rate limit, RATE_LIMITED errors, then close 4002
    const flood = await TestClient.connect(server.port);
    const frame = JSON.stringify({ op: "subscribe", channels: ["depth:BTCUSDT"] });
    for (let i = 0; i < 1000; i++) flood.ws.send(frame);
    assert.deepEqual(await flood.closed, { code: 4002, reason: "too many errors" });
    const acks = flood.inbox.filter((m) => m.result === "ok").length;
    assert.ok(acks >= 90 && acks <= 110, `about messagesBurst (100) acks, got ${acks}`);
    assert.ok(flood.inbox.some(isError("RATE_LIMITED")));

    // a frame above maxPayloadBytes (64 KiB): uWS drops the connection at once
    const huge = await TestClient.connect(server.port);
    huge.ws.send("z".repeat(100_000));
    assert.equal((await huge.closed).code, 1006);

    // a path other than /ws is refused at the HTTP level
    const other = new WebSocket(`ws://127.0.0.1:${server.port}/other`);
    const status = await new Promise<number>((resolve) => {
      other.on("unexpected-response", (_req, res) => resolve(res.statusCode ?? 0));
      other.on("error", () => resolve(-1));
    });
    assert.equal(status, 404);

    // a verifier that throws answers INTERNAL_ERROR, it does not take the server down
    const sig = "0".repeat(64);
    const bug = await c.request({ op: "auth", apiKey: "k", timestamp: Date.now(), signature: sig });
    assert.ok(isError("INTERNAL_ERROR")(bug));

    // everyone else is still served
    assert.equal((await c.request({ op: "ping" })).op, "pong");
    const fresh = await TestClient.connect(server.port);
    const ack = await fresh.request({ op: "subscribe", channels: ["depth:BTCUSDT"] });
    assert.equal(ack.result, "ok");
    assert.equal((await fresh.take((m) => m.type === "snapshot")).lastUpdateId, 0);
    const s = server.stats();
    assert.equal(s.closes.TOO_MANY_ERRORS, 1);
    assert.equal(s.connections, 4); // c, c2, c3, fresh
    assert.equal(s.handlerErrors, 0);
    for (const x of [c, c2, c3, fresh]) x.close();
  } finally {
    await server.close();
  }
});

test("connections above maxConnections are refused with HTTP 503", async () => {
  const source = new MemoryStreamSource(DEFAULT_INSTRUMENTS);
  const noAuth = { verifyApiKey: async () => null, verifyJwt: async () => null };
  const server = await startStreamServer({
    port: 0,
    instruments: DEFAULT_INSTRUMENTS,
    auth: noAuth,
    source,
    limits: { maxConnections: 1 },
  });
  try {
    const first = await TestClient.connect(server.port);
    const second = new WebSocket(`ws://127.0.0.1:${server.port}/ws`);
    const status = await new Promise<number>((resolve) => {
      second.on("unexpected-response", (_req, res) => resolve(res.statusCode ?? 0));
      second.on("error", () => resolve(-1));
    });
    assert.equal(status, 503);
    assert.equal((await first.request({ op: "ping" })).op, "pong");
    first.close();
  } finally {
    await server.close();
  }
});

import assert from "node:assert/strict";
import { test } from "node:test";
import { DEFAULT_INSTRUMENTS } from "@perpx/shared/instruments";
import { parseRequest, resolveChannel } from "./protocol.js";

const bySymbol = new Map(DEFAULT_INSTRUMENTS.map((i) => [i.symbol, i]));

test("parseRequest accepts the four ops", () => {
  assert.deepEqual(parseRequest('{"op":"subscribe","channels":["depth:BTCUSDT"]}'), {
    op: "subscribe",
    channels: ["depth:BTCUSDT"],
    snapshot: true,
  });
  assert.deepEqual(parseRequest('{"op":"subscribe","channels":["a"],"snapshot":false,"id":3}'), {
    op: "subscribe",
    channels: ["a"],
    snapshot: false,
    id: 3,
  });
  assert.deepEqual(parseRequest('{"op":"unsubscribe","channels":["a"],"id":"x"}'), {
    op: "unsubscribe",
    channels: ["a"],
    id: "x",
  });
  assert.deepEqual(parseRequest('{"op":"auth","token":"t"}'), { op: "auth", token: "t" });
  assert.deepEqual(parseRequest('{"op":"auth","apiKey":"k","timestamp":"1700000000000","signature":"ab"}'), {
    op: "auth",
    apiKey: "k",
    timestamp: 1_700_000_000_000,
    signature: "ab",
  });
  assert.deepEqual(parseRequest('{"op":"ping"}'), { op: "ping" });
});

test("parseRequest names what is wrong, never throws", () => {
  const err = (text: string) => {
    const r = parseRequest(text);
    return "error" in r ? r.error : "ok";
  };
  assert.equal(err("{"), "INVALID_PARAMETER");
  assert.equal(err("1"), "INVALID_PARAMETER");
  assert.equal(err('{"op":1}'), "INVALID_PARAMETER");
  assert.equal(err('{"op":"nope"}'), "UNKNOWN_OP");
  assert.equal(err('{"op":"ping","x":1}'), "INVALID_PARAMETER");
  assert.equal(err('{"op":"ping","id":1.5}'), "INVALID_PARAMETER");
  assert.equal(err(`{"op":"ping","id":"${"i".repeat(65)}"}`), "INVALID_PARAMETER");
  assert.equal(err('{"op":"subscribe","channels":["a"],"snapshot":"no"}'), "INVALID_PARAMETER");
  assert.equal(err('{"op":"auth","token":""}'), "INVALID_PARAMETER");
  assert.equal(err('{"op":"auth","token":"t","apiKey":"k"}'), "INVALID_PARAMETER");
  assert.equal(err('{"op":"auth","apiKey":"k","timestamp":1.5,"signature":"s"}'), "INVALID_PARAMETER");
  assert.equal(err('{"op":"auth","apiKey":"k","timestamp":1,"signature":5}'), "INVALID_PARAMETER");
  assert.equal(err('{"op":"__proto__"}'), "UNKNOWN_OP");
  assert.equal(err('{"op":"toString"}'), "UNKNOWN_OP");
});

test("resolveChannel knows the channel kinds and the listed symbols", () => {
  for (const kind of ["depth", "depth20", "trades", "ticker", "markPrice", "forceOrder"]) {
    const c = resolveChannel(`${kind}:ETHUSDT`, bySymbol);
    assert.ok(!("error" in c) && c.kind === kind && c.name === `${kind}:ETHUSDT`);
  }
  assert.deepEqual(resolveChannel("user", bySymbol), { name: "user", kind: "user" });
  assert.equal((resolveChannel("depth:FOO", bySymbol) as { error: string }).error, "UNKNOWN_SYMBOL");
  assert.equal((resolveChannel("kline:BTCUSDT", bySymbol) as { error: string }).error, "UNKNOWN_CHANNEL");
  assert.equal((resolveChannel(":BTCUSDT", bySymbol) as { error: string }).error, "UNKNOWN_CHANNEL");
  assert.equal((resolveChannel("user:1", bySymbol) as { error: string }).error, "UNKNOWN_CHANNEL");
  assert.equal((resolveChannel("#user:1", bySymbol) as { error: string }).error, "UNKNOWN_CHANNEL");
});

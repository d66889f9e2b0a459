// The private `user` channel: API-key (HMAC) and JWT (RS256, through a pluggable verifier) auth, each
// user receives exactly its own events and nothing before auth + subscribe, and auth failures answer
// with their catalog names (closing after maxAuthFailures).
import assert from "node:assert/strict";
import { createSign, createVerify, generateKeyPairSync, type KeyObject } from "node:crypto";
import { test } from "node:test";
import { Op } from "@perpx/shared/commands";
import {
  BalanceReason,
  MarginType,
  OrderStatus,
  OrderType,
  Side,
  StpMode,
  TimeInForce,
  TradeType,
  WorkingType,
} from "@perpx/shared/domain";
import { RejectReason } from "@perpx/shared/errors";
import { type EngineEvent, Ev, type OrderEvent } from "@perpx/shared/events";
import { DEFAULT_INSTRUMENTS } from "@perpx/shared/instruments";
import { MemoryStreamSource } from "../../src/stream/memory-source.js";
import { createHmacApiKeyVerifier, type StreamAuth, signStreamAuth } from "../../src/stream/stream-auth.js";
import { startStreamServer } from "../../src/stream/stream-server.js";
import { isError, type Msg, TestClient } from "./test-client.js";

const b64url = (b: Buffer | string) => Buffer.from(b).toString("base64url");

function signJwt(payload: object, key: KeyObject, alg = "RS256"): string {
  const head = `${b64url(JSON.stringify({ alg, typ: "JWT" }))}.${b64url(JSON.stringify(payload))}`;
  return `${head}.${b64url(createSign("RSA-SHA256").update(head).sign(key))}`;
}

/** A minimal RS256 verifier standing in for the gateway's (alg pinned, exp required, sub = user id). */
function rs256Verifier(publicKey: KeyObject): StreamAuth["verifyJwt"] {
  return async (token) => {
    const [h, p, sig] = token.split(".");
    if (!h || !p || !sig) return null;
    const header = JSON.parse(Buffer.from(h, "base64url").toString()) as { alg?: string };
    if (header.alg !== "RS256") return null;
    if (!createVerify("RSA-SHA256").update(`${h}.${p}`).verify(publicKey, Buffer.from(sig, "base64url")))
      return null;
    const claims = JSON.parse(Buffer.from(p, "base64url").toString()) as { sub?: string; exp?: number };
    if (typeof claims.exp !== "number" || claims.exp * 1000 < Date.now()) return null;
    return { userId: Number(claims.sub) };
  };
}

function order(userId: number, orderId: number, seq: number): OrderEvent {
  return {
    ev: Ev.ORDER,
    seq,
    ts: 1_700_000_000_000 + seq,
    orderId,
    clientOrderId: `c${orderId}`,
    userId,
    symbolId: 1,
    side: Side.BUY,
    type: OrderType.LIMIT,
    tif: TimeInForce.GTC,
    status: OrderStatus.PARTIALLY_FILLED,
    price: 500_001, // 50000.1
    stopPrice: 0,
    origQty: 2_000, // 2.000
    executedQty: 1_500,
    cumQuoteUnits: 500_001 * 1_000 + 500_000 * 500, // 1.0 @ 50000.1 + 0.5 @ 50000.0
    reduceOnly: false,
    closePosition: false,
    workingType: WorkingType.CONTRACT_PRICE,
    stp: StpMode.EXPIRE_TAKER,
    rejectReason: 0,
    createTime: 1_700_000_000_000,
  };
}

/** Events for users 1, 2 and 3 (3 never connects). */
function userEvents(seq: number): EngineEvent[] {
  const ts = 1_700_000_000_000 + seq;
  return [
    order(1, 101, seq),
    order(2, 102, seq),
    {
      ev: Ev.TRADE,
      seq,
      ts,
      tradeId: 7,
      symbolId: 1,
      type: TradeType.NORMAL,
      price: 500_000,
      qty: 500,
      quote: 25_000_000_000,
      buyOrderId: 101,
      sellOrderId: 102,
      buyUserId: 1,
      sellUserId: 2,
      makerSide: Side.SELL,
      buyFee: 12_500_000,
      sellFee: 5_000_000,
      buyRealizedPnl: 0,
      sellRealizedPnl: -1_234_567,
    },
    {
      ev: Ev.POSITION,
      seq,
      ts,
      userId: 1,
      symbolId: 1,
      qty: 1_500,
      entryValue: 750_001_000,
      marginType: MarginType.CROSSED,
      leverage: 20,
      isolatedWallet: 0,
      reason: BalanceReason.ORDER,
    },
    {
      ev: Ev.POSITION,
      seq,
      ts,
      userId: 2,
      symbolId: 1,
      qty: -500,
      entryValue: 250_000_000,
      marginType: MarginType.ISOLATED,
      leverage: 10,
      isolatedWallet: 2_500_000_000,
      reason: BalanceReason.ORDER,
    },
    {
      ev: Ev.BALANCE,
      seq,
      ts,
      userId: 1,
      wallet: 9_987_500_000,
      delta: -12_500_000,
      reason: BalanceReason.ORDER,
    },
    {
      ev: Ev.MARGIN_CALL,
      seq,
      ts,
      userId: 2,
      symbolId: 1,
      marginBalance: 100_000_000,
      maintMargin: 90_000_000,
    },
    {
      ev: Ev.FUNDING_PAYMENT,
      seq,
      ts,
      userId: 1,
      symbolId: 1,
      fundingTime: ts,
      fundingRate: 10_000,
      positionQty: 1_500,
      markPrice: 500_000,
      amount: -7_500_000,
    },
    { ev: Ev.DEPOSIT, seq, ts, userId: 2, txId: "tx-9", amount: 1_000_000_000, wallet: 3_000_000_000 },
    {
      ev: Ev.REJECT,
      seq,
      ts,
      userId: 1,
      op: Op.WITHDRAW,
      reason: RejectReason.BALANCE_INSUFFICIENT,
      ref: "w-1",
    },
    { ev: Ev.LEVERAGE, seq, ts, userId: 2, symbolId: 1, leverage: 10, marginType: MarginType.ISOLATED },
    order(3, 103, seq),
    { ev: Ev.BALANCE, seq, ts, userId: 3, wallet: 1, delta: 1, reason: BalanceReason.DEPOSIT },
  ];
}

const userMsgs = (c: TestClient): Msg[] => c.inbox.filter((m) => m.channel === "user");

test("user channel: own events only, nothing before auth; HMAC and JWT auth", async () => {
  const { publicKey, privateKey } = generateKeyPairSync("rsa", { modulusLength: 2048 });
  const secrets = new Map([["key-1", { userId: 1, secret: "secret-1" }]]);
  const auth: StreamAuth = {
    verifyApiKey: createHmacApiKeyVerifier(async (k) => secrets.get(k) ?? null),
    verifyJwt: rs256Verifier(publicKey),
  };
  const source = new MemoryStreamSource(DEFAULT_INSTRUMENTS);
  const server = await startStreamServer({ port: 0, instruments: DEFAULT_INSTRUMENTS, auth, source });
  try {
    const c1 = await TestClient.connect(server.port);
    const c2 = await TestClient.connect(server.port);
    // before auth: `user` is refused and nothing private arrives
    assert.ok(isError("AUTH_REQUIRED")(await c1.request({ op: "subscribe", channels: ["user"] })));
    source.push(userEvents(1));
    await c1.request({ op: "ping" });
    await c2.request({ op: "ping" });
    assert.equal(userMsgs(c1).length + userMsgs(c2).length, 0);

    // API key: wrong signature, stale timestamp, unknown key, then the right one
    const now = Date.now();
    const bad = JSON.parse(signStreamAuth("key-1", "wrong-secret", now)) as object;
    assert.ok(isError("INVALID_SIGNATURE")(await c1.request(bad)));
    const stale = JSON.parse(signStreamAuth("key-1", "secret-1", now - 61_000)) as object;
    assert.ok(isError("TIMESTAMP_OUTSIDE_WINDOW")(await c1.request(stale)));
    // c1 now has 2 failures of 3: the next failure would close it, a success resets nothing but passes
    const good = JSON.parse(signStreamAuth("key-1", "secret-1", now)) as object;
    // send auth and subscribe back to back: the subscribe waits for the verifier, then succeeds
    c1.send({ ...good, id: "a1" });
    c1.send({ op: "subscribe", channels: ["user"], id: "s1" });
    assert.deepEqual(await c1.take((m) => m.id === "a1"), { op: "auth", id: "a1", result: "ok", userId: 1 });
    assert.equal((await c1.take((m) => m.id === "s1")).result, "ok");
    assert.ok(isError("ALREADY_AUTHENTICATED")(await c1.request(good)));

    // the same signed message on another connection is a replay
    const c3 = await TestClient.connect(server.port);
    assert.ok(isError("REPLAYED_REQUEST")(await c3.request(good)));
    const unknown = JSON.parse(signStreamAuth("key-x", "s", Date.now())) as object;
    assert.ok(isError("UNAUTHORIZED")(await c3.request(unknown)));

    // JWT: tampered token, token without exp, then a good one
    const exp = Math.floor(Date.now() / 1000) + 600;
    const token = signJwt({ sub: "2", exp }, privateKey);
    const tampered = `${token.slice(0, token.lastIndexOf(".") + 1)}${b64url("x".repeat(256))}`;
    assert.ok(isError("UNAUTHORIZED")(await c2.request({ op: "auth", token: tampered })));
    assert.ok(
      isError("UNAUTHORIZED")(await c2.request({ op: "auth", token: signJwt({ sub: "2" }, privateKey) })),
    );
    assert.equal((await c2.request({ op: "auth", token })).userId, 2);
    assert.equal((await c2.request({ op: "subscribe", channels: ["user"] })).result, "ok");

    // a third failure closes with 4003
    assert.ok(isError("UNAUTHORIZED")(await c3.request({ op: "auth", token: tampered })));
    assert.deepEqual(await c3.closed, { code: 4003, reason: "too many failed auth attempts" });

    source.push(userEvents(2));
    await c1.request({ op: "ping" });
    await c2.request({ op: "ping" });
    const got1 = userMsgs(c1);
    const got2 = userMsgs(c2);
    assert.deepEqual(
      got1.map((m) => m.e),
      ["order", "fill", "position", "balance", "funding", "reject"],
    );
    assert.deepEqual(
      got2.map((m) => m.e),
      ["order", "fill", "position", "marginCall", "deposit", "leverage"],
    );
    assert.ok(
      [...got1, ...got2].every((m) => m.seq === 2),
      "only events pushed after auth + subscribe",
    );
    assert.deepEqual(got1[0], {
      channel: "user",
      e: "order",
      seq: 2,
      E: 1_700_000_000_002,
      orderId: "101",
      clientOrderId: "c101",
      symbol: "BTCUSDT",
      side: "BUY",
      type: "LIMIT",
      status: "PARTIALLY_FILLED",
      timeInForce: "GTC",
      price: "50000.1",
      stopPrice: "0.0",
      origQty: "2.000",
      executedQty: "1.500",
      avgPrice: "50000.06666666",
      cumQuote: "75000.100000",
      reduceOnly: false,
      closePosition: false,
      workingType: "CONTRACT_PRICE",
      selfTradePreventionMode: "EXPIRE_TAKER",
      createTime: 1_700_000_000_000,
      updateTime: 1_700_000_000_002,
    });
    assert.deepEqual(got1[1], {
      channel: "user",
      e: "fill",
      seq: 2,
      E: 1_700_000_000_002,
      tradeId: 7,
      orderId: "101",
      symbol: "BTCUSDT",
      side: "BUY",
      price: "50000.0",
      qty: "0.500",
      quoteQty: "25000.000000",
      commission: "12.500000",
      commissionAsset: "USDT",
      realizedPnl: "0.000000",
      maker: false,
      type: "NORMAL",
    });
    assert.deepEqual(got2[1], {
      channel: "user",
      e: "fill",
      seq: 2,
      E: 1_700_000_000_002,
      tradeId: 7,
      orderId: "102",
      symbol: "BTCUSDT",
      side: "SELL",
      price: "50000.0",
      qty: "0.500",
      quoteQty: "25000.000000",
      commission: "5.000000",
      commissionAsset: "USDT",
      realizedPnl: "-1.234567",
      maker: true,
      type: "NORMAL",
    });
    assert.deepEqual(got2[2], {
      channel: "user",
      seq: 2,
      E: 1_700_000_000_002,
      e: "position",
      symbol: "BTCUSDT",
      positionAmt: "-0.500",
      entryPrice: "50000.00000000",
      marginType: "ISOLATED",
      leverage: 10,
      isolatedWallet: "2500.000000",
      reason: "ORDER",
    });
    assert.deepEqual(got1[5], {
      channel: "user",
      seq: 2,
      E: 1_700_000_000_002,
      e: "reject",
      op: "WITHDRAW",
      reason: "BALANCE_INSUFFICIENT",
      ref: "w-1",
    });

    // after unsubscribe nothing more arrives
    c1.inbox.length = 0;
    assert.equal((await c1.request({ op: "unsubscribe", channels: ["user"] })).result, "ok");
    source.push(userEvents(3));
    await c1.request({ op: "ping" });
    assert.equal(userMsgs(c1).length, 0);
    assert.equal(server.stats().badEvents, 0);
    for (const c of [c1, c2]) c.close();
  } finally {
    await server.close();
  }
});

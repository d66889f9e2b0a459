// Order entry (SPEC §4, §8.2-8.4): filters, JSON numbers, idempotency by clientOrderId, durability
// (503 LOG_UNAVAILABLE and no 2xx), ?wait answers, batch, amend, cancel.
import assert from "node:assert/strict";
import { after, before, beforeEach, describe, test } from "node:test";
import { Op, type PlaceOrder } from "@perpx/shared/commands";
import { Ev } from "@perpx/shared/events";
import { type Harness, makeHarness, T0, tick } from "../helpers/harness.js";

let h: Harness;
before(async () => {
  h = await makeHarness();
});
after(() => h.close());
beforeEach(() => tick(h));

const base = { symbol: "BTCUSDT", side: "BUY", type: "LIMIT", quantity: "0.010", price: "50000.0" };
const post = (body: unknown, url = "/api/v1/order") => {
  tick(h);
  return h.signed({ method: "POST", url, body });
};
const lastCmd = () => h.log.entries[h.log.entries.length - 1]?.cmd;

describe("filters", () => {
  test("a valid LIMIT order is logged with integer units and answered 202 ACCEPTED", async () => {
    const r = await post({ ...base, clientOrderId: "a-1" });
    assert.equal(r.statusCode, 202, r.body);
    assert.equal(r.headers["content-type"], "application/json; charset=utf-8");
    const body = r.json();
    assert.equal(body.status, "ACCEPTED");
    assert.equal(body.clientOrderId, "a-1");
    assert.match(body.orderId, /^[0-9]+$/);
    // the ack is sent as pre-made text: exactly the 202 schema's fields, in its order
    assert.equal(
      r.body,
      JSON.stringify({ orderId: body.orderId, clientOrderId: "a-1", symbol: "BTCUSDT", status: "ACCEPTED" }),
    );
    const cmd = lastCmd() as PlaceOrder;
    assert.equal(cmd.op, Op.PLACE_ORDER);
    assert.equal(cmd.orderId, Number(body.orderId));
    assert.equal(cmd.price, 500_000);
    assert.equal(cmd.qty, 10);
    assert.equal(cmd.userId, 1);
    assert.equal(cmd.stp, 1); // EXPIRE_TAKER default
    assert.equal(cmd.ts, h.time.now);
  });

  test("JSON numbers are read through their shortest decimal text", async () => {
    const ok = await post({ ...base, price: 50000.1, quantity: 0.01 });
    assert.equal(ok.statusCode, 202, ok.body);
    assert.equal((lastCmd() as PlaceOrder).price, 500_001);
    const tick5 = await post({ ...base, price: 50000.05 });
    assert.equal(tick5.json().error, "INVALID_TICK_SIZE");
  });

  const cases: [string, Record<string, unknown> | string, string][] = [
    [
      "exponent number",
      `{"symbol":"BTCUSDT","side":"BUY","type":"LIMIT","quantity":"0.010","price":5e4}`,
      "INVALID_PRECISION",
    ],
    ["exponent string", { ...base, price: "5E4" }, "INVALID_PRECISION"],
    ["19 decimals", { ...base, quantity: "0.0100000000000000000" }, "INVALID_PRECISION"],
    [
      "beyond 2^53",
      `{"symbol":"BTCUSDT","side":"BUY","type":"LIMIT","quantity":"0.010","price":90071992547409931}`,
      "INVALID_PRECISION",
    ],
    [
      "inexact JSON number",
      `{"symbol":"BTCUSDT","side":"BUY","type":"LIMIT","quantity":0.01000000000000000001,"price":"50000.0"}`,
      "INVALID_PRECISION",
    ],
    ["price off tick", { ...base, price: "50000.05" }, "INVALID_TICK_SIZE"],
    ["qty off step", { ...base, quantity: "0.0105" }, "INVALID_LOT_SIZE"],
    ["qty below min", { ...base, quantity: "0.000" }, "INVALID_LOT_SIZE"],
    ["negative qty", { ...base, quantity: "-1" }, "INVALID_LOT_SIZE"],
    ["qty above max", { ...base, quantity: "1000.001" }, "INVALID_LOT_SIZE"],
    [
      "market qty above maxMarketQty",
      { symbol: "BTCUSDT", side: "SELL", type: "MARKET", quantity: "121" },
      "INVALID_LOT_SIZE",
    ],
    ["notional below min", { ...base, quantity: "0.001", price: "4000.0" }, "MIN_NOTIONAL"],
    ["negative price", { ...base, price: "-50000.0" }, "INVALID_PARAMETER"],
    ["unknown symbol", { ...base, symbol: "DOGEUSDT" }, "UNKNOWN_SYMBOL"],
    ["unknown field", { ...base, leverage: 10 }, "INVALID_PARAMETER"],
    ["wrong type", { ...base, reduceOnly: "yes" }, "INVALID_PARAMETER"],
    ["bad enum", { ...base, side: "buy" }, "INVALID_PARAMETER"],
    ["price on MARKET", { ...base, type: "MARKET" }, "INVALID_PARAMETER"],
    [
      "missing price on LIMIT",
      { symbol: "BTCUSDT", side: "BUY", type: "LIMIT", quantity: "1" },
      "INVALID_PARAMETER",
    ],
    ["missing stopPrice", { ...base, type: "STOP" }, "INVALID_PARAMETER"],
    [
      "GTX on MARKET",
      { symbol: "BTCUSDT", side: "BUY", type: "MARKET", quantity: "1", timeInForce: "GTX" },
      "INVALID_PARAMETER",
    ],
    ["closePosition on LIMIT", { ...base, closePosition: true }, "INVALID_PARAMETER"],
    ["bad clientOrderId", { ...base, clientOrderId: "has space" }, "INVALID_PARAMETER"],
    ["37-char clientOrderId", { ...base, clientOrderId: "x".repeat(37) }, "INVALID_PARAMETER"],
    ["hedge mode", { ...base, positionSide: "LONG" }, "INVALID_PARAMETER"],
    ["decimal with spaces", { ...base, price: " 50000.0" }, "INVALID_PARAMETER"],
    [
      "trailing without callbackRate",
      { symbol: "BTCUSDT", side: "SELL", type: "TRAILING_STOP_MARKET", quantity: "1" },
      "INVALID_PARAMETER",
    ],
    [
      "callbackRate out of range",
      { symbol: "BTCUSDT", side: "SELL", type: "TRAILING_STOP_MARKET", quantity: "1", callbackRate: "11" },
      "INVALID_PARAMETER",
    ],
  ];
  for (const [name, body, want] of cases) {
    test(`${name} → ${want}`, async () => {
      const before = h.log.entries.length;
      tick(h);
      const r = await h.signed({
        method: "POST",
        url: "/api/v1/order",
        raw: typeof body === "string" ? body : JSON.stringify(body),
      });
      assert.equal(r.json().error, want, r.body);
      assert.equal(r.statusCode, 400);
      assert.equal(h.log.entries.length, before, "nothing logged");
    });
  }

  test("the price band uses the latest mark; no mark, no gateway band check", async () => {
    assert.equal((await post({ ...base, price: "99999.0" })).statusCode, 202);
    h.rm.apply([
      {
        ev: Ev.MARK,
        seq: h.rm.lastSeq(),
        ts: T0,
        symbolId: 1,
        markPrice: 500_000,
        indexPrice: 500_000,
        lastPrice: 0,
        fundingRate: 0,
        nextFundingTime: 0,
      },
    ]);
    assert.equal((await post({ ...base, price: "52500.0" })).statusCode, 202);
    assert.equal((await post({ ...base, price: "47500.0" })).statusCode, 202);
    assert.equal((await post({ ...base, price: "52500.1" })).json().error, "PRICE_OUT_OF_BAND");
    assert.equal((await post({ ...base, side: "SELL", price: "47499.9" })).json().error, "PRICE_OUT_OF_BAND");
    // market min notional uses the mark: 0.001 × 50000 = 50 ≥ 5
    assert.equal(
      (await post({ symbol: "BTCUSDT", side: "BUY", type: "MARKET", quantity: "0.001" })).statusCode,
      202,
    );
  });

  test("other types: STOP_MARKET closePosition, trailing, reduce-only below min notional", async () => {
    assert.equal(
      (
        await post({
          symbol: "BTCUSDT",
          side: "SELL",
          type: "STOP_MARKET",
          stopPrice: "49000.0",
          closePosition: true,
        })
      ).statusCode,
      202,
    );
    assert.equal((lastCmd() as PlaceOrder).qty, 0);
    const t = await post({
      symbol: "BTCUSDT",
      side: "SELL",
      type: "TRAILING_STOP_MARKET",
      quantity: "0.5",
      callbackRate: "1.5",
      activationPrice: "51000.0",
    });
    assert.equal(t.statusCode, 202, t.body);
    assert.equal((lastCmd() as PlaceOrder).callbackRate, 1_500_000);
    const eth = { symbol: "ETHUSDT", side: "SELL", type: "LIMIT", quantity: "0.001", price: "3000.00" };
    assert.equal((await post(eth)).json().error, "MIN_NOTIONAL");
    assert.equal((await post({ ...eth, reduceOnly: true })).statusCode, 202);
  });

  test("an absent clientOrderId is assigned and matches the pattern", async () => {
    const r = await post(base);
    assert.match(r.json().clientOrderId, /^[A-Za-z0-9._:/-]{1,36}$/);
    assert.equal((lastCmd() as PlaceOrder).clientOrderId, r.json().clientOrderId);
  });
});

describe("idempotency and durability", () => {
  test("a retried clientOrderId returns the same orderId with duplicate: true and logs nothing", async () => {
    const first = await post({ ...base, clientOrderId: "retry-1" });
    const n = h.log.entries.length;
    const again = await post({ ...base, clientOrderId: "retry-1", price: "40000.0" });
    assert.equal(again.statusCode, 202);
    assert.equal(again.json().orderId, first.json().orderId);
    assert.equal(again.json().duplicate, true);
    assert.equal(h.log.entries.length, n);
    // for ever: after the order is canceled too
    h.rm.apply([]);
    const waited = await h.signed({
      method: "POST",
      url: "/api/v1/order?wait=true",
      body: { ...base, clientOrderId: "retry-1" },
    });
    assert.equal(waited.statusCode, 200);
    assert.equal(waited.json().orderId, first.json().orderId);
    assert.equal(waited.json().duplicate, true);
  });

  test("concurrent retries while the first append is in flight give one order", async () => {
    h.log.delayMs = 20;
    try {
      tick(h);
      const a = h.signed({
        method: "POST",
        url: "/api/v1/order",
        body: { ...base, clientOrderId: "race-1" },
      });
      tick(h);
      const b = h.signed({
        method: "POST",
        url: "/api/v1/order",
        body: { ...base, clientOrderId: "race-1" },
      });
      const [ra, rb] = await Promise.all([a, b]);
      assert.equal(ra.statusCode, 202);
      assert.equal(rb.statusCode, 202);
      assert.equal(ra.json().orderId, rb.json().orderId);
      assert.equal(
        h.log.commands().filter((c) => c.op === Op.PLACE_ORDER && c.clientOrderId === "race-1").length,
        1,
      );
    } finally {
      h.log.delayMs = 0;
    }
  });

  test("log.append rejecting → 503 LOG_UNAVAILABLE, nothing logged, a retry later succeeds", async () => {
    h.log.failWith = new Error("disk full");
    const n = h.log.entries.length;
    try {
      const r = await post({ ...base, clientOrderId: "durable-1" });
      assert.equal(r.statusCode, 503);
      assert.equal(r.json().error, "LOG_UNAVAILABLE");
      assert.equal(r.json().code, 5002);
      const batch = await post({ orders: [base, base] }, "/api/v1/orders/batch");
      assert.equal(batch.statusCode, 503);
      tick(h);
      const cancel = await h.signed({ method: "DELETE", url: "/api/v1/orders?symbol=BTCUSDT" });
      assert.equal(cancel.statusCode, 503);
      assert.equal(h.log.entries.length, n);
    } finally {
      h.log.failWith = undefined;
    }
    const retry = await post({ ...base, clientOrderId: "durable-1" });
    assert.equal(retry.statusCode, 202);
    assert.equal(retry.json().duplicate, undefined);
  });
});

describe("?wait=true", () => {
  test("200 with the order as the engine left it", async () => {
    tick(h);
    const r = await h.signed({
      method: "POST",
      url: "/api/v1/order?wait=true",
      body: { ...base, clientOrderId: "w-1" },
    });
    assert.equal(r.statusCode, 200, r.body);
    const v = r.json();
    assert.equal(v.status, "NEW");
    assert.equal(v.price, "50000.0");
    assert.equal(v.origQty, "0.010");
    assert.equal(v.executedQty, "0.000");
    assert.equal(v.avgPrice, "0.00000000");
    assert.equal(v.cumQuote, "0.000000");
    assert.equal(v.timeInForce, "GTC");
  });

  test("504 {status: UNKNOWN} when the engine does not answer; reconcile by clientOrderId", async () => {
    h.engine.paused = true;
    try {
      tick(h);
      const r = await h.signed({
        method: "POST",
        url: "/api/v1/order?wait=true",
        body: { ...base, clientOrderId: "w-slow" },
      });
      assert.equal(r.statusCode, 504);
      assert.equal(r.json().status, "UNKNOWN");
      assert.equal(r.json().error, "TIMEOUT");
      assert.equal(r.json().clientOrderId, "w-slow");
    } finally {
      h.engine.resume();
    }
    tick(h);
    const g = await h.signed({ method: "GET", url: "/api/v1/order?symbol=BTCUSDT&clientOrderId=w-slow" });
    assert.equal(g.statusCode, 200);
    assert.equal(g.json().status, "NEW");
  });
});

describe("batch", () => {
  test("per-item results: accepted, errors, in-batch duplicate", async () => {
    const r = await post(
      {
        orders: [
          { ...base, clientOrderId: "b-1" },
          { ...base, price: "50000.05" },
          { ...base, bogus: 1 },
          { ...base, clientOrderId: "b-1" },
          { ...base, symbol: "NOPE" },
        ],
      },
      "/api/v1/orders/batch",
    );
    assert.equal(r.statusCode, 202, r.body);
    const items = r.json();
    assert.equal(items.length, 5);
    assert.equal(items[0].status, "ACCEPTED");
    assert.equal(items[1].error, "INVALID_TICK_SIZE");
    assert.equal(items[2].error, "INVALID_PARAMETER");
    assert.equal(items[3].orderId, items[0].orderId);
    assert.equal(items[3].duplicate, true);
    assert.equal(items[4].error, "UNKNOWN_SYMBOL");
  });

  test("more than 10 orders → TOO_MANY_ORDERS_IN_BATCH; wait=true answers order views", async () => {
    const r = await post({ orders: new Array(11).fill(base) }, "/api/v1/orders/batch");
    assert.equal(r.json().error, "TOO_MANY_ORDERS_IN_BATCH");
    tick(h);
    const w = await h.signed({
      method: "POST",
      url: "/api/v1/orders/batch?wait=true",
      body: { orders: [base, { ...base, side: "SELL", price: "50001.0" }] },
    });
    assert.equal(w.statusCode, 200);
    assert.deepEqual(
      w.json().map((o: { status: string }) => o.status),
      ["NEW", "NEW"],
    );
  });
});

describe("cancel, amend, queries", () => {
  test("cancel an open order: 202, then ?wait=true → CANCELED; a second cancel → 404 ORDER_NOT_FOUND", async () => {
    const placed = await post({ ...base, clientOrderId: "c-1" });
    tick(h);
    const r = await h.signed({
      method: "DELETE",
      url: "/api/v1/order?symbol=BTCUSDT&clientOrderId=c-1&wait=true",
    });
    assert.equal(r.statusCode, 200, r.body);
    assert.equal(r.json().status, "CANCELED");
    assert.equal(r.json().orderId, placed.json().orderId);
    tick(h);
    const again = await h.signed({
      method: "DELETE",
      url: `/api/v1/order?symbol=BTCUSDT&orderId=${placed.json().orderId}`,
    });
    assert.equal(again.statusCode, 404);
    assert.equal(again.json().error, "ORDER_NOT_FOUND");
  });

  test("cancel of an order the read model does not know goes to the engine (UNKNOWN_ORDER)", async () => {
    tick(h);
    const r = await h.signed({
      method: "DELETE",
      url: "/api/v1/order?symbol=BTCUSDT&orderId=12345&wait=true",
    });
    assert.equal(r.statusCode, 200);
    assert.equal(r.json().status, "REJECTED");
    assert.equal(r.json().rejectReason, "UNKNOWN_ORDER");
    tick(h);
    const coid = await h.signed({
      method: "DELETE",
      url: "/api/v1/order?symbol=BTCUSDT&clientOrderId=never-seen",
    });
    assert.equal(coid.statusCode, 404);
    tick(h);
    const none = await h.signed({ method: "DELETE", url: "/api/v1/order?symbol=BTCUSDT" });
    assert.equal(none.json().error, "INVALID_PARAMETER");
  });

  test("another user's order is not found", async () => {
    const placed = await post({ ...base, clientOrderId: "mine-1" });
    const other = await h.keys.create(2, false);
    tick(h);
    const r = await h.signed({
      method: "GET",
      url: `/api/v1/order?symbol=BTCUSDT&orderId=${placed.json().orderId}`,
      creds: { apiKey: other.apiKey, apiSecret: other.apiSecret, userId: 2 },
    });
    assert.equal(r.statusCode, 404);
  });

  test("amend keeps unchanged fields from the read model and applies the filters", async () => {
    const placed = await post({ ...base, clientOrderId: "am-1" });
    tick(h);
    const r = await h.signed({
      method: "PUT",
      url: "/api/v1/order",
      body: { symbol: "BTCUSDT", clientOrderId: "am-1", quantity: "0.020" },
    });
    assert.equal(r.statusCode, 202, r.body);
    const cmd = lastCmd();
    assert.equal(cmd?.op, Op.AMEND_ORDER);
    if (cmd?.op === Op.AMEND_ORDER) {
      assert.equal(cmd.orderId, Number(placed.json().orderId));
      assert.equal(cmd.price, 500_000);
      assert.equal(cmd.qty, 20);
    }
    tick(h);
    const badTick = await h.signed({
      method: "PUT",
      url: "/api/v1/order",
      body: { symbol: "BTCUSDT", clientOrderId: "am-1", price: "1.05" },
    });
    assert.equal(badTick.json().error, "INVALID_TICK_SIZE");
    tick(h);
    const nothing = await h.signed({
      method: "PUT",
      url: "/api/v1/order",
      body: { symbol: "BTCUSDT", clientOrderId: "am-1" },
    });
    assert.equal(nothing.json().error, "INVALID_PARAMETER");
  });

  test("open orders and history list the user's orders", async () => {
    await post({ ...base, symbol: "ETHUSDT", price: "3000.00", quantity: "0.100", clientOrderId: "eth-1" });
    tick(h);
    const open = await h.signed({ method: "GET", url: "/api/v1/orders/open?symbol=ETHUSDT" });
    assert.equal(open.statusCode, 200);
    const open1 = open.json() as { clientOrderId: string; symbol: string }[];
    assert.ok(open1.some((o) => o.clientOrderId === "eth-1"));
    assert.ok(open1.every((o) => o.symbol === "ETHUSDT"));
    tick(h);
    const hist = await h.signed({ method: "GET", url: "/api/v1/orders?symbol=BTCUSDT&limit=2" });
    assert.equal(hist.json().length, 2);
    tick(h);
    const bad = await h.signed({ method: "GET", url: "/api/v1/orders?limit=abc" });
    assert.equal(bad.json().error, "INVALID_PARAMETER");
  });

  test("leverage, margin type, countdown and cancel-all are commands", async () => {
    tick(h);
    const lev = await h.signed({
      method: "POST",
      url: "/api/v1/leverage?wait=true",
      body: { symbol: "BTCUSDT", leverage: 50 },
    });
    assert.equal(lev.statusCode, 200, lev.body);
    assert.equal(lev.json().status, "APPLIED");
    assert.equal(lev.json().leverage, 50);
    tick(h);
    const tooHigh = await h.signed({
      method: "POST",
      url: "/api/v1/leverage",
      body: { symbol: "BTCUSDT", leverage: 126 },
    });
    assert.equal(tooHigh.json().error, "INVALID_PARAMETER");
    tick(h);
    const mt = await h.signed({
      method: "POST",
      url: "/api/v1/margin-type",
      body: { symbol: "BTCUSDT", marginType: "ISOLATED" },
    });
    assert.equal(mt.statusCode, 202);
    tick(h);
    const cd = await h.signed({
      method: "POST",
      url: "/api/v1/countdown-cancel-all",
      body: { symbol: "BTCUSDT", countdownTime: 10_000 },
    });
    assert.equal(cd.statusCode, 202);
    const cmd = lastCmd();
    assert.ok(cmd?.op === Op.COUNTDOWN_CANCEL_ALL && cmd.deadline === h.time.now + 10_000);
    tick(h);
    const ca = await h.signed({ method: "DELETE", url: "/api/v1/orders?symbol=BTCUSDT" });
    assert.equal(ca.statusCode, 202);
    assert.equal(lastCmd()?.op, Op.CANCEL_ALL);
  });

  test("withdrawals and position margin parse money exactly", async () => {
    tick(h);
    const w = await h.signed({
      method: "POST",
      url: "/api/v1/withdrawals",
      body: { asset: "USDT", amount: "12.345678", withdrawId: "wd-1" },
    });
    assert.equal(w.statusCode, 202, w.body);
    const cmd = lastCmd();
    assert.ok(cmd?.op === Op.WITHDRAW && cmd.amount === 12_345_678 && cmd.withdrawId === "wd-1");
    tick(h);
    const fine = await h.signed({
      method: "POST",
      url: "/api/v1/withdrawals",
      body: { asset: "USDT", amount: "1.0000001" },
    });
    assert.equal(fine.json().error, "INVALID_PRECISION");
    tick(h);
    const pm = await h.signed({
      method: "POST",
      url: "/api/v1/position-margin",
      body: { symbol: "BTCUSDT", amount: 5, type: "REDUCE" },
    });
    assert.equal(pm.statusCode, 202);
    const c2 = lastCmd();
    assert.ok(c2?.op === Op.ADJUST_ISOLATED_MARGIN && c2.amount === -5_000_000);
  });
});

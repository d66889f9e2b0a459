// The projection against hand-built event sequences and hand-computed numbers (SPEC §2, §5, §7).
// BTCUSDT: price units 0.1, qty units 0.001, notional factor 100; ETHUSDT: 0.01, 0.001, factor 10.
import assert from "node:assert/strict";
import { describe, test } from "node:test";
import type { EngineEvent, OrderEvent } from "@perpx/shared/events";
import { Ev } from "@perpx/shared/events";
import { DEFAULT_INSTRUMENTS } from "@perpx/shared/instruments";
import { MemoryReadModel } from "./memory-read-model.js";

const T = Date.UTC(2025, 5, 1);
const USDT = 1_000_000;
let seq = 0;
/** An event without seq/ts (distributed over the union), stamped with the next seq. */
type EventInput = EngineEvent extends infer E
  ? E extends EngineEvent
    ? Omit<E, "seq" | "ts"> & { ts?: number }
    : never
  : never;
const at = (e: EventInput): EngineEvent => ({ ts: T, ...e, seq: ++seq }) as EngineEvent;

function order(o: Partial<OrderEvent> & Pick<OrderEvent, "orderId" | "userId" | "symbolId">): OrderEvent {
  return {
    ev: Ev.ORDER,
    seq: ++seq,
    ts: T,
    clientOrderId: `c${o.orderId}`,
    side: 0,
    type: 0,
    tif: 0,
    status: 0,
    price: 490_000,
    stopPrice: 0,
    origQty: 100,
    executedQty: 0,
    cumQuoteUnits: 0,
    reduceOnly: false,
    closePosition: false,
    workingType: 0,
    stp: 1,
    rejectReason: 0,
    createTime: T,
    ...o,
  };
}

function scenario(): MemoryReadModel {
  seq = 0;
  const rm = new MemoryReadModel({ instruments: DEFAULT_INSTRUMENTS });
  rm.apply([
    at({ ev: Ev.USER, userId: 10 }),
    at({ ev: Ev.USER, userId: 11 }),
    at({ ev: Ev.DEPOSIT, userId: 10, txId: "d10", amount: 10_000 * USDT, wallet: 10_000 * USDT }),
    at({ ev: Ev.DEPOSIT, userId: 11, txId: "d11", amount: 5_000 * USDT, wallet: 5_000 * USDT }),
    at({
      ev: Ev.MARK,
      symbolId: 1,
      markPrice: 500_000,
      indexPrice: 499_990,
      lastPrice: 0,
      fundingRate: 5_000,
      nextFundingTime: T + 8 * 3600_000,
    }),
    // user 10: BUY 0.100 @ 49000.0 rests: reserves 4900 / 20 = 245 USDT (no open loss below the mark)
    order({ orderId: 100, userId: 10, symbolId: 1 }),
    // 1.000 BTC @ 50000.0: user 10 buys (taker, fee 25), user 11 sells (maker, fee 10)
    at({
      ev: Ev.TRADE,
      tradeId: 1,
      symbolId: 1,
      type: 0,
      price: 500_000,
      qty: 1000,
      quote: 50_000 * USDT,
      buyOrderId: 101,
      sellOrderId: 102,
      buyUserId: 10,
      sellUserId: 11,
      makerSide: 1,
      buyFee: 25 * USDT,
      sellFee: 10 * USDT,
      buyRealizedPnl: 0,
      sellRealizedPnl: 0,
      ts: T + 1000,
    }),
    at({
      ev: Ev.POSITION,
      userId: 10,
      symbolId: 1,
      qty: 1000,
      entryValue: 500_000_000,
      marginType: 0,
      leverage: 20,
      isolatedWallet: 0,
      reason: 0,
    }),
    at({
      ev: Ev.POSITION,
      userId: 11,
      symbolId: 1,
      qty: -1000,
      entryValue: 500_000_000,
      marginType: 0,
      leverage: 20,
      isolatedWallet: 0,
      reason: 0,
    }),
    at({ ev: Ev.BALANCE, userId: 10, wallet: 9_975 * USDT, delta: -25 * USDT, reason: 0 }),
    at({ ev: Ev.BALANCE, userId: 11, wallet: 4_990 * USDT, delta: -10 * USDT, reason: 0 }),
    at({ ev: Ev.FEE_ACCOUNT, balance: 35 * USDT, delta: 35 * USDT, reason: "TRADING_FEE", symbolId: 1 }),
    at({
      ev: Ev.MARK,
      symbolId: 1,
      markPrice: 510_000,
      indexPrice: 509_950,
      lastPrice: 500_000,
      fundingRate: 7_500,
      nextFundingTime: T + 8 * 3600_000,
    }),
  ]);
  return rm;
}

describe("cross account and positions", () => {
  test("account of the long at mark 51000.0", () => {
    const a = scenario().account(10)?.assets[0];
    assert.deepEqual(a, {
      asset: "USDT",
      walletBalance: "9975.000000",
      crossWalletBalance: "9975.000000",
      unrealizedPnl: "1000.000000", // 1 BTC × (51000 − 50000)
      crossUnrealizedPnl: "1000.000000",
      marginBalance: "10975.000000",
      availableBalance: "8180.000000", // 9975 + 1000 − 2550 (IM 51000/20) − 245 (order)
      maintMargin: "205.000000", // bracket 2: 51000 × 0.5% − 50
      initialMargin: "2795.000000",
      positionInitialMargin: "2550.000000",
      openOrderInitialMargin: "245.000000",
    });
  });

  test("positions with liquidation prices rounded against the holder", () => {
    const rm = scenario();
    const [long] = rm.positions(10);
    assert.equal(long?.positionAmt, "1.000");
    assert.equal(long?.entryPrice, "50000.00000000");
    assert.equal(long?.markPrice, "51000.0");
    assert.equal(long?.notional, "51000.000000");
    // bracket 1: P = 1e8(5e10 − 9.975e9) / (100(1e11 − 4e8)) = 401857.43 → up → 40185.8
    assert.equal(long?.liquidationPrice, "40185.8");
    const [short] = rm.positions(11);
    assert.equal(short?.positionAmt, "-1.000");
    assert.equal(short?.unrealizedPnl, "-1000.000000");
    assert.equal(short?.notional, "-51000.000000");
    // bracket 1 gives 54770.9 (outside ≤ 50k); bracket 2: 1e8(5.504e10) / (100(1.005e11)) = 547661.69 → down
    assert.equal(short?.liquidationPrice, "54766.1");
    assert.equal(short?.maintMargin, "205.000000");
  });

  test("solvency holds to the micro-USDT", () => {
    assert.deepEqual(scenario().solvency(), {
      asset: "USDT",
      netDeposits: "15000.000000",
      walletBalances: "14965.000000",
      insuranceFund: "0.000000",
      feeAccount: "35.000000",
      unrealizedPnl: "0.000000",
      difference: "0.000000",
    });
  });

  test("a partial fill releases the reservation pro rata; views format the exact average", () => {
    const rm = scenario();
    rm.apply([
      order({
        orderId: 100,
        userId: 10,
        symbolId: 1,
        status: 1,
        executedQty: 40,
        cumQuoteUnits: 40 * 490_000,
      }),
    ]);
    const o = rm.orderById(10, 100);
    assert.equal(o?.status, "PARTIALLY_FILLED");
    assert.equal(o?.executedQty, "0.040");
    assert.equal(o?.avgPrice, "49000.00000000");
    assert.equal(o?.cumQuote, "1960.000000");
    assert.equal(rm.account(10)?.assets[0]?.openOrderInitialMargin, "147.000000"); // 245 × 60/100
    assert.equal(rm.orderByClientId(10, "c100")?.orderId, "100");
    assert.equal(rm.orderByClientId(11, "c100"), undefined);
    rm.apply([
      order({
        orderId: 100,
        userId: 10,
        symbolId: 1,
        status: 3,
        executedQty: 40,
        cumQuoteUnits: 40 * 490_000,
      }),
    ]);
    assert.equal(rm.isOpen(10, 100), false);
    assert.equal(rm.openOrders(10).length, 0);
    assert.equal(rm.account(10)?.assets[0]?.openOrderInitialMargin, "0.000000");
    assert.equal(rm.orderByClientId(10, "c100")?.status, "CANCELED"); // remembered for ever
  });

  test("an engine reject is an order with status REJECTED and a named reason", () => {
    const rm = scenario();
    rm.apply([order({ orderId: 300, userId: 11, symbolId: 1, status: 4, rejectReason: 1 })]);
    const o = rm.orderById(11, 300);
    assert.equal(o?.status, "REJECTED");
    assert.equal(o?.rejectReason, "MARGIN_INSUFFICIENT");
    assert.equal(rm.account(11)?.assets[0]?.openOrderInitialMargin, "0.000000");
  });

  test("a buy above the mark reserves its open loss", () => {
    const rm = scenario(); // mark 51000.0
    rm.apply([order({ orderId: 200, userId: 11, symbolId: 1, price: 520_000, origQty: 10 })]);
    // 0.010 × 52000 / 20 = 26 + open loss 0.010 × (52000 − 51000) = 10
    assert.equal(rm.account(11)?.assets[0]?.openOrderInitialMargin, "36.000000");
  });

  test("fills, transactions and market data", () => {
    const rm = scenario();
    const [fill] = rm.userTrades(10, { limit: 10 });
    assert.deepEqual(fill, {
      tradeId: 1,
      orderId: "101",
      symbol: "BTCUSDT",
      side: "BUY",
      price: "50000.0",
      qty: "1.000",
      quoteQty: "50000.000000",
      commission: "25.000000",
      commissionAsset: "USDT",
      realizedPnl: "0.000000",
      maker: false,
      type: "NORMAL",
      time: T + 1000,
    });
    assert.equal(rm.userTrades(11, { limit: 10 })[0]?.maker, true);
    assert.deepEqual(
      rm.transactions(10, { limit: 10 }).map((t) => [t.type, t.amount]),
      [
        ["DEPOSIT", "10000.000000"],
        ["COMMISSION", "-25.000000"],
      ],
    );
    assert.deepEqual(rm.recentTrades(1, 10), [
      {
        tradeId: 1,
        price: "50000.0",
        qty: "1.000",
        quoteQty: "50000.000000",
        isBuyerMaker: false,
        type: "NORMAL",
        time: T + 1000,
      },
    ]);
    const tk = rm.ticker24h(1, T + 60_000);
    assert.equal(tk.lastPrice, "50000.0");
    assert.equal(tk.volume, "1.000");
    assert.equal(tk.count, 1);
    assert.equal(rm.ticker24h(1, T + 2 * 86_400_000).count, 0);
    assert.deepEqual(rm.premiumIndex(1), {
      symbol: "BTCUSDT",
      markPrice: "51000.0",
      indexPrice: "50995.0",
      lastFundingRate: "0.00000000",
      predictedFundingRate: "0.00007500",
      interestRate: "0.00010000",
      nextFundingTime: T + 8 * 3600_000,
      time: T,
    });
    assert.equal(rm.deposit("d10")?.walletBalance, "10000.000000");
  });

  test("depth applies absolute levels, 0 deletes; lastUpdateId follows", () => {
    const rm = scenario();
    rm.apply([
      at({
        ev: Ev.BOOK,
        symbolId: 1,
        firstUpdateId: 1,
        lastUpdateId: 1,
        prevUpdateId: 0,
        bids: [
          [499_990, 5],
          [499_980, 7],
        ],
        asks: [[500_010, 3]],
      }),
      at({
        ev: Ev.BOOK,
        symbolId: 1,
        firstUpdateId: 2,
        lastUpdateId: 3,
        prevUpdateId: 1,
        bids: [
          [499_990, 0],
          [499_995, 1],
        ],
        asks: [],
      }),
    ]);
    assert.deepEqual(rm.depth(1, 5), {
      lastUpdateId: 3,
      bids: [
        ["49999.5", "0.001"],
        ["49998.0", "0.007"],
      ],
      asks: [["50001.0", "0.003"]],
    });
    assert.equal(rm.depth(1, 1).bids.length, 1);
  });

  test("funding rates and payments", () => {
    const rm = scenario();
    const ft = T + 8 * 3600_000;
    rm.apply([
      at({ ev: Ev.FUNDING_RATE, symbolId: 1, fundingTime: ft, fundingRate: 10_000, markPrice: 510_000 }),
      // 1 BTC × 51000 × 0.01% = 5.1 USDT: the long pays, the short receives
      at({
        ev: Ev.FUNDING_PAYMENT,
        userId: 10,
        symbolId: 1,
        fundingTime: ft,
        fundingRate: 10_000,
        positionQty: 1000,
        markPrice: 510_000,
        amount: -5_100_000,
      }),
      at({
        ev: Ev.FUNDING_PAYMENT,
        userId: 11,
        symbolId: 1,
        fundingTime: ft,
        fundingRate: 10_000,
        positionQty: -1000,
        markPrice: 510_000,
        amount: 5_100_000,
      }),
    ]);
    assert.deepEqual(rm.fundingRates(1, { limit: 10 }), [
      { symbol: "BTCUSDT", fundingTime: ft, fundingRate: "0.00010000", markPrice: "51000.0" },
    ]);
    assert.deepEqual(rm.userFunding(10, { limit: 10 }), [
      {
        symbol: "BTCUSDT",
        fundingTime: ft,
        fundingRate: "0.00010000",
        positionAmt: "1.000",
        markPrice: "51000.0",
        amount: "-5.100000",
      },
    ]);
    assert.equal(rm.premiumIndex(1).lastFundingRate, "0.00010000");
    assert.equal(rm.fundingRates(1, { startTime: ft + 1, limit: 10 }).length, 0);
  });
});

describe("isolated positions", () => {
  function isolated(): MemoryReadModel {
    const rm = scenario();
    rm.apply([
      at({ ev: Ev.USER, userId: 12 }),
      at({ ev: Ev.USER, userId: 13 }),
      at({ ev: Ev.DEPOSIT, userId: 12, txId: "d12", amount: 1_000 * USDT, wallet: 1_000 * USDT }),
      at({ ev: Ev.DEPOSIT, userId: 13, txId: "d13", amount: 2_000 * USDT, wallet: 2_000 * USDT }),
      at({ ev: Ev.LEVERAGE, userId: 12, symbolId: 2, leverage: 10, marginType: 1 }),
      // 2.000 ETH @ 3000.00: user 12 isolated long 10x (wallet 600 − fee 3), user 13 cross short (fee 1.2)
      at({
        ev: Ev.POSITION,
        userId: 12,
        symbolId: 2,
        qty: 2000,
        entryValue: 600_000_000,
        marginType: 1,
        leverage: 10,
        isolatedWallet: 597 * USDT,
        reason: 0,
      }),
      at({ ev: Ev.BALANCE, userId: 12, wallet: 400 * USDT, delta: -600 * USDT, reason: 0 }),
      at({
        ev: Ev.POSITION,
        userId: 13,
        symbolId: 2,
        qty: -2000,
        entryValue: 600_000_000,
        marginType: 0,
        leverage: 20,
        isolatedWallet: 0,
        reason: 0,
      }),
      at({ ev: Ev.BALANCE, userId: 13, wallet: 1_998_800_000, delta: -1_200_000, reason: 0 }),
      at({ ev: Ev.FEE_ACCOUNT, balance: 39_200_000, delta: 4_200_000, reason: "TRADING_FEE", symbolId: 2 }),
      at({
        ev: Ev.MARK,
        symbolId: 2,
        markPrice: 290_000,
        indexPrice: 290_000,
        lastPrice: 300_000,
        fundingRate: 0,
        nextFundingTime: 0,
      }),
    ]);
    return rm;
  }

  test("account and position of an isolated long at mark 2900.00", () => {
    const rm = isolated();
    assert.deepEqual(rm.account(12)?.assets[0], {
      asset: "USDT",
      walletBalance: "997.000000",
      crossWalletBalance: "400.000000",
      unrealizedPnl: "-200.000000",
      crossUnrealizedPnl: "0.000000",
      marginBalance: "797.000000",
      availableBalance: "400.000000",
      maintMargin: "23.200000", // 5800 × 0.4%
      initialMargin: "580.000000",
      positionInitialMargin: "580.000000",
      openOrderInitialMargin: "0.000000",
    });
    const [p] = rm.positions(12);
    assert.equal(p?.marginType, "ISOLATED");
    assert.equal(p?.isolatedWallet, "597.000000");
    assert.equal(p?.leverage, 10);
    // P = 1e8(6e9 − 5.97e8) / (10(2e11 − 8e8)) = 271234.94 → up → 2712.35
    assert.equal(p?.liquidationPrice, "2712.35");
    assert.deepEqual(rm.settings(12, 2), { leverage: 10, marginType: "ISOLATED" });
    assert.deepEqual(rm.settings(12, 1), { leverage: 20, marginType: "CROSSED" });
  });

  test("solvency counts isolated wallets and stays exact", () => {
    const s = isolated().solvency();
    assert.equal(s.netDeposits, "18000.000000");
    assert.equal(s.walletBalances, "17960.800000");
    assert.equal(s.feeAccount, "39.200000");
    assert.equal(s.unrealizedPnl, "0.000000");
    assert.equal(s.difference, "0.000000");
  });

  test("positions nearest liquidation: margin ratio of what backs each position, highest first", () => {
    const risk = isolated().positionsAtRisk(10);
    // 12 isolated: 23.2 / (597 − 200) = 0.058438287… ↑; 11 cross: 205 / (4990 − 1000) = 0.051378446… ↑;
    // 10 cross: 205 / (9975 + 1000) = 0.018678815… ↑; 13 cross: 23.2 / (1998.8 + 200) = 0.010551209… ↑
    assert.deepEqual(
      risk.map((r) => [r.userId, r.symbol, r.marginRatio]),
      [
        [12, "ETHUSDT", "0.05843829"],
        [11, "BTCUSDT", "0.05137845"],
        [10, "BTCUSDT", "0.01867882"],
        [13, "ETHUSDT", "0.01055121"],
      ],
    );
    const [first] = risk;
    assert.equal(first?.liquidationPrice, "2712.35");
    assert.equal(first?.marginBalance, "397.000000");
    assert.equal(first?.maintMargin, "23.200000");
    // |2900.00 − 2712.35| / 2900.00 = 0.064706896… ↓
    assert.equal(first?.liquidationDistance, "0.06470689");
    assert.equal(first?.liquidatable, false);
    assert.equal(isolated().positionsAtRisk(1).length, 1);
  });

  test("a closed position disappears; ADL quantiles rank same-side holders", () => {
    const rm = isolated();
    assert.deepEqual(rm.adlQuantile(12), [{ symbol: "ETHUSDT", adlQuantile: 1 }]);
    rm.apply([
      at({
        ev: Ev.POSITION,
        userId: 12,
        symbolId: 2,
        qty: 0,
        entryValue: 0,
        marginType: 1,
        leverage: 10,
        isolatedWallet: 0,
        reason: 0,
      }),
    ]);
    assert.deepEqual(rm.positions(12), []);
  });
});

describe("events", () => {
  test("insurance fund, rejects, instruments and idempotent redelivery", () => {
    const rm = scenario();
    const s = seq;
    rm.apply([
      at({
        ev: Ev.INSURANCE,
        balance: 12 * USDT,
        delta: 12 * USDT,
        reason: "LIQUIDATION_FEE",
        symbolId: 1,
        ts: T + 5,
      }),
      at({ ev: Ev.REJECT, userId: 10, op: 3, reason: 11, ref: "w1" }),
    ]);
    assert.deepEqual(rm.insuranceFund(), { asset: "USDT", balance: "12.000000", updateTime: T + 5 });
    assert.equal(rm.insuranceHistory(10)[0]?.reason, "LIQUIDATION_FEE");
    assert.deepEqual(rm.rejectsAt(s + 2), [
      { seq: s + 2, userId: 10, op: 3, reason: "BALANCE_INSUFFICIENT", ref: "w1" },
    ]);
    // an old batch delivered again changes nothing
    const before = rm.transactions(10, { limit: 100 }).length;
    rm.apply([
      {
        ev: Ev.DEPOSIT,
        seq: 3,
        ts: T,
        userId: 10,
        txId: "d10",
        amount: 10_000 * USDT,
        wallet: 10_000 * USDT,
      },
    ]);
    assert.equal(rm.transactions(10, { limit: 100 }).length, before);
    assert.equal(rm.account(10)?.assets[0]?.crossWalletBalance, "9975.000000");
    assert.equal(rm.lastSeq(), s + 2);
    assert.equal(rm.instrumentViews().length, 2);
    assert.equal(rm.leverageBrackets(1)[0]?.brackets[1]?.cum, "50.000000");
    assert.equal(rm.maxOrderId(), 100);
  });
});

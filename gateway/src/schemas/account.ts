// Account, position and user-history schemas (SPEC §8.2 response shapes).
import { commandAck, decimal, decimalOut, rangeQuery, symbol, waitQuery } from "./common.js";

const str = { type: "string" } as const;
const int = { type: "integer" } as const;

export const accountView = {
  type: "object",
  properties: {
    userId: int,
    updateTime: int,
    assets: {
      type: "array",
      items: {
        type: "object",
        properties: {
          asset: str,
          walletBalance: decimalOut,
          crossWalletBalance: decimalOut,
          unrealizedPnl: decimalOut,
          crossUnrealizedPnl: decimalOut,
          marginBalance: decimalOut,
          availableBalance: decimalOut,
          maintMargin: decimalOut,
          initialMargin: decimalOut,
          positionInitialMargin: decimalOut,
          openOrderInitialMargin: decimalOut,
        },
      },
    },
  },
} as const;

export const positionView = {
  type: "object",
  properties: {
    symbol: str,
    positionSide: str,
    positionAmt: decimalOut,
    entryPrice: decimalOut,
    markPrice: decimalOut,
    unrealizedPnl: decimalOut,
    liquidationPrice: decimalOut,
    leverage: int,
    marginType: str,
    isolatedWallet: decimalOut,
    maintMargin: decimalOut,
    initialMargin: decimalOut,
    notional: decimalOut,
    updateTime: int,
  },
} as const;

const userTrade = {
  type: "object",
  properties: {
    tradeId: int,
    orderId: str,
    symbol: str,
    side: str,
    price: decimalOut,
    qty: decimalOut,
    quoteQty: decimalOut,
    commission: decimalOut,
    commissionAsset: str,
    realizedPnl: decimalOut,
    maker: { type: "boolean" },
    type: str,
    time: int,
  },
} as const;

const fundingPayment = {
  type: "object",
  properties: {
    symbol: str,
    fundingTime: int,
    fundingRate: decimalOut,
    positionAmt: decimalOut,
    markPrice: decimalOut,
    amount: decimalOut,
  },
} as const;

const transaction = {
  type: "object",
  properties: { tranId: str, type: str, symbol: str, asset: str, amount: decimalOut, info: str, time: int },
} as const;

const tags = ["account"];
const list = (items: object) => ({ 200: { type: "array", items } });

export const getAccount = {
  summary: "Balances and margin (USDT)",
  tags,
  response: { 200: accountView },
} as const;
export const getPositions = { summary: "Open positions", tags, response: list(positionView) } as const;
export const getTrades = {
  summary: "Your fills",
  tags,
  querystring: rangeQuery,
  response: list(userTrade),
} as const;
export const getFunding = {
  summary: "Your funding payments",
  tags,
  querystring: rangeQuery,
  response: list(fundingPayment),
} as const;
export const getTransactions = {
  summary: "Deposits, withdrawals, commissions, realized PnL and funding",
  tags,
  querystring: rangeQuery,
  response: list(transaction),
} as const;
export const getAdlQuantile = {
  summary: "ADL quintile (1-5) of each open position",
  tags,
  response: list({ type: "object", properties: { symbol: str, adlQuantile: int } }),
} as const;

export const setLeverage = {
  summary: "Set leverage for a symbol",
  tags,
  querystring: waitQuery,
  body: {
    type: "object",
    additionalProperties: false,
    required: ["symbol", "leverage"],
    properties: { symbol, leverage: { type: "integer", minimum: 1, maximum: 1000 } },
  },
  response: { 202: commandAck, 200: commandAck },
} as const;

export const setMarginType = {
  summary: "Set margin type (refused by the engine with open orders or a position)",
  tags,
  querystring: waitQuery,
  body: {
    type: "object",
    additionalProperties: false,
    required: ["symbol", "marginType"],
    properties: { symbol, marginType: { type: "string", enum: ["CROSSED", "ISOLATED"] } },
  },
  response: { 202: commandAck, 200: commandAck },
} as const;

export const positionMargin = {
  summary: "Add or remove margin of an isolated position",
  tags,
  querystring: waitQuery,
  body: {
    type: "object",
    additionalProperties: false,
    required: ["symbol", "amount", "type"],
    properties: { symbol, amount: decimal, type: { type: "string", enum: ["ADD", "REDUCE"] } },
  },
  response: { 202: commandAck, 200: commandAck },
} as const;

export const withdraw = {
  summary: "Withdraw from the available balance (idempotent by withdrawId)",
  tags,
  querystring: waitQuery,
  body: {
    type: "object",
    additionalProperties: false,
    required: ["asset", "amount"],
    properties: {
      asset: { type: "string", enum: ["USDT"] },
      amount: decimal,
      withdrawId: { type: "string", pattern: "^[A-Za-z0-9._:/-]{1,36}$" },
    },
  },
  response: { 202: commandAck, 200: commandAck },
} as const;

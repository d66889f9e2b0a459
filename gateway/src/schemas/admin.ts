// Admin schemas (SPEC §8.2 admin endpoints).
import { commandAck, decimal, decimalOut, symbol, userId } from "./common.js";

const str = { type: "string" } as const;
const int = { type: "integer" } as const;
const tags = ["admin"];
const waitDefaultTrue = {
  type: "object",
  additionalProperties: false,
  properties: { wait: { type: "boolean", default: true } },
} as const;
const waitDefaultFalse = {
  type: "object",
  additionalProperties: false,
  properties: { wait: { type: "boolean", default: false } },
} as const;

export const createUser = {
  summary: "Create a user (the name is informational and not stored by the engine)",
  tags,
  querystring: waitDefaultFalse,
  body: {
    type: "object",
    additionalProperties: false,
    properties: { name: { type: "string", maxLength: 64 } },
  },
  response: { 200: { type: "object", properties: { userId: int, status: str, rejectReason: str } } },
} as const;

export const createApiKey = {
  summary: "Create an API key; the secret is shown once",
  tags,
  body: {
    type: "object",
    additionalProperties: false,
    required: ["userId"],
    properties: { userId: { ...userId, minimum: 0 }, admin: { type: "boolean" } },
  },
  response: {
    200: {
      type: "object",
      properties: { apiKey: str, apiSecret: str, userId: int, admin: { type: "boolean" } },
    },
  },
} as const;

export const revokeApiKey = {
  summary: "Revoke an API key",
  tags,
  querystring: {
    type: "object",
    additionalProperties: false,
    required: ["apiKey"],
    properties: { apiKey: { type: "string", pattern: "^[A-Za-z0-9_-]{16,64}$" } },
  },
  response: { 200: { type: "object", properties: { apiKey: str, revoked: { type: "boolean" } } } },
} as const;

const depositView = {
  type: "object",
  properties: {
    txId: str,
    userId: int,
    asset: str,
    amount: decimalOut,
    walletBalance: decimalOut,
    time: int,
    status: str,
    rejectReason: str,
    duplicate: { type: "boolean" },
  },
} as const;

export const deposit = {
  summary: "Credit a deposit (idempotent by txId); waits for the engine unless wait=false",
  tags,
  querystring: waitDefaultTrue,
  body: {
    type: "object",
    additionalProperties: false,
    required: ["userId", "asset", "amount", "txId"],
    properties: {
      userId,
      asset: { type: "string", enum: ["USDT"] },
      amount: decimal,
      txId: { type: "string", pattern: "^[A-Za-z0-9._:/-]{1,64}$" },
    },
  },
  response: { 200: depositView, 202: depositView },
} as const;

const rate = { ...decimal, description: "fraction with up to 8 decimals (0.0005 = 0.05%)" } as const;

export const upsertInstrument = {
  summary: "List or update an instrument (defaults of SPEC §3 for what is not given)",
  tags,
  querystring: waitDefaultTrue,
  body: {
    type: "object",
    additionalProperties: false,
    required: [
      "symbol",
      "baseAsset",
      "tickSize",
      "stepSize",
      "minQty",
      "maxQty",
      "maxMarketQty",
      "minNotional",
    ],
    properties: {
      symbol,
      baseAsset: { type: "string", pattern: "^[A-Z0-9]{1,12}$" },
      tickSize: { type: "string", maxLength: 20 },
      stepSize: { type: "string", maxLength: 20 },
      minQty: decimal,
      maxQty: decimal,
      maxMarketQty: decimal,
      minNotional: decimal,
      pricePercentBand: rate,
      marketTakeBound: rate,
      maxOpenOrders: { type: "integer", minimum: 1, maximum: 10_000 },
      makerFeeRate: rate,
      takerFeeRate: rate,
      liquidationFeeRate: rate,
      fundingIntervalHours: { type: "integer", minimum: 1, maximum: 24 },
      interestRate: rate,
      defaultLeverage: { type: "integer", minimum: 1, maximum: 1000 },
      brackets: {
        type: "array",
        minItems: 1,
        maxItems: 20,
        items: {
          type: "object",
          additionalProperties: false,
          required: ["notionalCap", "maxLeverage", "maintMarginRate"],
          properties: {
            notionalCap: decimal,
            maxLeverage: { type: "integer", minimum: 1, maximum: 1000 },
            maintMarginRate: rate,
          },
        },
      },
    },
  },
  response: { 200: commandAck, 202: commandAck },
} as const;

export const indexPrice = {
  summary: "Publish an index price (ORACLE_PRICE command)",
  tags,
  body: {
    type: "object",
    additionalProperties: false,
    required: ["symbol", "price"],
    properties: { symbol, price: decimal },
  },
  response: { 200: { type: "object", properties: { symbol: str, price: str } } },
} as const;

export const snapshot = {
  summary: "Snapshot the engine now: logs a SNAPSHOT command; the engine writes the snapshot at that seq",
  tags,
  querystring: waitDefaultTrue,
  body: { type: "object", additionalProperties: false, properties: {} },
  response: {
    200: { type: "object", properties: { seq: { type: "integer" }, status: str } },
    202: { type: "object", properties: { seq: { type: "integer" }, status: str } },
  },
} as const;

export const payFunding = {
  summary: "Pay funding for a symbol (or all) at fundingTime (default now)",
  tags,
  querystring: waitDefaultTrue,
  body: {
    type: "object",
    additionalProperties: false,
    properties: { symbol, fundingTime: { type: "integer", minimum: 0 } },
  },
} as const;

export const insuranceFund = {
  summary: "Insurance fund balance and history",
  tags,
  querystring: {
    type: "object",
    additionalProperties: false,
    properties: { limit: { type: "integer", minimum: 1, maximum: 1000, default: 100 } },
  },
  response: {
    200: {
      type: "object",
      properties: {
        asset: str,
        balance: str,
        updateTime: int,
        history: {
          type: "array",
          items: {
            type: "object",
            properties: { symbol: str, delta: str, balance: str, reason: str, time: int },
          },
        },
      },
    },
  },
} as const;

export const solvency = {
  summary: "Conservation invariant: difference must be 0.000000",
  tags,
  response: {
    200: {
      type: "object",
      properties: {
        asset: str,
        netDeposits: str,
        walletBalances: str,
        insuranceFund: str,
        feeAccount: str,
        unrealizedPnl: str,
        difference: str,
      },
    },
  },
} as const;

export const positionsAtRisk = {
  summary: "Open positions nearest liquidation (highest margin ratio first)",
  description:
    "marginRatio = maintMargin / marginBalance of what backs the position (the cross account, or the isolated position); the engine liquidates at 1. Additive admin endpoint for the web UI.",
  tags,
  querystring: {
    type: "object",
    additionalProperties: false,
    properties: { limit: { type: "integer", minimum: 1, maximum: 500, default: 50 } },
  },
  response: {
    200: {
      type: "array",
      items: {
        type: "object",
        properties: {
          userId: int,
          symbol: str,
          positionAmt: str,
          markPrice: str,
          liquidationPrice: str,
          marginType: str,
          leverage: int,
          notional: str,
          unrealizedPnl: str,
          maintMargin: str,
          marginBalance: str,
          marginRatio: { type: ["string", "null"] },
          liquidationDistance: { type: ["string", "null"] },
          liquidatable: { type: "boolean" },
        },
      },
    },
  },
} as const;

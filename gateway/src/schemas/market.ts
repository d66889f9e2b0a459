// Public market-data schemas (SPEC §8.2).
import { decimalOut, rangeQuery, symbol, symbolQuery } from "./common.js";

const str = { type: "string" } as const;
const int = { type: "integer" } as const;
const tags = ["market"];
const level = { type: "array", items: decimalOut, minItems: 2, maxItems: 2 } as const;

export const getTime = {
  summary: "Server time",
  tags,
  response: { 200: { type: "object", properties: { serverTime: int } } },
} as const;

export const getInstruments = {
  summary: "Listed instruments with their filters, fees and funding parameters",
  tags,
  response: {
    200: {
      type: "array",
      items: {
        type: "object",
        properties: {
          symbol: str,
          symbolId: int,
          baseAsset: str,
          quoteAsset: str,
          tickSize: str,
          stepSize: str,
          pricePrecision: int,
          quantityPrecision: int,
          minQty: str,
          maxQty: str,
          maxMarketQty: str,
          minNotional: str,
          pricePercentBand: str,
          marketTakeBound: str,
          maxOpenOrders: int,
          makerFeeRate: str,
          takerFeeRate: str,
          liquidationFeeRate: str,
          fundingIntervalHours: int,
          interestRate: str,
          fundingCap: str,
          impactMarginNotional: str,
          defaultLeverage: int,
          maxLeverage: int,
        },
      },
    },
  },
} as const;

export const getDepth = {
  summary: "Order book snapshot; lastUpdateId is the u of the last diff it reflects",
  tags,
  querystring: {
    type: "object",
    additionalProperties: false,
    required: ["symbol"],
    properties: { symbol, limit: { type: "integer", minimum: 1, maximum: 1000, default: 100 } },
  },
  response: {
    200: {
      type: "object",
      properties: {
        lastUpdateId: int,
        bids: { type: "array", items: level },
        asks: { type: "array", items: level },
      },
    },
  },
} as const;

export const getRecentTrades = {
  summary: "Recent public trades",
  tags,
  querystring: {
    type: "object",
    additionalProperties: false,
    required: ["symbol"],
    properties: { symbol, limit: { type: "integer", minimum: 1, maximum: 500, default: 100 } },
  },
  response: {
    200: {
      type: "array",
      items: {
        type: "object",
        properties: {
          tradeId: int,
          price: str,
          qty: str,
          quoteQty: str,
          isBuyerMaker: { type: "boolean" },
          type: str,
          time: int,
        },
      },
    },
  },
} as const;

export const getTicker = {
  summary: "24 h statistics (rolling, minute granularity)",
  tags,
  querystring: symbolQuery,
  response: {
    200: {
      type: "object",
      properties: {
        symbol: str,
        priceChange: str,
        priceChangePercent: str,
        lastPrice: str,
        openPrice: str,
        highPrice: str,
        lowPrice: str,
        volume: str,
        quoteVolume: str,
        openTime: int,
        closeTime: int,
        count: int,
      },
    },
  },
} as const;

export const getPremiumIndex = {
  summary: "Mark and index price, funding rates and next funding time",
  tags,
  querystring: symbolQuery,
  response: {
    200: {
      type: "object",
      properties: {
        symbol: str,
        markPrice: str,
        indexPrice: str,
        lastFundingRate: str,
        predictedFundingRate: str,
        interestRate: str,
        nextFundingTime: int,
        time: int,
      },
    },
  },
} as const;

export const getFundingRate = {
  summary: "Funding rate history",
  tags,
  querystring: { ...rangeQuery, required: ["symbol"] },
  response: {
    200: {
      type: "array",
      items: {
        type: "object",
        properties: { symbol: str, fundingTime: int, fundingRate: str, markPrice: str },
      },
    },
  },
} as const;

export const insuranceFundView = {
  type: "object",
  properties: { asset: str, balance: str, updateTime: int },
} as const;

export const getInsuranceFund = {
  summary: "Insurance fund balance (USDT)",
  tags,
  response: { 200: insuranceFundView },
} as const;

export const getLeverageBrackets = {
  summary: "Leverage and maintenance-margin brackets",
  tags,
  querystring: { type: "object", additionalProperties: false, properties: { symbol } },
  response: {
    200: {
      type: "array",
      items: {
        type: "object",
        properties: {
          symbol: str,
          brackets: {
            type: "array",
            items: {
              type: "object",
              properties: {
                bracket: int,
                initialLeverage: int,
                notionalCap: str,
                notionalFloor: str,
                maintMarginRatio: str,
                cum: str,
              },
            },
          },
        },
      },
    },
  },
} as const;

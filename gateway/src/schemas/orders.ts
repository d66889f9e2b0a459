// Order entry schemas (SPEC §4, §8.2). Enum values upper case; unknown fields are INVALID_PARAMETER.
import {
  clientOrderId,
  commandAck,
  decimal,
  orderIdIn,
  orderView,
  rangeQuery,
  symbol,
  waitQuery,
} from "./common.js";

export const orderBody = {
  type: "object",
  additionalProperties: false,
  required: ["symbol", "side", "type"],
  properties: {
    symbol,
    side: { type: "string", enum: ["BUY", "SELL"] },
    type: {
      type: "string",
      enum: [
        "LIMIT",
        "MARKET",
        "STOP",
        "STOP_MARKET",
        "TAKE_PROFIT",
        "TAKE_PROFIT_MARKET",
        "TRAILING_STOP_MARKET",
      ],
    },
    quantity: decimal,
    price: decimal,
    stopPrice: decimal,
    timeInForce: { type: "string", enum: ["GTC", "IOC", "FOK", "GTX"] },
    reduceOnly: { type: "boolean" },
    closePosition: { type: "boolean" },
    workingType: { type: "string", enum: ["MARK_PRICE", "CONTRACT_PRICE"] },
    callbackRate: { ...decimal, description: "percent: 1 = 1%, 0.1 to 10" },
    activationPrice: decimal,
    clientOrderId,
    selfTradePreventionMode: {
      type: "string",
      enum: ["NONE", "EXPIRE_TAKER", "EXPIRE_MAKER", "EXPIRE_BOTH"],
    },
    positionSide: { type: "string", enum: ["BOTH"] },
  },
} as const;

export const orderAck = {
  type: "object",
  required: ["orderId", "clientOrderId", "symbol", "status"],
  properties: {
    orderId: { type: "string" },
    clientOrderId: { type: "string" },
    symbol: { type: "string" },
    status: { type: "string", enum: ["ACCEPTED"] },
    duplicate: { type: "boolean" },
  },
} as const;

export const placeOrder = {
  summary: "Place an order",
  tags: ["orders"],
  querystring: waitQuery,
  body: orderBody,
  response: { 202: orderAck, 200: orderView },
} as const;

export const batchOrders = {
  summary: "Place up to 10 orders; one result per item (an ack, an order, or an error)",
  tags: ["orders"],
  querystring: waitQuery,
  body: {
    type: "object",
    additionalProperties: false,
    required: ["orders"],
    properties: { orders: { type: "array", minItems: 1, items: { type: "object" } } },
  },
} as const;

export const amendOrder = {
  summary: "Amend price and/or quantity of a resting LIMIT order",
  tags: ["orders"],
  querystring: waitQuery,
  body: {
    type: "object",
    additionalProperties: false,
    required: ["symbol"],
    properties: { symbol, orderId: orderIdIn, clientOrderId, price: decimal, quantity: decimal },
  },
  response: { 202: commandAck, 200: orderView },
} as const;

export const orderRef = {
  type: "object",
  additionalProperties: false,
  required: ["symbol"],
  properties: { symbol, orderId: orderIdIn, clientOrderId, wait: { type: "boolean" } },
} as const;

export const cancelOrder = {
  summary: "Cancel an order",
  tags: ["orders"],
  querystring: orderRef,
  response: { 202: commandAck, 200: orderView },
} as const;

export const getOrder = {
  summary: "One of your orders, by orderId or clientOrderId",
  tags: ["orders"],
  querystring: orderRef,
  response: { 200: orderView },
} as const;

export const cancelAll = {
  summary: "Cancel all your open orders on a symbol",
  tags: ["orders"],
  querystring: {
    type: "object",
    additionalProperties: false,
    required: ["symbol"],
    properties: { symbol, wait: { type: "boolean" } },
  },
  response: { 202: commandAck, 200: commandAck },
} as const;

export const openOrders = {
  summary: "Your open orders",
  tags: ["orders"],
  querystring: { type: "object", additionalProperties: false, properties: { symbol } },
  response: { 200: { type: "array", items: orderView } },
} as const;

export const orderHistory = {
  summary: "Your orders (any status) created in a time range",
  tags: ["orders"],
  querystring: rangeQuery,
  response: { 200: { type: "array", items: orderView } },
} as const;

export const countdown = {
  summary:
    "Dead-man switch: cancel all orders on the symbol after countdownTime ms unless re-armed (0 disarms)",
  tags: ["orders"],
  querystring: waitQuery,
  body: {
    type: "object",
    additionalProperties: false,
    required: ["symbol", "countdownTime"],
    properties: { symbol, countdownTime: { type: "integer", minimum: 0, maximum: 86_400_000 } },
  },
  response: { 202: commandAck, 200: commandAck },
} as const;

// Shared set-up of the Kafka integration tests: a random topic prefix per test file (so parallel runs
// and other engineers never collide), the topics created for it, and their deletion afterwards.
import { type Command, Op } from "@perpx/shared/commands";
import { OrderType, Side, StpMode, TimeInForce, WorkingType } from "@perpx/shared/domain";
import { openScratchTopics, type ScratchTopics } from "../../src/log/kafka/scratch-topics.js";

/** the topics of one test file under a random prefix (engine/src/log/kafka/scratch-topics.ts) */
export type KafkaEnv = ScratchTopics;
export const kafkaEnv = openScratchTopics;

export function deposit(userId: number, txId: string, amount = 1_000_000): Command {
  return { op: Op.DEPOSIT, ts: 1_700_000_000_000, userId, amount, txId };
}

export function placeOrder(orderId: number, userId = 1): Command {
  return {
    op: Op.PLACE_ORDER,
    ts: 1_700_000_000_000 + orderId,
    orderId,
    userId,
    symbolId: 1,
    clientOrderId: `c-${orderId}`,
    side: Side.BUY,
    type: OrderType.LIMIT,
    tif: TimeInForce.GTC,
    price: 500_000,
    qty: 100,
    stopPrice: 0,
    reduceOnly: false,
    closePosition: false,
    workingType: WorkingType.CONTRACT_PRICE,
    callbackRate: 0,
    activationPrice: 0,
    stp: StpMode.EXPIRE_TAKER,
  };
}

export function cancelOrder(orderId: number, userId = 1): Command {
  return { op: Op.CANCEL_ORDER, ts: 1_700_000_000_000 + orderId, userId, symbolId: 1, orderId };
}

/** A short text naming the command, to compare orders. */
export function idOf(c: Command): string {
  switch (c.op) {
    case Op.DEPOSIT:
      return `dep:${c.txId}`;
    case Op.PLACE_ORDER:
      return `place:${c.orderId}`;
    case Op.CANCEL_ORDER:
      return `cancel:${c.orderId}`;
    default:
      return `op:${c.op}`;
  }
}

// Shared set-up of the Kafka integration tests: a random topic prefix per test file (so parallel runs
// and other engineers never collide), the topics created for it, and their deletion afterwards.
import { randomBytes } from "node:crypto";
import { type Command, Op } from "@perpx/shared/commands";
import { OrderType, Side, StpMode, TimeInForce, WorkingType } from "@perpx/shared/domain";
import type { Admin, Kafka } from "kafkajs";
import { brokersFromEnv, makeKafka } from "../../src/log/kafka/client.js";
import { deleteTopics, ensureTopics, KafkaNames } from "../../src/log/kafka/topics.js";

export interface KafkaEnv {
  kafka: Kafka;
  admin: Admin;
  names: KafkaNames;
  cleanup(): Promise<void>;
}

export async function kafkaEnv(tag: string): Promise<KafkaEnv> {
  const brokers = brokersFromEnv();
  const kafka = makeKafka({ brokers, clientId: `perpx-it-${tag}` });
  const admin = kafka.admin();
  try {
    await admin.connect();
  } catch (e) {
    throw new Error(`Kafka not reachable at ${brokers.join(",")} (${(e as Error).message}); run \`make up\``);
  }
  const names = new KafkaNames(`it-${tag}-${randomBytes(4).toString("hex")}.`);
  await ensureTopics(admin, names, 1);
  return {
    kafka,
    admin,
    names,
    async cleanup() {
      await deleteTopics(admin, names).catch(() => undefined);
      await admin.disconnect();
    },
  };
}

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

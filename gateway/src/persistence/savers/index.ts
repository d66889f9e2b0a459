// The four savers of SPEC §10/§11, one consumer group each on matching_engine_output, each owning its
// tables (one writer per table):
//   matching_engine_saver_accounts   users, accounts, transactions, funding_histories, funding_rates,
//                                    insurance_fund_histories
//   matching_engine_saver_positions  positions
//   matching_engine_saver_orders     orders, instruments
//   matching_engine_saver_trades     trades
import type { ConsumerGroup, KafkaNames } from "@perpx/engine/log/kafka/topics";
import type { Kafka } from "kafkajs";
import type { Pool } from "../db.js";
import { OutputConsumer, type OutputConsumerOptions } from "../output-consumer.js";
import { accountsWriter } from "./accounts-writer.js";
import { MysqlSaver, type TableWriter } from "./mysql-saver.js";
import { ordersWriter } from "./orders-writer.js";
import { positionsWriter } from "./positions-writer.js";
import { tradesWriter } from "./trades-writer.js";

export const SAVER_WRITERS: Readonly<Record<string, TableWriter>> = {
  matching_engine_saver_accounts: accountsWriter,
  matching_engine_saver_positions: positionsWriter,
  matching_engine_saver_orders: ordersWriter,
  matching_engine_saver_trades: tradesWriter,
};
export type SaverName =
  | "matching_engine_saver_accounts"
  | "matching_engine_saver_positions"
  | "matching_engine_saver_orders"
  | "matching_engine_saver_trades";
export const SAVER_NAMES: readonly SaverName[] = Object.keys(SAVER_WRITERS) as SaverName[];

export interface Saver {
  name: SaverName;
  groupId: string;
  consumer: OutputConsumer;
  sink: MysqlSaver;
}

export interface SaverOptions
  extends Omit<OutputConsumerOptions, "kafka" | "names" | "groupId" | "topics" | "sink"> {
  kafka: Kafka;
  names: KafkaNames;
  /** the master; a getter lets the pool be replaced while running */
  pool: Pool | (() => Pool);
}

export function createSaver(name: SaverName & ConsumerGroup, o: SaverOptions): Saver {
  const groupId = o.names.group(name);
  const writer = SAVER_WRITERS[name] as TableWriter;
  const sink = new MysqlSaver(o.pool, groupId, writer);
  const consumer = new OutputConsumer({ ...o, groupId, topics: ["matching_engine_output"], sink });
  return { name, groupId, consumer, sink };
}

/** Creates and starts the four savers. */
export async function startSavers(
  o: SaverOptions,
  names: readonly SaverName[] = SAVER_NAMES,
): Promise<Saver[]> {
  const savers = names.map((n) => createSaver(n, o));
  await Promise.all(savers.map((s) => s.consumer.start()));
  return savers;
}

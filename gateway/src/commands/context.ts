// What the command routes share: the deps, the writer, and the in-flight idempotency maps.
import type { ReadModel } from "../read-model/read-model.js";
import type { GatewayDeps } from "../types.js";
import type { CommandWriter } from "./command-writer.js";
import { InFlightMap } from "./in-flight.js";

export interface InFlightOrder {
  userId: number;
  orderId: number;
  clientOrderId: string;
  symbol: string;
}

const TEN_MINUTES = 10 * 60_000;
const MAX_IN_FLIGHT = 200_000;

export class CommandContext {
  /** keyed by orderKey(userId, clientOrderId) */
  readonly orders: InFlightMap<InFlightOrder>;
  /** deposit txIds (`d\n<txId>`) and withdrawIds (`w\n<withdrawId>`) */
  readonly transfers: InFlightMap<{ userId: number }>;
  /** users created through this instance that the read model may not know yet (api-key creation) */
  readonly createdUsers = new Set<number>();

  constructor(
    readonly deps: GatewayDeps,
    readonly writer: CommandWriter,
  ) {
    // entries leave as soon as the read model knows their key (swept from the old end on every add),
    // so in steady state the maps hold only what is between append and projection, and die young
    this.orders = new InFlightMap<InFlightOrder>(TEN_MINUTES, MAX_IN_FLIGHT, (_, o) =>
      this.rm.knowsClientOrderId(o.userId, o.clientOrderId),
    );
    this.transfers = new InFlightMap<{ userId: number }>(TEN_MINUTES, MAX_IN_FLIGHT, (key) => {
      const id = key.slice(2);
      return key.startsWith("d\n") ? this.rm.deposit(id) !== undefined : this.rm.withdrawal(id) !== undefined;
    });
  }

  get rm(): ReadModel {
    return this.deps.readModel;
  }

  now(): number {
    return this.deps.clock();
  }
}

export const orderKey = (userId: number, clientOrderId: string): string => `${userId}\n${clientOrderId}`;

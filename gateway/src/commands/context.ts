// What the command routes share: the deps, the writer, and the in-flight idempotency maps.
import type { ReadModel } from "../read-model/read-model.js";
import type { GatewayDeps } from "../types.js";
import type { CommandWriter } from "./command-writer.js";
import { InFlightMap } from "./in-flight.js";

export interface InFlightOrder {
  orderId: number;
  clientOrderId: string;
  symbol: string;
}

const TEN_MINUTES = 10 * 60_000;
const MAX_IN_FLIGHT = 200_000;

export class CommandContext {
  readonly orders = new InFlightMap<InFlightOrder>(TEN_MINUTES, MAX_IN_FLIGHT);
  /** deposit txIds and withdrawIds */
  readonly transfers = new InFlightMap<{ userId: number }>(TEN_MINUTES, MAX_IN_FLIGHT);
  /** users created through this instance that the read model may not know yet (api-key creation) */
  readonly createdUsers = new Set<number>();

  constructor(
    readonly deps: GatewayDeps,
    readonly writer: CommandWriter,
  ) {}

  get rm(): ReadModel {
    return this.deps.readModel;
  }

  now(): number {
    return this.deps.clock();
  }
}

export const orderKey = (userId: number, clientOrderId: string): string => `${userId}\n${clientOrderId}`;

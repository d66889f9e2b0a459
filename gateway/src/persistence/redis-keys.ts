// Redis key names and TTLs of the cache, EXACTLY the seed's patterns (SPEC §11), and the pub/sub channel
// names of the notifier. `prefix` is "" in production; tests and benchmarks use their own so they never
// touch other keys on a shared Redis.
export const TTL_SECONDS = {
  account: 24 * 3600, // 24 h
  position: 24 * 3600, // 24 h
  activeOrder: 24 * 3600, // 24 h
  ticker: 60, // 1 min
  orderbook: 60, // 1 min
} as const;

export class RedisKeys {
  constructor(readonly prefix = "") {}
  account(userId: number, accountId: number): string {
    return `${this.prefix}accounts:userId_${userId}:accountId_${accountId}`;
  }
  accountAsset(userId: number, asset: string): string {
    return `${this.prefix}accounts:userId_${userId}:asset_${asset}`;
  }
  order(userId: number, orderId: number): string {
    return `${this.prefix}orders:userId_${userId}:orderId_${orderId}`;
  }
  /** the seed's tmpId is the clientOrderId */
  orderTmp(userId: number, clientOrderId: string): string {
    return `${this.prefix}orders:userId_${userId}:tmpId_${clientOrderId}`;
  }
  position(userId: number, accountId: number, positionId: string): string {
    return `${this.prefix}positions:userId_${userId}:accountId_${accountId}:positionId_${positionId}`;
  }
  ticker(symbol: string): string {
    return `${this.prefix}ticker:${symbol}`;
  }
  orderbook(symbol: string): string {
    return `${this.prefix}orderbook:${symbol}`;
  }
  /** the notifier's cursor per output topic (bookkeeping, not cache): "seq:idx" */
  notifierCursor(topic: string): string {
    return `${this.prefix}notifier:cursor:${topic}`;
  }
  /** pub/sub: private updates of one user */
  userChannel(userId: number): string {
    return `${this.prefix}user:${userId}`;
  }
  /** pub/sub: a public stream channel, e.g. market("depth:BTCUSDT") */
  marketChannel(channel: string): string {
    return `${this.prefix}market:${channel}`;
  }
}

/** Order statuses whose orders are cached (SPEC §11: ACTIVE and UNTRIGGERED only). */
export const CACHED_ORDER_STATUSES: ReadonlySet<string> = new Set(["NEW", "PARTIALLY_FILLED", "UNTRIGGERED"]);

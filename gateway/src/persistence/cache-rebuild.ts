// Rebuilds the Redis cache from MySQL (SPEC §11: losing Redis loses no data): accounts, active and
// untriggered orders, open positions, with the same values and TTLs the notifier writes. Ticker and
// order book keys (1 min TTL) come back with the next market events. Read from the master (the report
// replica may lag). Writes are pipelined in slices.
import type { Instrument } from "@perpx/shared/domain";
import type { Redis } from "ioredis";
import type { RowDataPacket } from "mysql2/promise";
import { int, type Queryable } from "./db.js";
import { positionIdOf } from "./ids.js";
import { whenReady } from "./redis.js";
import { CACHED_ORDER_STATUSES, RedisKeys, TTL_SECONDS } from "./redis-keys.js";
import { orderRecordOf } from "./report-db.js";
import { accountCacheValue, orderCacheValue, positionCacheValue } from "./wire.js";

const SLICE = 1000;

export interface RebuildResult {
  accounts: number;
  orders: number;
  positions: number;
}

export async function rebuildCache(
  db: Queryable,
  redis: Redis,
  instruments: readonly Instrument[],
  keys = new RedisKeys(),
): Promise<RebuildResult> {
  await whenReady(redis);
  const bySymbol = new Map(instruments.map((i) => [i.symbolId, i]));
  const [defs] = await db.query<RowDataPacket[]>("SELECT definition FROM instruments");
  for (const r of defs) {
    const i = (typeof r.definition === "string" ? JSON.parse(r.definition) : r.definition) as Instrument;
    bySymbol.set(i.symbolId, i);
  }
  const instOf = (symbolId: number): Instrument => {
    const i = bySymbol.get(symbolId);
    if (!i) throw new Error(`unknown symbolId ${symbolId}`);
    return i;
  };

  let pipe = redis.pipeline();
  let queued = 0;
  const flush = async (force = false) => {
    if (queued === 0 || (!force && queued < SLICE)) return;
    const res = await pipe.exec();
    for (const [err] of res ?? []) if (err) throw err;
    pipe = redis.pipeline();
    queued = 0;
  };
  const set = async (key: string, value: string, ttl: number) => {
    pipe.set(key, value, "EX", ttl);
    queued++;
    await flush();
  };

  const [accounts] = await db.query<RowDataPacket[]>("SELECT * FROM accounts");
  for (const r of accounts) {
    const a = {
      accountId: int(r.account_id),
      userId: int(r.user_id),
      asset: String(r.asset),
      wallet: int(r.wallet_balance),
      updateTime: int(r.update_time),
      seq: int(r.seq),
    };
    const v = accountCacheValue(a);
    await set(keys.account(a.userId, a.accountId), v, TTL_SECONDS.account);
    await set(keys.accountAsset(a.userId, a.asset), v, TTL_SECONDS.account);
  }

  const statuses = [...CACHED_ORDER_STATUSES];
  const [orders] = await db.query<RowDataPacket[]>(
    `SELECT * FROM orders WHERE status IN (${statuses.map(() => "?").join(", ")})`,
    statuses,
  );
  for (const r of orders) {
    const o = orderRecordOf(r);
    const v = orderCacheValue(o, instOf(o.symbolId));
    await set(keys.order(o.userId, o.orderId), v, TTL_SECONDS.activeOrder);
    await set(keys.orderTmp(o.userId, o.clientOrderId), v, TTL_SECONDS.activeOrder);
  }

  const [positions] = await db.query<RowDataPacket[]>("SELECT * FROM positions WHERE qty <> 0");
  for (const r of positions) {
    const p = {
      userId: int(r.user_id),
      symbolId: int(r.symbol_id),
      qty: int(r.qty),
      entryValue: int(r.entry_value),
      marginType: String(r.margin_type),
      leverage: int(r.leverage),
      isolatedWallet: int(r.isolated_wallet),
      updateTime: int(r.update_time),
      seq: int(r.seq),
    };
    const positionId = positionIdOf(p.userId, p.symbolId);
    const accountId = int(r.account_id);
    await set(
      keys.position(p.userId, accountId, positionId),
      positionCacheValue(p, instOf(p.symbolId), positionId, accountId),
      TTL_SECONDS.position,
    );
  }
  await flush(true);
  return { accounts: accounts.length, orders: orders.length, positions: positions.length };
}

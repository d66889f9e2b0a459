// Proves the real Redis is reached (SPEC §11): set a key with a TTL, read the TTL back.
import assert from "node:assert/strict";
import { randomBytes } from "node:crypto";
import { after, before, test } from "node:test";
import { Redis } from "ioredis";

const url = process.env.REDIS_URL ?? "redis://127.0.0.1:6379";
const prefix = `perpx-it:${randomBytes(4).toString("hex")}:`;
let redis: Redis;

before(async () => {
  redis = new Redis(url, {
    lazyConnect: true,
    maxRetriesPerRequest: 1,
    connectTimeout: 3000,
    retryStrategy: () => null,
  });
  try {
    await redis.connect();
  } catch (e) {
    throw new Error(
      `Redis not reachable at ${url} (${(e as Error).message}); run \`make up\` or set REDIS_URL`,
    );
  }
});

after(async () => {
  if (!redis) return;
  const keys = await redis.keys(`${prefix}*`);
  if (keys.length) await redis.del(...keys);
  redis.disconnect();
});

test("ioredis sets a key with a 24 h TTL and reads the TTL", async () => {
  const key = `${prefix}accounts:userId_1:asset_USDT`;
  await redis.set(key, JSON.stringify({ wallet: "25.000000" }), "EX", 86_400);
  const ttl = await redis.ttl(key);
  assert.ok(ttl > 86_390 && ttl <= 86_400, `ttl ${ttl}`);
  assert.deepEqual(JSON.parse((await redis.get(key)) ?? "null"), { wallet: "25.000000" });
});

test("pub/sub delivers a message between two connections", async () => {
  const sub = redis.duplicate();
  const channel = `${prefix}user:1`;
  try {
    const got = new Promise<string>((resolve) => sub.on("message", (_c: string, m: string) => resolve(m)));
    await sub.subscribe(channel);
    await redis.publish(channel, "hello");
    assert.equal(await got, "hello");
  } finally {
    sub.disconnect();
  }
});

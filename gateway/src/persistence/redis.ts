// The Redis client of the read side. Commands fail at once while disconnected (no offline queue) so a
// caller's backoff loop — which keeps the Kafka group alive with heartbeats — decides what waits, not a
// hidden queue; ioredis keeps reconnecting in the background. Env: REDIS_URL (default
// redis://127.0.0.1:6379).
import { Redis } from "ioredis";

export function redisUrlFromEnv(env: NodeJS.ProcessEnv = process.env): string {
  return env.REDIS_URL ?? "redis://127.0.0.1:6379";
}

/** `onError` hears connection errors (the commands that fail report theirs to their caller too). */
export function createRedis(url = redisUrlFromEnv(), onError: (e: Error) => void = () => undefined): Redis {
  const redis = new Redis(url, {
    enableOfflineQueue: false,
    maxRetriesPerRequest: 1,
    connectTimeout: 3000,
    retryStrategy: (times) => Math.min(times * 100, 2000), // reconnect every ≤ 2 s, for ever
  });
  redis.on("error", onError);
  return redis;
}

/** Resolves once the client is connected (commands fail at once before that: no offline queue). */
export async function whenReady(redis: Redis, timeoutMs = 10_000): Promise<void> {
  if (redis.status === "ready") return;
  await new Promise<void>((resolve, reject) => {
    const t = setTimeout(() => {
      redis.off("ready", ok);
      reject(new Error(`Redis not ready within ${timeoutMs} ms`));
    }, timeoutMs);
    const ok = () => {
      clearTimeout(t);
      resolve();
    };
    redis.once("ready", ok);
  });
}

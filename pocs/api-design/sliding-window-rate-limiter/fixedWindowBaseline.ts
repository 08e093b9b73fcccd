import type { Redis } from 'ioredis';
import { RateLimiterRedis, RateLimiterRes } from 'rate-limiter-flexible';

/**
 * The baseline: rate-limiter-flexible's RateLimiterRedis, configured as close to the sliding log
 * as it goes — same limit (`points`) per same window (`duration`, whole seconds), same Redis, same
 * ioredis client. It is a fixed-window counter: one integer per key (INCRBY in a Lua script), its
 * window opening at the key's first request and ending when the key's TTL runs out.
 */
export function fixedWindowLimiter(redis: Redis, limit: number, windowSeconds: number, keyPrefix: string) {
  return new RateLimiterRedis({ storeClient: redis, points: limit, duration: windowSeconds, keyPrefix });
}

/** rate-limiter-flexible rejects with a RateLimiterRes on a denial; anything else is a real error. */
export function consumeFixed(limiter: RateLimiterRedis, key: string): Promise<boolean> {
  return limiter.consume(key).then(
    () => true,
    (rejection: unknown) => {
      if (rejection instanceof RateLimiterRes) return false;
      throw rejection;
    },
  );
}

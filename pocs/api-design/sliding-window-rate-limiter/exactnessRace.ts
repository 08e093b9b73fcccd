import type { Redis } from 'ioredis';
import { SlidingWindowLimiter } from './SlidingWindowLimiter.ts';

export interface ExactnessResult {
  callers: number;
  limit: number;
  /** Admitted by the Lua script. */
  luaAllowed: number;
  /** Admitted by the same check done in two round trips. */
  naiveAllowed: number;
}

/**
 * `callers` concurrent requests for one key, spread over the given connections (think: app
 * servers), first through the limiter's Lua script, then through the same check without one.
 */
export async function runExactnessRace(
  connections: Redis[],
  keyPrefix: string,
  callers: number,
  limit: number,
): Promise<ExactnessResult> {
  const limiters = connections.map(
    (redis) => new SlidingWindowLimiter({ redis, limit, windowMs: 60_000, keyPrefix }),
  );
  const decisions = await Promise.all(
    Array.from({ length: callers }, (_, i) => limiters[i % limiters.length]!.consume('exact')),
  );
  const luaAllowed = decisions.filter((d) => d.allowed).length;
  const naiveAllowed = await naiveRace(connections, `${keyPrefix}naive`, callers, limit);
  return { callers, limit, luaAllowed, naiveAllowed };
}

// #region naive-race
/**
 * The same sliding-log check without a script: read the count, then write if under the limit.
 * Between the read and the write every other caller reads the same, stale count.
 */
async function naiveRace(connections: Redis[], key: string, callers: number, limit: number): Promise<number> {
  const attempt = async (redis: Redis, i: number) => {
    const now = Date.now();
    const replies = await redis
      .multi()
      .zremrangebyscore(key, '-inf', now - 60_000)
      .zcard(key)
      .exec();
    const count = Number(replies?.[1]?.[1]);
    if (count >= limit) return false;
    await redis.zadd(key, now, `caller-${i}`); // another round trip: the gap where the race lives
    return true;
  };
  const results = await Promise.all(
    Array.from({ length: callers }, (_, i) => attempt(connections[i % connections.length]!, i)),
  );
  return results.filter(Boolean).length;
}
// #endregion naive-race

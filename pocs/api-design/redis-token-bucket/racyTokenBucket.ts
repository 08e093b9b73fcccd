import type { Redis } from 'ioredis';

// #region racy
/**
 * The same token bucket without a script: read the bucket, do the arithmetic in the app, write it
 * back. Two round trips, and the app server's clock. Every caller that reads before the first
 * write sees the same full bucket, so a burst of concurrent callers is admitted wholesale.
 * Kept only to show what the script prevents.
 */
export async function racyTake(
  redis: Redis,
  key: string,
  capacity: number,
  refillPerSecond: number,
  cost = 1,
): Promise<boolean> {
  const nowMs = Date.now();
  const [storedTokens, storedTs] = await redis.hmget(key, 'tokens', 'ts');
  const last = storedTs === null ? nowMs : Number(storedTs);
  const previous = storedTokens === null ? capacity : Number(storedTokens);
  const tokens = Math.min(capacity, previous + (Math.max(0, nowMs - last) * refillPerSecond) / 1000);
  if (tokens < cost) return false;
  // Between the HMGET above and this HSET, other callers read the same `tokens`.
  await redis.hset(key, 'tokens', String(tokens - cost), 'ts', String(nowMs));
  return true;
}
// #endregion racy

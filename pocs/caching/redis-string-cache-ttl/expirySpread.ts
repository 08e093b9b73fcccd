import type { Redis } from 'ioredis';

export interface ExpirySpread {
  keys: number;
  /** How many distinct wall-clock seconds the keys expire in. */
  distinctSeconds: number;
  /** The most keys that expire in one and the same second: the size of the miss burst. */
  largestSameSecond: number;
}

// #region expiry-spread
/** Reads each key's absolute expiry (EXPIRETIME, Redis 7.0+) and groups them per second. */
export async function measureExpirySpread(redis: Redis, keys: string[]): Promise<ExpirySpread> {
  const pipeline = redis.pipeline();
  for (const key of keys) pipeline.call('EXPIRETIME', key);
  const replies = (await pipeline.exec()) ?? [];
  const perSecond = new Map<number, number>();
  for (const [error, at] of replies) {
    if (error) throw error;
    if (typeof at !== 'number' || at < 0) throw new Error(`a key has no TTL (EXPIRETIME ${String(at)})`);
    perSecond.set(at, (perSecond.get(at) ?? 0) + 1);
  }
  return {
    keys: keys.length,
    distinctSeconds: perSecond.size,
    largestSameSecond: Math.max(0, ...perSecond.values()),
  };
}
// #endregion expiry-spread

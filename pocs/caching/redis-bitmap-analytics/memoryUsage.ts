import type { Redis } from 'ioredis';

/**
 * Bytes Redis attributes to one key. `SAMPLES 0` makes Redis walk every element of a collection:
 * the default (5 samples) extrapolates from a handful of members, which is fine for a dashboard but
 * not for a comparison the POC claims.
 */
export async function memoryUsage(redis: Redis, key: string): Promise<number> {
  const bytes = await redis.memory('USAGE', key, 'SAMPLES', 0);
  if (bytes === null) throw new Error(`MEMORY USAGE ${key}: the key does not exist (nothing to measure)`);
  return bytes;
}

/** SADD in batches (one huge SADD would block the server and build a giant reply buffer). */
export async function fillSet(
  redis: Redis,
  key: string,
  members: ReadonlyArray<string | number>,
  batchSize = 10_000,
): Promise<void> {
  const pipeline = redis.pipeline();
  for (let i = 0; i < members.length; i += batchSize) {
    pipeline.sadd(key, ...members.slice(i, i + batchSize));
  }
  await pipeline.exec();
}

import type { Redis } from 'ioredis';

// #region racy
/**
 * The tempting alternative: a counter plus a "seen" flag per visitor, checked by the app.
 * Check and increment are two round trips, so two servers handling the same visitor at the same
 * time both see "not seen" and both increment.
 */
export async function visitRacy(redis: Redis, prefix: string, visitorId: string): Promise<void> {
  const seen = await redis.exists(`${prefix}seen:${visitorId}`);
  if (seen) return;
  await redis.set(`${prefix}seen:${visitorId}`, '1');
  await redis.incr(`${prefix}count`);
}
// #endregion racy

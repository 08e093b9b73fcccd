import type { Redis } from 'ioredis';

// #region racy
/**
 * The same rules checked with reads, then a write in a second round trip. Callers that read before
 * any of the writes all see "not redeemed, not sold out", so the cap is overrun and a user who
 * retries quickly is told "redeemed" twice. Kept only to show what the script prevents.
 */
export async function racyRedeem(
  redis: Redis,
  couponKey: string,
  redeemedKey: string,
  userId: string,
): Promise<boolean> {
  const [cap, already, used] = await Promise.all([
    redis.hget(couponKey, 'cap'),
    redis.sismember(redeemedKey, userId),
    redis.scard(redeemedKey),
  ]);
  if (already === 1 || used >= Number(cap)) return false;
  await redis.sadd(redeemedKey, userId); // the gap between the reads and this write is the bug
  return true;
}
// #endregion racy

import type { Redis } from 'ioredis';

// #region naive
/**
 * Check-then-decrement in two round trips, the way it is often first written. Every caller that
 * reads before the first DECRBY lands sees the same stock, so all of them "reserve" it.
 * Kept only to show what the script prevents.
 */
export async function naiveReserve(redis: Redis, stockKey: string, qty: number): Promise<boolean> {
  const stock = Number(await redis.get(stockKey));
  if (stock < qty) return false;
  await redis.decrby(stockKey, qty);
  return true;
}
// #endregion naive

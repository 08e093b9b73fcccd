import { setTimeout as sleep } from 'node:timers/promises';
import type { Redis } from 'ioredis';

/** What one purchase attempt returns. */
export interface PurchaseOutcome {
  sold: boolean;
  /**
   * The stock value this attempt saw right after its own write (undefined when it wrote nothing).
   * Its minimum over a sale shows whether other readers could ever observe a negative stock.
   */
  stockAfterWrite?: number;
  /** WATCH conflicts this attempt retried. */
  retries: number;
}

export type StrategyName = 'naive' | 'decr-compensate' | 'watch-multi' | 'lua';

export interface BuyOptions {
  /** Pause between read and write in the read-then-write strategies, to stand for real work (ms). */
  thinkMs?: number;
}

export type Buy = (redis: Redis, key: string, options: BuyOptions) => Promise<PurchaseOutcome>;

// #region naive
/** GET, then DECR if positive. Every buyer that reads before the last unit is gone also buys it. */
const naive: Buy = async (redis, key, { thinkMs }) => {
  const stock = Number((await redis.get(key)) ?? 0);
  if (stock <= 0) return { sold: false, retries: 0 };
  if (thinkMs) await sleep(thinkMs);
  const after = await redis.decr(key);
  return { sold: true, stockAfterWrite: after, retries: 0 };
};
// #endregion naive

// #region decr-compensate
/**
 * DECR first (atomic), and if that took the stock below zero give the unit back. Never oversells,
 * but between the DECR and the INCR any reader (a product page) sees a negative stock.
 */
const decrCompensate: Buy = async (redis, key) => {
  const after = await redis.decr(key);
  if (after >= 0) return { sold: true, stockAfterWrite: after, retries: 0 };
  await redis.incr(key);
  return { sold: false, stockAfterWrite: after, retries: 0 };
};
// #endregion decr-compensate

// #region watch-multi
/** Optimistic: WATCH the stock, check it, DECR inside MULTI; a null EXEC means retry. */
const watchMulti: Buy = async (redis, key, { thinkMs }) => {
  for (let retries = 0; retries < 10_000; retries++) {
    await redis.watch(key);
    const stock = Number((await redis.get(key)) ?? 0);
    if (stock <= 0) {
      await redis.unwatch();
      return { sold: false, retries };
    }
    if (thinkMs) await sleep(thinkMs);
    const replies = await redis.multi().decr(key).exec();
    if (replies !== null) return { sold: true, stockAfterWrite: Number(replies[0]![1]), retries };
    await sleep(Math.random() * 2); // lost the race: spread the retries out
  }
  throw new Error(`WATCH on "${key}" lost 10,000 times in a row: use the Lua strategy for a key this hot`);
};
// #endregion watch-multi

// #region lua
type InventoryRedis = Redis & { reserveStock(key: string, quantity: number): Promise<number> };

/** One EVALSHA: the check and the decrement run inside Redis with nothing in between. */
const lua: Buy = async (redis, key) => {
  const after = await (redis as InventoryRedis).reserveStock(key, 1);
  return after < 0 ? { sold: false, retries: 0 } : { sold: true, stockAfterWrite: after, retries: 0 };
};
// #endregion lua

export const STRATEGIES: Record<StrategyName, { label: string; buy: Buy }> = {
  naive: { label: 'GET, then DECR (naive)', buy: naive },
  'decr-compensate': { label: 'DECR, INCR back if < 0', buy: decrCompensate },
  'watch-multi': { label: 'WATCH + MULTI/EXEC', buy: watchMulti },
  lua: { label: 'Lua check-and-decrement', buy: lua },
};

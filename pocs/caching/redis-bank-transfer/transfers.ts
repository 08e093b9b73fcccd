import { setTimeout as sleep } from 'node:timers/promises';
import type { Redis } from 'ioredis';
import type { TransferRedis } from './commands.ts';

export type TransferStrategy = 'naive' | 'watch-multi' | 'lua';

export interface TransferOutcome {
  /** Money moved; false when the source could not pay. */
  moved: boolean;
  /** WATCH conflicts retried. */
  retries: number;
}

export type Transfer = (
  redis: Redis,
  from: string,
  to: string,
  amount: number,
  options: { thinkMs?: number },
) => Promise<TransferOutcome>;

// #region naive
/** Read both balances, check, write both new values. Another transfer between the read and the write is overwritten. */
const naive: Transfer = async (redis, from, to, amount, { thinkMs }) => {
  const [fromBalance, toBalance] = (await redis.mget(from, to)).map(Number) as [number, number];
  if (fromBalance < amount) return { moved: false, retries: 0 };
  if (thinkMs) await sleep(thinkMs);
  await redis.mset(from, fromBalance - amount, to, toBalance + amount);
  return { moved: true, retries: 0 };
};
// #endregion naive

// #region watch-multi
/** WATCH both accounts, check, then DECRBY + INCRBY in one MULTI; retry when EXEC answers null. */
const watchMulti: Transfer = async (redis, from, to, amount, { thinkMs }) => {
  for (let retries = 0; retries < 10_000; retries++) {
    await redis.watch(from, to);
    const fromBalance = Number(await redis.get(from));
    if (fromBalance < amount) {
      await redis.unwatch();
      return { moved: false, retries };
    }
    if (thinkMs) await sleep(thinkMs);
    const replies = await redis.multi().decrby(from, amount).incrby(to, amount).exec();
    if (replies !== null) return { moved: true, retries };
    await sleep(Math.random() * 2);
  }
  throw new Error(
    `transfer ${from} → ${to} lost 10,000 WATCH races: use the Lua strategy for accounts this hot`,
  );
};
// #endregion watch-multi

/** One script: check and both writes inside Redis (commands/transfer-2.lua). */
const lua: Transfer = async (redis, from, to, amount) => {
  const after = await (redis as TransferRedis).transfer(from, to, amount);
  return { moved: after >= 0, retries: 0 };
};

export const TRANSFERS: Record<TransferStrategy, { label: string; transfer: Transfer }> = {
  naive: { label: 'MGET, check, MSET (naive)', transfer: naive },
  'watch-multi': { label: 'WATCH + MULTI/EXEC', transfer: watchMulti },
  lua: { label: 'Lua transfer script', transfer: lua },
};

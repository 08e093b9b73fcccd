import { setTimeout as sleep } from 'node:timers/promises';
import type { Redis } from 'ioredis';

export interface OptimisticUpdateOptions {
  /** Give up after this many conflicts (EXEC answered null). Default 100. */
  maxRetries?: number;
  /** Stop retrying when aborted; rejects with the signal's reason. */
  signal?: AbortSignal;
  /**
   * Simulated work between the read and the write (ms). Real code computes, calls another service
   * or waits for the event loop here; the demo and tests use it to widen the race window.
   */
  thinkMs?: number;
  /** Upper bound of the random back-off after a conflict (ms), so losers do not retry in lockstep. Default 2. */
  maxBackoffMs?: number;
}

export interface OptimisticUpdateResult<T> {
  value: T;
  /** EXEC calls made; 1 means no conflict. */
  attempts: number;
}

/** Thrown when every attempt lost the race: the key is too hot for optimistic locking. */
export class OptimisticLockRetriesExhaustedError extends Error {
  constructor(key: string, attempts: number) {
    super(
      `optimistic update of "${key}" lost the race ${attempts} times: raise maxRetries, add back-off, ` +
        'or move the read-modify-write into one atomic command or Lua script if the key is this hot',
    );
    this.name = 'OptimisticLockRetriesExhaustedError';
  }
}

// #region watched-update
/**
 * Read-modify-write of one string key with WATCH: the write only commits if nobody changed the
 * key since we read it. WATCH is per connection, so `redis` must not be shared by concurrent
 * callers: give each concurrent updater its own connection.
 */
export async function optimisticUpdate<T extends string | number>(
  redis: Redis,
  key: string,
  compute: (current: string | null) => T,
  options: OptimisticUpdateOptions = {},
): Promise<OptimisticUpdateResult<T>> {
  const maxRetries = options.maxRetries ?? 100;
  for (let attempt = 1; attempt <= maxRetries; attempt++) {
    options.signal?.throwIfAborted();
    await redis.watch(key); // from here, any write to `key` by another client dooms our EXEC
    const current = await redis.get(key);
    const next = compute(current);
    if (options.thinkMs) await sleep(options.thinkMs);
    // MULTI SET EXEC go out together; EXEC replies null when a watched key changed.
    const replies = await redis.multi().set(key, String(next)).exec();
    if (replies !== null) return { value: next, attempts: attempt };
    // Conflict: EXEC already cleared the WATCH. Back off a random bit, then read again.
    await sleep(Math.random() * (options.maxBackoffMs ?? 2));
  }
  throw new OptimisticLockRetriesExhaustedError(key, maxRetries);
}
// #endregion watched-update

// #region naive-update
/** The same read-modify-write without WATCH: a write made between our GET and SET is overwritten. */
export async function naiveUpdate<T extends string | number>(
  redis: Redis,
  key: string,
  compute: (current: string | null) => T,
  options: Pick<OptimisticUpdateOptions, 'thinkMs'> = {},
): Promise<T> {
  const current = await redis.get(key);
  const next = compute(current);
  if (options.thinkMs) await sleep(options.thinkMs);
  await redis.set(key, String(next));
  return next;
}
// #endregion naive-update

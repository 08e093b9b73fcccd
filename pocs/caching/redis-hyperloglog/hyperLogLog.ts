import type { Redis } from 'ioredis';

/** The standard error redis.io documents for its HyperLogLog (16,384 registers: 1.04/√16384). */
export const REDIS_HLL_STANDARD_ERROR = 0.0081;

/** `prefix:from` … `prefix:from+count-1`: distinct by construction, so the exact count is `count`. */
export function* distinctItems(prefix: string, from: number, count: number): Generator<string> {
  for (let i = from; i < from + count; i++) yield `${prefix}:${i}`;
}

// #region pfadd
/**
 * PFADD in batches, pipelined. Returns how many PFADD calls reported a change (1 = at least one
 * register was raised). Batches keep each command small; the pipeline keeps round trips few.
 */
export async function pfaddAll(
  redis: Redis,
  key: string,
  items: Iterable<string>,
  batchSize = 1_000,
): Promise<number> {
  let pipeline = redis.pipeline();
  let batch: string[] = [];
  let queued = 0;
  let changed = 0;
  const flush = async () => {
    const replies = (await pipeline.exec()) ?? [];
    for (const [error, reply] of replies) {
      if (error) throw error;
      changed += reply as number;
    }
    pipeline = redis.pipeline();
    queued = 0;
  };
  for (const item of items) {
    batch.push(item);
    if (batch.length === batchSize) {
      pipeline.pfadd(key, ...batch);
      batch = [];
      if (++queued === 100) await flush();
    }
  }
  if (batch.length > 0) pipeline.pfadd(key, ...batch);
  await flush();
  return changed;
}
// #endregion pfadd

/**
 * `sparse` or `dense`, from PFDEBUG ENCODING. PFDEBUG is an internal debugging command (managed
 * services may disable it); the memory jump measured with MEMORY USAGE shows the same switch.
 */
export async function hllEncoding(redis: Redis, key: string): Promise<'sparse' | 'dense' | 'unknown'> {
  try {
    const encoding = String(await redis.call('PFDEBUG', 'ENCODING', key));
    return encoding === 'sparse' || encoding === 'dense' ? encoding : 'unknown';
  } catch {
    return 'unknown';
  }
}

/** Relative error of an estimate, signed: +0.01 means 1 % too high. */
export function relativeError(estimate: number, exact: number): number {
  return (estimate - exact) / exact;
}

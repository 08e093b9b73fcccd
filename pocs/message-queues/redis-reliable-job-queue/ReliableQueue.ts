import type { Redis } from 'ioredis';

/** Key layout of one queue; every key starts with `prefix`. */
export function queueKeys(prefix: string) {
  return {
    queue: `${prefix}queue`,
    workers: `${prefix}workers`,
    processing: (workerId: string) => `${prefix}processing:${workerId}`,
    alive: (workerId: string) => `${prefix}alive:${workerId}`,
  };
}

// #region reliable-queue
/**
 * The reliable-queue pattern on Redis lists. A claim moves the job atomically from `queue` to
 * the worker's own `processing` list (BLMOVE), so at every instant the job is in exactly one list;
 * completion removes it from there (LREM). A worker that dies leaves its jobs in its processing
 * list, where the reaper finds them.
 */
export class ReliableQueue {
  readonly #redis: Redis;
  readonly #keys: ReturnType<typeof queueKeys>;

  constructor(redis: Redis, prefix: string) {
    this.#redis = redis;
    this.#keys = queueKeys(prefix);
  }

  async enqueue(...jobs: string[]): Promise<void> {
    if (jobs.length > 0) await this.#redis.lpush(this.#keys.queue, ...jobs);
  }

  /** Registers the worker and marks it alive for `ttlMs`; call at least every ttlMs / 3. */
  async heartbeat(workerId: string, ttlMs: number): Promise<void> {
    await this.#redis
      .multi()
      .sadd(this.#keys.workers, workerId)
      .set(this.#keys.alive(workerId), '1', 'PX', ttlMs)
      .exec();
  }

  /** Blocks up to `timeoutSeconds` for a job; null when none came. Use a connection of its own. */
  claim(workerId: string, timeoutSeconds: number): Promise<string | null> {
    return this.#redis.blmove(
      this.#keys.queue,
      this.#keys.processing(workerId),
      'RIGHT',
      'LEFT',
      timeoutSeconds,
    );
  }

  /** Acknowledge: the job leaves the worker's processing list. */
  async complete(workerId: string, job: string): Promise<void> {
    await this.#redis.lrem(this.#keys.processing(workerId), 1, job);
  }
}
// #endregion reliable-queue

// #region reaper
/**
 * Moves the jobs of every registered worker whose heartbeat has expired back to the queue, one
 * LMOVE at a time (each move atomic, so a job is never in neither list), then forgets the worker.
 * Returns the jobs requeued.
 */
export async function reapDeadWorkers(redis: Redis, prefix: string): Promise<string[]> {
  const keys = queueKeys(prefix);
  const requeued: string[] = [];
  for (const workerId of await redis.smembers(keys.workers)) {
    if ((await redis.exists(keys.alive(workerId))) === 1) continue;
    for (;;) {
      // Claims were pushed on the left, so the newest is leftmost. Taking from the left and pushing on the
      // queue's consuming (right) end leaves the oldest claim rightmost: it is picked up first again.
      const job = await redis.lmove(keys.processing(workerId), keys.queue, 'LEFT', 'RIGHT');
      if (job === null) break;
      requeued.push(job);
    }
    await redis.srem(keys.workers, workerId);
  }
  return requeued;
}
// #endregion reaper

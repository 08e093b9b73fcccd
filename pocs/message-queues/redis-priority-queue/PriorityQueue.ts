import type { Redis } from 'ioredis';
import { defineCommands, readCommands } from '../../../src/lab/redisCommands.ts';

export interface Claimed {
  job: string;
  priority: number;
  /** Arrival number: FIFO order within a priority. */
  seq: number;
}

interface QueueRedis extends Redis {
  enqueuePriority(
    queue: string,
    counter: string,
    job: string,
    priority: number,
    slots: number,
  ): Promise<0 | 1>;
}

// #region priority-queue
/**
 * A priority queue on one sorted set. The score packs priority and arrival (priority × 10¹² + n),
 * so the minimum is the most urgent, oldest job. BZPOPMIN removes and returns that minimum in one
 * command: two workers can never receive the same job.
 */
export class PriorityQueue {
  /** Arrivals per priority before the packed score would leave a double's exact-integer range. */
  static readonly SLOTS = 1e12;
  static readonly MAX_PRIORITY = 9_000;
  readonly #redis: QueueRedis;
  readonly #key: string;

  constructor(redis: Redis, key: string) {
    this.#redis = redis as QueueRedis;
    this.#key = key;
    if (typeof this.#redis.enqueuePriority !== 'function') {
      defineCommands(redis, readCommands(new URL('./commands/', import.meta.url)));
    }
  }

  /** Adds `job` (unique id) at `priority` (0 = most urgent); false if that id is already waiting. */
  async enqueue(job: string, priority: number): Promise<boolean> {
    if (!Number.isInteger(priority) || priority < 0 || priority > PriorityQueue.MAX_PRIORITY) {
      throw new Error(`priority must be an integer from 0 to ${PriorityQueue.MAX_PRIORITY}, got ${priority}`);
    }
    return (
      (await this.#redis.enqueuePriority(
        this.#key,
        `${this.#key}:seq`,
        job,
        priority,
        PriorityQueue.SLOTS,
      )) === 1
    );
  }

  /**
   * Waits up to `timeoutSeconds` for the most urgent job; null on timeout. Blocking: give each
   * worker a connection of its own.
   */
  async dequeue(timeoutSeconds: number): Promise<Claimed | null> {
    const reply = await this.#redis.bzpopmin(this.#key, timeoutSeconds);
    if (!reply) return null;
    const [, job, score] = reply;
    const s = Number(score);
    const seq = s % PriorityQueue.SLOTS; // exact: s is an integer below 2^53
    return { job, priority: (s - seq) / PriorityQueue.SLOTS, seq };
  }

  size(): Promise<number> {
    return this.#redis.zcard(this.#key);
  }
}
// #endregion priority-queue

// #region racy-dequeue
/** Peek, then remove: between the two, other workers peek the same job. Kept to count the duplicates. */
export async function peekThenRemove(redis: Redis, key: string): Promise<string | null> {
  const [job] = await redis.zrange(key, '0', '0');
  if (job === undefined) return null;
  await redis.zrem(key, job);
  return job;
}
// #endregion racy-dequeue

import type { Redis } from 'ioredis';

// #region atomic-vs-racy
/** One atomic step on the server: no other client's command can run between the read and the write. */
export function incrementAtomic(redis: Redis, key: string, by = 1): Promise<number> {
  return redis.incrby(key, by);
}

/**
 * The bug INCR exists to prevent: read, add in the client, write back. Two clients that read the
 * same value both write value + 1, and one increment is lost.
 */
export async function incrementRacy(redis: Redis, key: string, by = 1): Promise<number> {
  const current = Number((await redis.get(key)) ?? 0);
  await redis.set(key, String(current + by));
  return current + by;
}
// #endregion atomic-vs-racy

export interface FixedWindowCounterOptions {
  redis: Redis;
  keyPrefix: string;
  /** Window length; counts are per `name` per window. Default one minute. */
  windowMs?: number;
  /** How many finished windows stay readable before Redis drops them. Default 60. */
  keepWindows?: number;
  /** Clock, injectable for tests. */
  now?: () => number;
}

// #region fixed-window
/**
 * Per-window counters (per minute by default): one key per name and window, e.g. `hits:home:28734512`.
 * INCR and EXPIRE go in one MULTI so a key is never left without its expiry; EXPIRE NX (Redis 7.0+)
 * sets it on the window's first hit only, so later hits do not push it further out.
 */
export class FixedWindowCounter {
  readonly #redis: Redis;
  readonly #prefix: string;
  readonly #windowMs: number;
  readonly #ttlSeconds: number;
  readonly #now: () => number;

  constructor(options: FixedWindowCounterOptions) {
    this.#redis = options.redis;
    this.#prefix = options.keyPrefix;
    this.#windowMs = options.windowMs ?? 60_000;
    this.#ttlSeconds = Math.ceil((this.#windowMs * (1 + (options.keepWindows ?? 60))) / 1000);
    this.#now = options.now ?? Date.now;
  }

  windowOf(atMs: number): number {
    return Math.floor(atMs / this.#windowMs);
  }

  keyFor(name: string, window: number): string {
    return `${this.#prefix}${name}:${window}`;
  }

  /** Counts one event now; returns the count of the current window including it. */
  async hit(name: string, by = 1): Promise<number> {
    const key = this.keyFor(name, this.windowOf(this.#now()));
    const replies = await this.#redis.multi().incrby(key, by).expire(key, this.#ttlSeconds, 'NX').exec();
    if (!replies) throw new Error(`MULTI on ${key} was aborted`);
    const [error, count] = replies[0]!;
    if (error) throw error;
    return count as number;
  }

  /** Counts of the last `windows` windows, oldest first (0 where nothing happened). */
  async recent(name: string, windows: number): Promise<number[]> {
    const current = this.windowOf(this.#now());
    const keys = Array.from({ length: windows }, (_, i) => this.keyFor(name, current - windows + 1 + i));
    const values = await this.#redis.mget(...keys);
    return values.map((v) => Number(v ?? 0));
  }
}
// #endregion fixed-window

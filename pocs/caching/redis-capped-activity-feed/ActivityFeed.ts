import type { Redis } from 'ioredis';

export interface ActivityFeedOptions {
  redis: Redis;
  keyPrefix: string;
  /** The most events a feed keeps; older ones are trimmed away on every push. */
  cap: number;
}

// #region feed
/**
 * A per-user activity feed on a Redis list: newest first (LPUSH), never longer than `cap`
 * (LTRIM 0 cap-1 in the same MULTI, so no client ever sees a longer list), read a page at a time
 * with LRANGE.
 */
export class ActivityFeed {
  readonly #redis: Redis;
  readonly #prefix: string;
  readonly #cap: number;

  constructor(options: ActivityFeedOptions) {
    if (!Number.isInteger(options.cap) || options.cap < 1)
      throw new Error(`cap must be a positive integer, got ${options.cap}`);
    this.#redis = options.redis;
    this.#prefix = options.keyPrefix;
    this.#cap = options.cap;
  }

  key(feed: string): string {
    return this.#prefix + feed;
  }

  async push(feed: string, ...events: string[]): Promise<void> {
    if (events.length === 0) return;
    const key = this.key(feed);
    const replies = await this.#redis
      .multi()
      .lpush(key, ...events)
      .ltrim(key, 0, this.#cap - 1)
      .exec();
    const failed = replies?.find(([error]) => error);
    if (!replies || failed) throw failed?.[0] ?? new Error(`MULTI on ${key} was aborted`);
  }

  /** Page `page` (0 = newest) of `size` events, newest first. */
  async page(feed: string, page: number, size: number): Promise<string[]> {
    const start = page * size;
    return this.#redis.lrange(this.key(feed), start, start + size - 1);
  }

  length(feed: string): Promise<number> {
    return this.#redis.llen(this.key(feed));
  }
}
// #endregion feed

// #region unsafe-push
/** The same two commands sent separately: between them other clients can see (and add to) a longer list. */
export async function pushThenTrimSeparately(
  redis: Redis,
  key: string,
  cap: number,
  event: string,
): Promise<void> {
  await redis.lpush(key, event);
  await redis.ltrim(key, 0, cap - 1);
}
// #endregion unsafe-push

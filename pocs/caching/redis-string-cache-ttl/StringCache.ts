import type { Redis } from 'ioredis';

export interface StringCacheOptions<T> {
  redis: Redis;
  /** Every key this cache writes starts with it, e.g. `cache:product:`. */
  keyPrefix: string;
  /** Base time to live of an entry, in seconds. */
  ttlSeconds: number;
  /**
   * Spread of the TTL: each entry lives `ttlSeconds × (1 ± jitter)`, uniformly. 0 disables it.
   * Entries written together then expire over a range of seconds instead of in the same one.
   */
  jitter?: number;
  /** The source of truth, called on a miss. It gets an AbortSignal that fires after `loadTimeoutMs`. */
  load: (id: string, signal: AbortSignal) => Promise<T>;
  /** How long a miss may wait for the loader before failing. Default 2,000 ms. */
  loadTimeoutMs?: number;
  /** Random source in [0, 1), injectable so that tests can pin the jitter. */
  random?: () => number;
}

export interface CacheRead<T> {
  value: T;
  /** True when the value came from Redis, false when the loader produced it. */
  hit: boolean;
}

// #region cache-aside
/**
 * Cache-aside on Redis strings: GET; on a miss, load from the source and SET ... EX with a
 * (jittered) TTL. The TTL is the only invalidation here, so it bounds how stale a value can be.
 */
export class StringCache<T> {
  readonly #o: Required<Omit<StringCacheOptions<T>, 'random'>> & { random: () => number };

  constructor(options: StringCacheOptions<T>) {
    const jitter = options.jitter ?? 0;
    if (!(options.ttlSeconds >= 1))
      throw new Error('ttlSeconds must be at least 1 (SET EX takes whole seconds)');
    if (jitter < 0 || jitter >= 1) throw new Error(`jitter is a fraction in [0, 1), got ${jitter}`);
    this.#o = { loadTimeoutMs: 2_000, random: Math.random, ...options, jitter };
  }

  async get(id: string): Promise<CacheRead<T>> {
    const key = this.#o.keyPrefix + id;
    const cached = await this.#o.redis.get(key);
    if (cached !== null) return { value: JSON.parse(cached) as T, hit: true };

    const value = await this.#o.load(id, AbortSignal.timeout(this.#o.loadTimeoutMs));
    // A failed SET only costs a later miss, so it does not fail the read.
    await this.#o.redis.set(key, JSON.stringify(value), 'EX', this.ttlFor()).catch(() => {});
    return { value, hit: false };
  }

  /** Drop an entry after the source changed (the next read reloads it). */
  async invalidate(id: string): Promise<void> {
    await this.#o.redis.unlink(this.#o.keyPrefix + id);
  }

  /** TTL for a new entry: the base TTL spread by ± jitter, rounded to whole seconds. */
  ttlFor(): number {
    const { ttlSeconds, jitter, random } = this.#o;
    return Math.max(1, Math.round(ttlSeconds * (1 + jitter * (2 * random() - 1))));
  }
}
// #endregion cache-aside

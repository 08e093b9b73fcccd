import pg from 'pg';
import { afterAll, describe, expect, it } from 'vitest';
import { useRedis } from '../../../src/testing/redis.ts';
import { serviceUrl } from '../../../src/testing/services.ts';
import { measureExpirySpread } from './expirySpread.ts';
import { StringCache } from './StringCache.ts';
import { slowProductLoader } from './slowQuery.ts';

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

describe('StringCache (real Redis, real PostgreSQL loader)', () => {
  const db = useRedis('redis-string-cache-ttl');
  const { ns } = db;
  const pool = new pg.Pool({ connectionString: serviceUrl('postgres'), max: 4 });

  afterAll(async () => {
    await pool.end();
  });

  /** A loader that counts its calls, so "served from cache" is proven by the source not being asked. */
  const countingLoader = () => {
    const load = slowProductLoader(pool, 20);
    const calls: string[] = [];
    return {
      calls,
      load: (id: string, signal: AbortSignal) => {
        calls.push(id);
        return load(id, signal);
      },
    };
  };

  it('loads once on a miss, then serves concurrent readers from Redis without asking the source', async () => {
    const source = countingLoader();
    const cache = new StringCache({
      redis: db.redis,
      keyPrefix: `${ns}:a:`,
      ttlSeconds: 60,
      load: source.load,
    });

    const first = await cache.get('42');
    expect(first).toEqual({ hit: false, value: { id: '42', name: 'product 42', priceCents: 398 } });
    const reads = await Promise.all(Array.from({ length: 50 }, () => cache.get('42')));
    expect(reads.every((r) => r.hit && r.value.name === 'product 42')).toBe(true);
    expect(source.calls).toEqual(['42']);
    expect(await db.redis.ttl(`${ns}:a:42`)).toBeGreaterThan(55);
  });

  it('an entry disappears at its TTL and the next read goes back to the source', async () => {
    const source = countingLoader();
    const cache = new StringCache({
      redis: db.redis,
      keyPrefix: `${ns}:b:`,
      ttlSeconds: 1,
      load: source.load,
    });
    await cache.get('7');
    expect((await cache.get('7')).hit).toBe(true);

    await sleep(1_150);
    expect(await db.redis.exists(`${ns}:b:7`)).toBe(0);
    expect((await cache.get('7')).hit).toBe(false);
    expect(source.calls).toEqual(['7', '7']);
  });

  it('invalidate() forces a reload', async () => {
    const source = countingLoader();
    const cache = new StringCache({
      redis: db.redis,
      keyPrefix: `${ns}:c:`,
      ttlSeconds: 60,
      load: source.load,
    });
    await cache.get('1');
    await cache.invalidate('1');
    expect((await cache.get('1')).hit).toBe(false);
    expect(source.calls).toHaveLength(2);
  });

  // #region jitter-test
  it('without jitter, entries cached together all expire in the same second; with jitter they spread', async () => {
    const ids = Array.from({ length: 300 }, (_, i) => `p${i}`);
    const fill = async (prefix: string, jitter: number) => {
      // A fast loader: this test is about expiry times, not load latency.
      const cache = new StringCache({
        redis: db.redis,
        keyPrefix: prefix,
        ttlSeconds: 600,
        jitter,
        load: async (id) => id,
      });
      await Promise.all(ids.map((id) => cache.get(id)));
      return measureExpirySpread(
        db.redis,
        ids.map((id) => prefix + id),
      );
    };
    const plain = await fill(`${ns}:plain:`, 0);
    const jittered = await fill(`${ns}:jitter:`, 0.1);

    // Written within a second or two: without jitter at most two distinct expiry seconds.
    expect(plain.distinctSeconds).toBeLessThanOrEqual(2);
    expect(plain.largestSameSecond).toBeGreaterThanOrEqual(150);
    // ±10% of 600 s spreads them over about 120 seconds.
    expect(jittered.distinctSeconds).toBeGreaterThan(60);
    expect(jittered.largestSameSecond).toBeLessThan(20);
  });
  // #endregion jitter-test

  it('ttlFor stays within ± jitter and rejects nonsense options', () => {
    const at = (r: number) =>
      new StringCache({
        redis: db.redis,
        keyPrefix: 'x',
        ttlSeconds: 100,
        jitter: 0.2,
        load: async () => 0,
        random: () => r,
      }).ttlFor();
    expect(at(0)).toBe(80);
    expect(at(0.5)).toBe(100);
    expect(at(0.999999)).toBe(120);
    expect(
      () => new StringCache({ redis: db.redis, keyPrefix: 'x', ttlSeconds: 0, load: async () => 0 }),
    ).toThrow(/at least 1/);
    expect(
      () =>
        new StringCache({ redis: db.redis, keyPrefix: 'x', ttlSeconds: 5, jitter: 1, load: async () => 0 }),
    ).toThrow(/jitter/);
  });

  it('a loader slower than loadTimeoutMs fails the read and caches nothing', async () => {
    const cache = new StringCache({
      redis: db.redis,
      keyPrefix: `${ns}:slow:`,
      ttlSeconds: 60,
      loadTimeoutMs: 50,
      load: slowProductLoader(pool, 400),
    });
    await expect(cache.get('9')).rejects.toThrow(/loadTimeoutMs/);
    expect(await db.redis.exists(`${ns}:slow:9`)).toBe(0);
  });
});

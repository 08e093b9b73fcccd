import { createServer } from 'node:net';
import { Redis } from 'ioredis';
import { afterAll, describe, expect, it, vi } from 'vitest';
import { deleteRedisKeys as deleteKeys } from '../../../src/services/namespaces.ts';
import { useRedis } from '../../../src/testing/redis.ts';
import { serviceUrl } from '../../../src/testing/services.ts';
import { RateLimiterUnavailableError } from './RateLimiterUnavailableError.ts';
import { type RateLimitDecision, SlidingWindowLimiter } from './SlidingWindowLimiter.ts';

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

describe('SlidingWindowLimiter (real Redis)', () => {
  const db = useRedis('sliding-window-rate-limiter', { connections: 4 });
  const { ns } = db;
  const limiter = (
    limit: number,
    windowMs: number,
    extra: { limitFor?: (key: string) => number | undefined } = {},
  ) => new SlidingWindowLimiter({ redis: db.redis, limit, windowMs, keyPrefix: `${ns}:`, ...extra });

  // Runs before useRedis's afterAll, which sweeps once more and closes the clients.
  afterAll(async () => {
    await deleteKeys(db.redis, ns);
    expect(await deleteKeys(db.redis, ns)).toBe(0); // a second sweep finds nothing left behind
  });

  // #region exactness-test
  it('admits exactly `limit` of 200 concurrent callers spread over 4 connections', async () => {
    // Four limiters on four connections: four app servers sharing one Redis.
    const limiters = db.clients.map(
      (connection) =>
        new SlidingWindowLimiter({ redis: connection, limit: 100, windowMs: 60_000, keyPrefix: `${ns}:` }),
    );
    const decisions = await Promise.all(
      Array.from({ length: 200 }, (_, i) => limiters[i % limiters.length]!.consume('exact')),
    );

    const allowed = decisions.filter((d) => d.allowed);
    expect(allowed).toHaveLength(100);
    expect(decisions.filter((d) => !d.allowed)).toHaveLength(100);
    // Each admission saw a different count: the checks ran one at a time, never interleaved.
    expect(allowed.map((d) => d.remaining).sort((a, b) => a - b)).toEqual(
      Array.from({ length: 100 }, (_, i) => i),
    );
    expect(await db.redis.zcard(`${ns}:exact`)).toBe(100);
  });
  // #endregion exactness-test

  it('keeps keys independent and honours per-key limits and per-call overrides', async () => {
    const rl = limiter(2, 60_000, { limitFor: (key) => (key.startsWith('vip:') ? 5 : undefined) });

    expect((await rl.consume('user:a')).allowed).toBe(true);
    expect((await rl.consume('user:a')).allowed).toBe(true);
    expect((await rl.consume('user:a')).allowed).toBe(false);
    // user:a is exhausted; user:b has its own window.
    const b = await rl.consume('user:b');
    expect(b).toMatchObject({ allowed: true, limit: 2, remaining: 1 });

    const vip = [];
    for (let i = 0; i < 6; i++) vip.push(await rl.consume('vip:c'));
    expect(vip.map((d) => d.allowed)).toEqual([true, true, true, true, true, false]);
    expect(vip[0]).toMatchObject({ limit: 5, remaining: 4 });

    // A per-call limit wins over limitFor and the default.
    const override = await rl.consume('user:a', { limit: 3 });
    expect(override).toMatchObject({ allowed: true, limit: 3, remaining: 0 });
  });

  it('takes `cost` units at once, all or nothing', async () => {
    const rl = limiter(5, 60_000);
    expect(await rl.consume('bulk', { cost: 3 })).toMatchObject({ allowed: true, remaining: 2 });
    const denied = await rl.consume('bulk', { cost: 3 });
    // Denied calls take nothing: the 2 units left are still there for a smaller request.
    expect(denied).toMatchObject({ allowed: false, remaining: 2 });
    expect(denied.retryAfterMs).toBeGreaterThan(0);
    expect(await rl.consume('bulk', { cost: 2 })).toMatchObject({ allowed: true, remaining: 0 });
    await expect(rl.consume('bulk', { cost: 6 })).rejects.toThrow(RangeError);
  });

  it('lets requests through again once the window has slid past them', async () => {
    const windowMs = 400;
    const rl = limiter(3, windowMs);
    for (let i = 0; i < 3; i++) expect((await rl.consume('slide')).allowed).toBe(true);
    const denied = await rl.consume('slide');
    expect(denied.allowed).toBe(false);
    expect(denied.retryAfterMs).toBeGreaterThan(0);
    expect(denied.retryAfterMs).toBeLessThanOrEqual(windowMs);

    await sleep(windowMs + 200); // generous margin: timers only ever fire late
    expect(await rl.consume('slide')).toMatchObject({ allowed: true, remaining: 2 });
  });

  it('frees exactly the requests older than the window, at the moment Retry-After named', async () => {
    // Spaced requests, so only a log that drops each one as it ages out passes (a key that merely
    // expires, or a counter that resets, frees all three at once or none).
    const rl = limiter(3, 1_200);
    const start = performance.now();
    for (const at of [0, 400, 800]) {
      await sleep(Math.max(0, at - (performance.now() - start)));
      expect((await rl.consume('stagger')).allowed).toBe(true);
    }
    const denied = await rl.consume('stagger');
    expect(denied.allowed).toBe(false);
    await sleep(denied.retryAfterMs + 50);
    // t ≈ 1250 ms: the request from t = 0 has left; those from t ≈ 400 and t ≈ 800 still count.
    expect(await rl.consume('stagger')).toMatchObject({ allowed: true, remaining: 0 });
    expect((await rl.consume('stagger')).allowed).toBe(false);
  });

  it('resets when the oldest unit leaves and sets Retry-After to when this cost fits, to the ms', async () => {
    const windowMs = 60_000;
    const rl = limiter(5, windowMs);
    const first = await rl.consume('when', { cost: 2 });
    await sleep(20); // the two admissions get different server times
    const second = await rl.consume('when', { cost: 3 });
    for (const d of [first, second]) {
      expect(d.resetAtMs).toBe(first.serverTimeMs + windowMs); // the oldest unit, not "a window from now"
      expect(d.resetInMs).toBe(d.resetAtMs - d.serverTimeMs);
    }
    // Full. One more unit fits when the oldest leaves ...
    const one = await rl.consume('when');
    expect(one.allowed).toBe(false);
    expect(one.retryAfterMs).toBe(first.serverTimeMs + windowMs - one.serverTimeMs);
    // ... but three need the third-oldest gone, and that one came with the second call.
    const three = await rl.consume('when', { cost: 3 });
    expect(three.allowed).toBe(false);
    expect(three.retryAfterMs).toBe(second.serverTimeMs + windowMs - three.serverTimeMs);
  });

  // #region no-boundary-burst-test
  it('never admits more than `limit` in any window-long span (no burst at a boundary)', async () => {
    // A fixed window of 1200 ms opened by the first request would reset at ~1200 ms and admit a
    // fresh 5 right after a burst at 600 ms. A sliding window still counts that burst.
    const rl = limiter(5, 1_200);
    const burst = async (n: number) => {
      const ds = await Promise.all(Array.from({ length: n }, () => rl.consume('edge')));
      return ds.filter((d) => d.allowed).length;
    };
    const start = performance.now();
    expect(await burst(1)).toBe(1); // t = 0
    await sleep(600 - (performance.now() - start));
    expect(await burst(10)).toBe(4); // t ≈ 600 ms: fills the limit
    await sleep(1_500 - (performance.now() - start));
    // t ≈ 1500 ms: only the request from t = 0 has left the window; the 4 from t ≈ 600 still count.
    expect(await burst(10)).toBe(1);
  });
  // #endregion no-boundary-burst-test

  it('produces headers that count down and carry Retry-After only when denied', async () => {
    const rl = limiter(3, 2_000);
    const decisions: RateLimitDecision[] = [];
    for (let i = 0; i < 4; i++) decisions.push(await rl.consume('headers'));
    const headers = decisions.map((d) => rl.headers(d));

    expect(headers.map((h) => h['X-RateLimit-Remaining'])).toEqual(['2', '1', '0', '0']);
    expect(headers.map((h) => h['X-RateLimit-Limit'])).toEqual(['3', '3', '3', '3']);
    for (const h of headers) {
      const reset = Number(h['X-RateLimit-Reset']);
      expect(reset).toBeGreaterThanOrEqual(1);
      expect(reset).toBeLessThanOrEqual(2); // delta seconds, never more than one window
    }
    expect(headers.slice(0, 3).every((h) => h['Retry-After'] === undefined)).toBe(true);
    const retryAfter = Number(headers[3]!['Retry-After']);
    expect(retryAfter).toBeGreaterThanOrEqual(1);
    expect(retryAfter).toBeLessThanOrEqual(2);
  });

  it('gives every key a TTL of at most one window, so idle keys clean themselves up', async () => {
    const rl = limiter(10, 5_000);
    await rl.consume('ttl');
    const pttl = await db.redis.pttl(`${ns}:ttl`);
    expect(pttl).toBeGreaterThan(0);
    expect(pttl).toBeLessThanOrEqual(5_000);
  });

  it('decides on the Redis clock, so a client clock an hour fast changes nothing', async () => {
    const rl = limiter(10, 3_000);
    vi.useFakeTimers({ toFake: ['Date'] });
    try {
      vi.setSystemTime(Date.now() + 3_600_000);
      const decision = await rl.consume('skew');
      const [seconds, micros] = await db.redis.time();
      const redisNowMs = Number(seconds) * 1000 + Math.floor(Number(micros) / 1000);
      expect(Math.abs(decision.serverTimeMs - redisNowMs)).toBeLessThan(1_000);
      expect(decision.resetInMs).toBeGreaterThan(0);
      expect(decision.resetInMs).toBeLessThanOrEqual(3_000);
    } finally {
      vi.useRealTimers();
    }
  });

  it('rejects options it cannot honour, saying which', () => {
    expect(() => limiter(0, 1_000)).toThrow(/limit must be a positive integer/);
    expect(() => limiter(10, 1.5)).toThrow(/windowMs must be a positive integer/);
  });

  it('opens and closes its own connection when given a URL', async () => {
    const rl = new SlidingWindowLimiter({
      redis: serviceUrl('redis'),
      limit: 1,
      windowMs: 1_000,
      keyPrefix: `${ns}:`,
    });
    expect((await rl.consume('owned')).allowed).toBe(true);
    await rl.close();
    await expect(rl.consume('owned')).rejects.toThrow(/after close\(\)/);
  });

  it('passes a Redis error reply through instead of failing open on it', async () => {
    await db.redis.set(`${ns}:not-a-zset`, 'x');
    const rl = new SlidingWindowLimiter({
      redis: db.redis,
      limit: 5,
      windowMs: 1_000,
      keyPrefix: `${ns}:`,
      onRedisError: 'fail-open',
    });
    await expect(rl.consume('not-a-zset')).rejects.toThrow(/WRONGTYPE/);
  });
});

describe('SlidingWindowLimiter when Redis is unreachable', () => {
  /** A client for a port nothing listens on: commands queue while it retries, as in a real outage. */
  async function deadRedis(): Promise<Redis> {
    const server = createServer();
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const address = server.address();
    await new Promise<void>((resolve) => server.close(() => resolve()));
    if (address === null || typeof address === 'string') throw new Error('expected a TCP address');
    const client = new Redis({ host: '127.0.0.1', port: address.port, retryStrategy: () => 100 });
    client.on('error', () => {}); // connection refused is the point of these tests
    return client;
  }
  const make = (redis: Redis, onRedisError?: 'throw' | 'fail-open' | 'fail-closed') =>
    new SlidingWindowLimiter({ redis, limit: 10, windowMs: 1_000, timeoutMs: 100, onRedisError });

  it('throws a RateLimiterUnavailableError that says what to do, after timeoutMs (default mode)', async () => {
    const redis = await deadRedis();
    try {
      const start = performance.now();
      const error = await make(redis)
        .consume('k')
        .catch((e: unknown) => e);
      expect(error).toBeInstanceOf(RateLimiterUnavailableError);
      expect((error as Error).message).toMatch(/within 100 ms.*fail-open.*fail-closed/s);
      expect(performance.now() - start).toBeLessThan(2_000);
    } finally {
      redis.disconnect();
    }
  });

  it('fail-open allows and marks the decision degraded; fail-closed denies with a short Retry-After', async () => {
    const redis = await deadRedis();
    try {
      const open = await make(redis, 'fail-open').consume('k');
      expect(open).toMatchObject({ allowed: true, degraded: 'fail-open' });
      const closedLimiter = make(redis, 'fail-closed');
      const closed = await closedLimiter.consume('k');
      expect(closed).toMatchObject({ allowed: false, degraded: 'fail-closed' });
      expect(closedLimiter.headers(closed)).toEqual({ 'X-RateLimit-Limit': '10', 'Retry-After': '1' });
    } finally {
      redis.disconnect();
    }
  });

  it('stops waiting when the caller aborts, with the abort reason rather than a fallback decision', async () => {
    const redis = await deadRedis();
    try {
      const rl = new SlidingWindowLimiter({
        redis,
        limit: 10,
        windowMs: 1_000,
        timeoutMs: 10_000,
        onRedisError: 'fail-open',
      });
      const controller = new AbortController();
      setTimeout(() => controller.abort(), 50);
      await expect(rl.consume('k', { signal: controller.signal })).rejects.toMatchObject({
        name: 'AbortError',
      });
    } finally {
      redis.disconnect();
    }
  });
});

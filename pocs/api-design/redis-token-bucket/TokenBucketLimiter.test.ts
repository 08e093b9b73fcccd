import { describe, expect, it, vi } from 'vitest';
import { useRedis } from '../../../src/testing/redis.ts';
import { racyTake } from './racyTokenBucket.ts';
import { TokenBucketLimiter } from './TokenBucketLimiter.ts';

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

describe('TokenBucketLimiter (real Redis)', () => {
  const db = useRedis('redis-token-bucket', { connections: 4 });
  const { ns } = db;
  const bucket = (capacity: number, refillPerSecond: number) =>
    new TokenBucketLimiter({ redis: db.redis, capacity, refillPerSecond, keyPrefix: `${ns}:` });

  // #region exactness-test
  it('admits exactly `capacity` of 200 concurrent callers at t0, over 4 connections', async () => {
    // A refill so slow (1 token per 1000 s) that no token can drip in during the test.
    const limiters = db.clients.map(
      (c) => new TokenBucketLimiter({ redis: c, capacity: 50, refillPerSecond: 0.001, keyPrefix: `${ns}:` }),
    );
    const decisions = await Promise.all(
      Array.from({ length: 200 }, (_, i) => limiters[i % limiters.length]!.take('exact')),
    );
    const allowed = decisions.filter((d) => d.allowed);
    expect(allowed).toHaveLength(50);
    // Every admission saw a different balance: the checks ran one at a time.
    expect(new Set(allowed.map((d) => Math.floor(d.tokens))).size).toBe(50);
  });
  // #endregion exactness-test

  it('the same bucket in two round trips (no script) over-admits the same burst', async () => {
    const results = await Promise.all(
      Array.from({ length: 200 }, (_, i) => racyTake(db.clients[i % 4]!, `${ns}:racy`, 50, 0.001)),
    );
    expect(results.filter(Boolean).length).toBeGreaterThan(50);
  });

  // #region refill-test
  it('refills at the configured rate: after an interval it grants floor(elapsed × rate) more', async () => {
    const rate = 10; // one token per 100 ms
    const rl = bucket(20, rate);
    const drain = await Promise.all(Array.from({ length: 20 }, () => rl.take('refill')));
    expect(drain.every((d) => d.allowed)).toBe(true);
    const drainedAt = Math.max(...drain.map((d) => d.serverTimeMs));
    expect((await rl.take('refill')).allowed).toBe(false);

    await sleep(450);
    // 20 calls in one burst: Redis runs them back to back, within a millisecond or so.
    const after = await Promise.all(Array.from({ length: 20 }, () => rl.take('refill')));
    const granted = after.filter((d) => d.allowed).length;
    // Measured on the Redis clock, the same clock the script uses (the leftover fraction of the
    // drain adds less than one token, so floor() of the elapsed interval bounds it on both sides).
    const first = Math.min(...after.map((d) => d.serverTimeMs));
    const last = Math.max(...after.map((d) => d.serverTimeMs));
    expect(granted).toBeGreaterThanOrEqual(Math.floor(((first - drainedAt - 1) * rate) / 1000));
    expect(granted).toBeLessThanOrEqual(Math.floor(((last - drainedAt + 1) * rate) / 1000) + 1);
    expect(granted).toBeGreaterThanOrEqual(4); // slept at least 450 ms at 10 per second
  });
  // #endregion refill-test

  // Two mechanisms hold this: min(capacity, …) in the script, and the key expiring exactly when the
  // bucket is full again (a missing bucket reads as full, not fuller). Either alone passes it.
  it('never refills past capacity, however long the bucket sat idle', async () => {
    const rl = bucket(3, 20); // would hold 3 + 6 tokens after 300 ms without the cap
    await rl.take('cap');
    await sleep(300);
    const burst = await Promise.all(Array.from({ length: 10 }, () => rl.take('cap')));
    expect(burst.filter((d) => d.allowed)).toHaveLength(3);
  });

  it('takes `cost` tokens all or nothing, and says how long until they fit', async () => {
    const rl = bucket(10, 2); // 2 tokens per second: 500 ms per token
    const t0 = performance.now();
    expect(await rl.take('cost', { cost: 8 })).toMatchObject({ allowed: true });
    const denied = await rl.take('cost', { cost: 5 });
    const elapsedMs = performance.now() - t0;
    expect(denied.allowed).toBe(false);
    // 2 tokens left, 3 more needed at 2 per second: 1500 ms, less what refilled between the two takes
    // (at 2 per second, 1 ms of waiting is 1 ms off): exact, however slow the box.
    expect(denied.retryAfterMs).toBeGreaterThanOrEqual(1_500 - Math.ceil(elapsedMs) - 1);
    expect(denied.retryAfterMs).toBeLessThanOrEqual(1_500);
    expect((await rl.take('cost', { cost: 2 })).allowed).toBe(true); // the denial took nothing
    await expect(rl.take('cost', { cost: 11 })).rejects.toThrow(/exceeds capacity/);
  });

  it('sets a TTL equal to the time until full, so an idle bucket disappears', async () => {
    const rl = bucket(5, 10); // empty to full in 500 ms
    for (let i = 0; i < 5; i++) await rl.take('ttl');
    const pttl = await db.redis.pttl(`${ns}:ttl`);
    expect(pttl).toBeGreaterThan(0);
    expect(pttl).toBeLessThanOrEqual(500);
    await sleep(700);
    expect(await db.redis.exists(`${ns}:ttl`)).toBe(0);
    // A vanished bucket is a full one.
    const burst = await Promise.all(Array.from({ length: 6 }, () => rl.take('ttl')));
    expect(burst.filter((d) => d.allowed)).toHaveLength(5);
  });

  it('decides on the Redis clock: a client clock an hour fast earns no extra tokens', async () => {
    const rl = bucket(5, 0.001);
    for (let i = 0; i < 5; i++) await rl.take('skew');
    vi.useFakeTimers({ toFake: ['Date'] });
    try {
      vi.setSystemTime(Date.now() + 3_600_000);
      expect((await rl.take('skew')).allowed).toBe(false);
    } finally {
      vi.useRealTimers();
    }
  });

  it('rejects options it cannot honour, saying which', () => {
    expect(() => bucket(0, 1)).toThrow(/capacity must be a positive integer/);
    expect(() => bucket(5, 0)).toThrow(/refillPerSecond must be a positive number/);
  });
});

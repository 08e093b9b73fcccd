import type { Redis } from 'ioredis';
import { describe, expect, it } from 'vitest';
import { useRedis } from '../../../src/testing/redis.ts';
import { FixedWindowCounter, incrementAtomic, incrementRacy } from './counters.ts';

const CONNECTIONS = 10;

/** `clients` concurrent loops, spread over several connections (several app servers), each adding 1 `times` times. */
async function hammer(
  connections: readonly Redis[],
  clients: number,
  times: number,
  increment: (redis: Redis) => Promise<unknown>,
): Promise<void> {
  await Promise.all(
    Array.from({ length: clients }, async (_, c) => {
      const redis = connections[c % connections.length]!;
      for (let i = 0; i < times; i++) await increment(redis);
    }),
  );
}

describe('counters (real Redis)', () => {
  const db = useRedis('redis-incr-counters', { connections: CONNECTIONS });
  const { ns } = db;

  // #region exact-test
  it('INCRBY: 100 concurrent clients × 1,000 increments end at exactly 100,000', async () => {
    const key = `${ns}:atomic`;
    await hammer(db.clients, 100, 1_000, (r) => incrementAtomic(r, key));
    expect(Number(await db.redis.get(key))).toBe(100_000);
  });

  it('GET + SET: 100 concurrent clients × 100 increments lose updates', async () => {
    const key = `${ns}:racy`;
    await hammer(db.clients, 100, 100, (r) => incrementRacy(r, key));
    const final = Number(await db.redis.get(key));
    expect(final).toBeLessThan(10_000);
    expect(final).toBeGreaterThan(0);
  });
  // #endregion exact-test

  it('per-minute counters: one key per window, each with an expiry set on its first hit', async () => {
    let now = Date.UTC(2025, 0, 1, 12, 0, 10);
    const counter = new FixedWindowCounter({
      redis: db.redis,
      keyPrefix: `${ns}:pm:`,
      keepWindows: 2,
      now: () => now,
    });
    await Promise.all(Array.from({ length: 30 }, () => counter.hit('home')));
    now += 60_000; // the next minute
    await Promise.all(Array.from({ length: 5 }, () => counter.hit('home')));
    await counter.hit('home', 10);

    expect(await counter.recent('home', 3)).toEqual([0, 30, 15]);
    const key = counter.keyFor('home', counter.windowOf(now));
    const ttl = await db.redis.ttl(key);
    expect(ttl).toBeGreaterThan(170);
    expect(ttl).toBeLessThanOrEqual(180); // (1 + keepWindows) × 60 s, not extended by later hits
  });

  it('a window counter without later hits disappears at its expiry', async () => {
    // A fixed clock: with the real one a 300 ms window can roll over between the hit and keyFor below.
    const at = Date.now();
    const counter = new FixedWindowCounter({
      redis: db.redis,
      keyPrefix: `${ns}:short:`,
      windowMs: 300,
      keepWindows: 1,
      now: () => at,
    });
    await counter.hit('x');
    const key = counter.keyFor('x', counter.windowOf(at));
    // ceil(2 windows × 300 ms) = 1 s, whole seconds (PTTL: TTL rounds to 0 once half a second has gone).
    const pttl = await db.redis.pttl(key);
    expect(pttl).toBeGreaterThan(600);
    expect(pttl).toBeLessThanOrEqual(1_000);
    await new Promise((r) => setTimeout(r, 1_300));
    expect(await db.redis.exists(key)).toBe(0);
  });
});

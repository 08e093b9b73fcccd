import { describe, expect, it } from 'vitest';
import { useRedis } from '../../../src/testing/redis.ts';
import { runConcurrentVisits } from './concurrentVisits.ts';
import { UniqueVisitors } from './UniqueVisitors.ts';

const db = useRedis('unique-visitors', { connections: 8 });
const { ns } = db;

describe('UniqueVisitors (real Redis)', () => {
  it('counts exactly under concurrent SADD from 8 connections: 1,000 visitors × 5 visits → 1,000', async () => {
    const result = await runConcurrentVisits({
      connections: [...db.clients],
      visitors: (redis) => new UniqueVisitors({ redis, keyPrefix: `${ns}:uv:` }),
      racyPrefix: `${ns}:racy:`,
      visitorCount: 1_000,
      visitsEach: 5,
      seed: 110,
    });
    expect(result.visits).toBe(5_000);
    expect(result.setCount).toBe(1_000);
    // Each visitor was reported as "first visit" exactly once, whichever server saw it first.
    expect(result.firstVisitReplies).toBe(1_000);
    // The check-then-increment counter can only err upwards (it never misses a visitor).
    expect(result.racyCount).toBeGreaterThanOrEqual(1_000);
  });

  it('SUNIONSTORE counts a visitor seen on several days once, and leaves no scratch key', async () => {
    const uv = new UniqueVisitors({ redis: db.redis, keyPrefix: `${ns}:week:` });
    await uv.visitMany('pricing', 'mon', ['a', 'b', 'c']);
    await uv.visitMany('pricing', 'tue', ['b', 'c', 'd']);
    await uv.visitMany('pricing', 'wed', ['e']);
    expect(await uv.count('pricing', 'tue')).toBe(3);
    expect(await uv.countAcross('pricing', ['mon', 'tue', 'wed'])).toBe(5);
    expect(await uv.countAcross('pricing', ['mon', 'tue', 'sun'])).toBe(4); // a missing day is an empty set
    expect(await db.redis.keys(`${ns}:week:tmp:*`)).toEqual([]);
    expect(await db.redis.ttl(uv.key('pricing', 'mon'))).toBeGreaterThan(0);
  });
});

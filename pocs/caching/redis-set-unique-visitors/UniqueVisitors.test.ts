import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { deleteRedisKeys } from '../../../src/lab/index.ts';
import { serviceUrl, testNamespace } from '../../../src/testing/services.ts';
import { runConcurrentVisits } from './concurrentVisits.ts';
import { UniqueVisitors } from './UniqueVisitors.ts';

const ns = testNamespace('unique-visitors');
let connections: Redis[];

beforeAll(() => {
  connections = Array.from({ length: 8 }, () => new Redis(serviceUrl('redis')));
});
afterAll(async () => {
  await deleteRedisKeys(connections[0]!, ns);
  await Promise.all(connections.map((c) => c.quit()));
});

describe('UniqueVisitors (real Redis)', () => {
  it('counts exactly under concurrent SADD from 8 connections: 1,000 visitors × 5 visits → 1,000', async () => {
    const result = await runConcurrentVisits({
      connections,
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
    const uv = new UniqueVisitors({ redis: connections[0]!, keyPrefix: `${ns}:week:` });
    await uv.visitMany('pricing', 'mon', ['a', 'b', 'c']);
    await uv.visitMany('pricing', 'tue', ['b', 'c', 'd']);
    await uv.visitMany('pricing', 'wed', ['e']);
    expect(await uv.count('pricing', 'tue')).toBe(3);
    expect(await uv.countAcross('pricing', ['mon', 'tue', 'wed'])).toBe(5);
    expect(await uv.countAcross('pricing', ['mon', 'tue', 'sun'])).toBe(4); // a missing day is an empty set
    expect(await connections[0]!.keys(`${ns}:week:tmp:*`)).toEqual([]);
    expect(await connections[0]!.ttl(uv.key('pricing', 'mon'))).toBeGreaterThan(0);
  });
});

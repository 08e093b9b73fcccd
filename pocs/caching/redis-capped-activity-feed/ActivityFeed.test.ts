import { Redis } from 'ioredis';
import { describe, expect, it } from 'vitest';
import { useRedis } from '../../../src/testing/redis.ts';
import { serviceUrl } from '../../../src/testing/services.ts';
import { ActivityFeed } from './ActivityFeed.ts';

describe('ActivityFeed (real Redis)', () => {
  const db = useRedis('redis-capped-activity-feed');
  const { ns } = db;

  it('keeps the newest `cap` events, newest first, and pages through them without gaps or overlaps', async () => {
    const feed = new ActivityFeed({ redis: db.redis, keyPrefix: `${ns}:f:`, cap: 50 });
    for (let i = 1; i <= 130; i++) await feed.push('u1', `e${i}`);

    expect(await feed.length('u1')).toBe(50);
    const pages = await Promise.all([0, 1, 2].map((p) => feed.page('u1', p, 20)));
    expect(pages.map((p) => p.length)).toEqual([20, 20, 10]);
    expect(pages.flat()).toEqual(Array.from({ length: 50 }, (_, i) => `e${130 - i}`));
    expect(await feed.page('u1', 3, 20)).toEqual([]);
  });

  // #region cap-test
  it('8 concurrent pushers on their own connections: no reader ever sees more than the cap', async () => {
    const cap = 100;
    const pushers = Array.from({ length: 8 }, () => new Redis(serviceUrl('redis')));
    const reader = new Redis(serviceUrl('redis'));
    try {
      const feeds = pushers.map((r) => new ActivityFeed({ redis: r, keyPrefix: `${ns}:c:`, cap }));
      let pushing = true;
      let maxSeen = 0;
      let samples = 0;
      const sampling = (async () => {
        while (pushing) {
          maxSeen = Math.max(maxSeen, await reader.llen(`${ns}:c:shared`));
          samples++;
        }
      })();
      await Promise.all(
        feeds.map(async (feed, p) => {
          for (let i = 0; i < 250; i++) await feed.push('shared', `p${p}:${String(i).padStart(4, '0')}`);
        }),
      );
      pushing = false;
      await sampling;

      expect(samples).toBeGreaterThan(10);
      expect(maxSeen).toBeLessThanOrEqual(cap);
      const events = await feeds[0]!.page('shared', 0, 1_000);
      expect(events).toHaveLength(cap);
      // Newest first: each pusher's own events appear in descending order.
      for (let p = 0; p < 8; p++) {
        const mine = events.filter((e) => e.startsWith(`p${p}:`));
        expect(mine).toEqual([...mine].sort().reverse());
      }
    } finally {
      await Promise.all([...pushers, reader].map((r) => r.quit()));
    }
  });
  // #endregion cap-test

  it('a batch larger than the cap keeps only its newest events', async () => {
    const feed = new ActivityFeed({ redis: db.redis, keyPrefix: `${ns}:b:`, cap: 3 });
    await feed.push('u', 'a', 'b', 'c', 'd', 'e'); // LPUSH a..e leaves e first
    expect(await feed.page('u', 0, 10)).toEqual(['e', 'd', 'c']);
    expect(() => new ActivityFeed({ redis: db.redis, keyPrefix: 'x', cap: 0 })).toThrow(/cap/);
  });
});

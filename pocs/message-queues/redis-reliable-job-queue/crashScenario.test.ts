import { Redis } from 'ioredis';
import { describe, expect, it } from 'vitest';
import { useRedis } from '../../../src/testing/redis.ts';
import { runCrashScenario } from './crashScenario.ts';
import { queueKeys, ReliableQueue, reapDeadWorkers } from './ReliableQueue.ts';

describe('reliable job queue (real Redis, a real worker process SIGKILLed mid-job)', () => {
  const db = useRedis('redis-reliable-job-queue');
  const { ns, url } = db;

  // #region crash-test
  it('BLMOVE + processing list + reaper: every one of 60 jobs completes after a crash, none lost', async () => {
    const r = await runCrashScenario({
      redis: db.redis,
      url,
      prefix: `${ns}:rel:`,
      mode: 'reliable',
      jobs: 60,
      killAtStart: 20,
      jobMs: 15,
      heartbeatTtlMs: 400,
    });
    expect(r.lost).toBe(0);
    expect(r.completedUnique).toBe(60);
    expect(r.requeuedByReaper).toBe(1); // the job it was working on when it died
    expect(r.duplicates).toBeGreaterThanOrEqual(0); // at-least-once: counted, and reported by the demo
    expect(await db.redis.llen(`${ns}:rel:processing:doomed`)).toBe(0);
  });

  it('plain BRPOP: the job in flight when the worker dies is lost', async () => {
    const r = await runCrashScenario({
      redis: db.redis,
      url,
      prefix: `${ns}:pop:`,
      mode: 'brpop',
      jobs: 60,
      killAtStart: 20,
      jobMs: 15,
      heartbeatTtlMs: 400,
    });
    expect(r.lost).toBeGreaterThanOrEqual(1);
    expect(r.completedUnique).toBe(60 - r.lost);
  });
  // #endregion crash-test

  it('the reaper leaves a live worker alone and requeues a dead one in claim order', async () => {
    const prefix = `${ns}:reap:`;
    const keys = queueKeys(prefix);
    const queue = new ReliableQueue(db.redis, prefix);
    await queue.enqueue('a', 'b', 'c', 'd');
    await queue.heartbeat('live', 60_000);
    await queue.heartbeat('dead', 1);
    await queue.claim('live', 0.1); // a
    await queue.claim('dead', 0.1); // b
    await queue.claim('dead', 0.1); // c
    await new Promise((r) => setTimeout(r, 20));

    expect((await reapDeadWorkers(db.redis, prefix)).sort()).toEqual(['b', 'c']);
    expect(await db.redis.lrange(keys.processing('live'), 0, -1)).toEqual(['a']);
    // b was claimed first, so it is consumed first again (the queue is consumed from the right).
    expect(await db.redis.lrange(keys.queue, 0, -1)).toEqual(['d', 'c', 'b']);
    expect(await db.redis.smembers(keys.workers)).toEqual(['live']);
  });

  it('concurrent claimers on separate connections never get the same job', async () => {
    const prefix = `${ns}:claim:`;
    const connections = Array.from({ length: 5 }, () => new Redis(url));
    try {
      await new ReliableQueue(db.redis, prefix).enqueue(...Array.from({ length: 200 }, (_, i) => `j${i}`));
      const claimed = await Promise.all(
        connections.map(async (c, w) => {
          const q = new ReliableQueue(c, prefix);
          const mine: string[] = [];
          for (let job = await q.claim(`w${w}`, 0.1); job !== null; job = await q.claim(`w${w}`, 0.1))
            mine.push(job);
          return mine;
        }),
      );
      const all = claimed.flat();
      expect(all).toHaveLength(200);
      expect(new Set(all).size).toBe(200);
    } finally {
      await Promise.all(connections.map((c) => c.quit()));
    }
  });
});

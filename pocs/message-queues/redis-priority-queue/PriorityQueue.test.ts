import { describe, expect, it } from 'vitest';
import { useRedis } from '../../../src/testing/redis.ts';
import { type Claimed, PriorityQueue } from './PriorityQueue.ts';

describe('PriorityQueue (real Redis)', () => {
  // The producer's connection, then one for each of 5 workers (BZPOPMIN blocks the connection it runs on).
  const db = useRedis('redis-priority-queue', { connections: 6 });
  const { ns } = db;
  const workers = () => db.clients.slice(1);

  // #region exactly-once-test
  it('5 workers × 1,000 jobs: each job popped exactly once, each worker in priority-then-FIFO order', async () => {
    const key = `${ns}:q`;
    const producer = new PriorityQueue(db.redis, key);
    await Promise.all(Array.from({ length: 1_000 }, (_, i) => producer.enqueue(`job-${i}`, (i * 7) % 10)));

    const popped = await Promise.all(
      workers().map(async (connection) => {
        const queue = new PriorityQueue(connection, key);
        const mine: Claimed[] = [];
        for (let c = await queue.dequeue(0.2); c !== null; c = await queue.dequeue(0.2)) mine.push(c);
        return mine;
      }),
    );

    const all = popped.flat().map((c) => c.job);
    expect(all).toHaveLength(1_000);
    expect(new Set(all).size).toBe(1_000);
    expect(popped.filter((mine) => mine.length > 0).length).toBeGreaterThan(1); // the work was really shared
    for (const mine of popped) {
      for (let i = 1; i < mine.length; i++) {
        const [a, b] = [mine[i - 1]!, mine[i]!];
        expect(a.priority < b.priority || (a.priority === b.priority && a.seq < b.seq)).toBe(true);
      }
    }
  });
  // #endregion exactly-once-test

  it('FIFO within a priority; a more urgent job jumps the line', async () => {
    const queue = new PriorityQueue(db.redis, `${ns}:fifo`);
    for (const job of ['a1', 'a2', 'a3']) await queue.enqueue(job, 5);
    await queue.enqueue('urgent', 0);
    const order = [];
    for (let i = 0; i < 4; i++) order.push((await queue.dequeue(0.1))!.job);
    expect(order).toEqual(['urgent', 'a1', 'a2', 'a3']);
  });

  it('a blocked worker wakes up for a job enqueued later; an empty queue times out with null', async () => {
    const queue = new PriorityQueue(workers()[0]!, `${ns}:block`);
    const waiting = queue.dequeue(2);
    await new Promise((r) => setTimeout(r, 100));
    await new PriorityQueue(db.redis, `${ns}:block`).enqueue('late', 3);
    expect(await waiting).toMatchObject({ job: 'late', priority: 3 });
    expect(await queue.dequeue(0.1)).toBeNull();
  });

  it('enqueue is idempotent per job id and validates the priority', async () => {
    const queue = new PriorityQueue(db.redis, `${ns}:idem`);
    expect(await queue.enqueue('j', 4)).toBe(true);
    expect(await queue.enqueue('j', 0)).toBe(false);
    expect(await queue.size()).toBe(1);
    expect((await queue.dequeue(0.1))!.priority).toBe(4);
    await expect(queue.enqueue('k', -1)).rejects.toThrow(/priority/);
    await expect(queue.enqueue('k', 1.5)).rejects.toThrow(/priority/);
  });
});

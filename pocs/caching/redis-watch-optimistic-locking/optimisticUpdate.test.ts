import { describe, expect, it } from 'vitest';
import { useRedis } from '../../../src/testing/redis.ts';
import { runIncrementRace } from './incrementRace.ts';
import { OptimisticLockRetriesExhaustedError, optimisticUpdate } from './optimisticUpdate.ts';

const db = useRedis('watch-optimistic', { connections: 2 });
const { ns, url } = db;
/** A second client: another app server, writing while we work. */
const other = () => db.clients[1]!;

describe('optimistic locking with WATCH (real Redis)', () => {
  it('50 concurrent incrementers on 50 connections end at exactly 50, with conflicts retried', async () => {
    const result = await runIncrementRace('watch', {
      url,
      key: `${ns}:counter:watch`,
      incrementers: 50,
      thinkMs: 2,
    });
    expect(result.final).toBe(50);
    expect(result.lostUpdates).toBe(0);
    // The race really happened: some EXECs came back null and were retried.
    expect(result.conflicts).toBeGreaterThan(0);
  });

  it('the same read-modify-write without WATCH loses updates', async () => {
    const result = await runIncrementRace('naive', {
      url,
      key: `${ns}:counter:naive`,
      incrementers: 50,
      thinkMs: 2,
    });
    expect(result.final).toBeLessThan(50);
    expect(result.lostUpdates).toBeGreaterThan(0);
  });

  it('EXEC replies null when another client writes the key between WATCH and EXEC', async () => {
    const key = `${ns}:conflict`;
    await db.redis.set(key, '1');
    await db.redis.watch(key);
    await other().set(key, '2'); // the other client's write invalidates our WATCH
    const replies = await db.redis.multi().set(key, '100').exec();
    expect(replies).toBeNull();
    expect(await db.redis.get(key)).toBe('2');
  });

  it('counts attempts: a conflict forced on the first try is retried once', async () => {
    const key = `${ns}:retry`;
    await db.redis.set(key, '10');
    let calls = 0;
    const result = await optimisticUpdate(db.redis, key, (current) => {
      calls++;
      // First attempt only: another client writes after our GET, before our EXEC.
      if (calls === 1) void other().set(key, '20');
      return Number(current) + 1;
    });
    // compute is synchronous, but other().set is sent before our MULTI/EXEC on another socket and
    // Redis serves it first, so attempt 1 conflicts and attempt 2 reads 20.
    expect(result).toEqual({ value: 21, attempts: 2 });
    expect(await db.redis.get(key)).toBe('21');
  });

  it('gives up with a helpful error when it never wins', async () => {
    const key = `${ns}:hot`;
    await db.redis.set(key, '0');
    const attempt = optimisticUpdate(
      db.redis,
      key,
      (current) => {
        void other().incr(key); // every attempt is invalidated
        return Number(current) + 1;
      },
      { maxRetries: 3, maxBackoffMs: 0 },
    );
    await expect(attempt).rejects.toBeInstanceOf(OptimisticLockRetriesExhaustedError);
    await expect(attempt).rejects.toThrow(/lost the race 3 times/);
  });

  it('stops retrying when the signal is aborted', async () => {
    const controller = new AbortController();
    controller.abort(new Error('request cancelled'));
    await expect(
      optimisticUpdate(db.redis, `${ns}:aborted`, () => 1, { signal: controller.signal }),
    ).rejects.toThrow('request cancelled');
  });
});

import { setTimeout as sleep } from 'node:timers/promises';
import type { Redis } from 'ioredis';
import { describe, expect, it } from 'vitest';
import { useRedis } from '../../../src/testing/redis.ts';
import { FencedResource } from './FencedResource.ts';
import { LockAcquireTimeoutError, RedisLock } from './RedisLock.ts';

const db = useRedis('redis-lock', { connections: 10 });
const { ns } = db;

/** 50 contenders spread over 10 connections each add 1 to a counter with GET, 2 ms of work, SET. */
async function contend(key: string, guard: (i: number, work: () => Promise<void>) => Promise<unknown>) {
  await db.redis.set(key, 0);
  const increment = async (client: Redis) => {
    const value = Number(await client.get(key));
    await sleep(2);
    await client.set(key, value + 1);
  };
  await Promise.all(Array.from({ length: 50 }, (_, i) => guard(i, () => increment(db.clients[i % 10]!))));
  return Number(await db.redis.get(key));
}

describe('RedisLock (real Redis)', () => {
  it('gives mutual exclusion to 50 concurrent contenders: the protected counter is exact', async () => {
    const locks = db.clients.map(
      (c) =>
        new RedisLock({
          redis: c,
          keyPrefix: `${ns}:mutex:`,
          ttlMs: 5_000,
          retryDelayMs: 5,
          retryJitterMs: 10,
        }),
    );
    const fencingTokens: number[] = [];
    const count = await contend(`${ns}:counter:locked`, (i, work) =>
      locks[i % 10]!.withLock('counter', async (lease) => {
        fencingTokens.push(lease.fencingToken);
        await work();
      }),
    );
    expect(count).toBe(50);
    // Every acquisition got the next fencing token, in the order the lock was granted.
    expect(fencingTokens).toEqual(Array.from({ length: 50 }, (_, i) => i + 1));
    expect(await db.redis.exists(`${ns}:mutex:counter`)).toBe(0); // released
  });

  it('the control: the same contenders without the lock lose increments', async () => {
    const count = await contend(`${ns}:counter:unlocked`, (_i, work) => work());
    expect(count).toBeLessThan(50);
  });

  it('a second acquirer waits, then gets the lock once the holder releases it', async () => {
    const lock = new RedisLock({
      redis: db.redis,
      keyPrefix: `${ns}:wait:`,
      ttlMs: 5_000,
      retryDelayMs: 10,
      retryJitterMs: 5,
    });
    const first = await lock.acquire('r');
    expect(await lock.tryAcquire('r')).toBeNull();
    const second = lock.acquire('r', { timeoutMs: 2_000 });
    await sleep(50);
    expect(await lock.release(first)).toBe(true);
    const lease = await second;
    expect(lease.fencingToken).toBe(first.fencingToken + 1);
    await lock.release(lease);
  });

  it('release with a wrong token does nothing', async () => {
    const lock = new RedisLock({ redis: db.redis, keyPrefix: `${ns}:release:`, ttlMs: 5_000 });
    const lease = await lock.acquire('r');
    expect(await lock.release({ resource: 'r', token: 'not-the-holders-token' })).toBe(false);
    expect(await db.redis.get(`${ns}:release:r`)).toBe(lease.token);
    expect(await lock.tryAcquire('r')).toBeNull(); // still held
    expect(await lock.release(lease)).toBe(true);
    expect(await db.redis.exists(`${ns}:release:r`)).toBe(0);
  });

  it('extend works only for the holder', async () => {
    const lock = new RedisLock({ redis: db.redis, keyPrefix: `${ns}:extend:`, ttlMs: 1_000 });
    const lease = await lock.acquire('r');
    expect(await lock.extend({ ...lease, token: 'someone-else' }, 60_000)).toBe(false);
    expect(await db.redis.pttl(`${ns}:extend:r`)).toBeLessThanOrEqual(1_000);
    expect(await lock.extend(lease, 60_000)).toBe(true);
    expect(await db.redis.pttl(`${ns}:extend:r`)).toBeGreaterThan(50_000);
    expect(lease.ttlMs).toBe(60_000);
    await lock.release(lease);
  });

  it('an expired lock cannot be extended or released by its old holder, and is free for others', async () => {
    const lock = new RedisLock({ redis: db.redis, keyPrefix: `${ns}:expiry:`, ttlMs: 100 });
    const lease = await lock.acquire('r');
    await sleep(250);
    expect(lock.remainingMs(lease)).toBeLessThan(0);
    const next = await lock.tryAcquire('r', { ttlMs: 5_000 });
    expect(next).not.toBeNull();
    expect(await lock.extend(lease)).toBe(false);
    expect(await lock.release(lease)).toBe(false); // must not delete the new holder's lock
    expect(await db.redis.get(`${ns}:expiry:r`)).toBe(next!.token);
    await lock.release(next!);
  });

  it('acquire gives up after its timeout with an error that says what to do', async () => {
    const lock = new RedisLock({
      redis: db.redis,
      keyPrefix: `${ns}:timeout:`,
      ttlMs: 5_000,
      retryDelayMs: 20,
      retryJitterMs: 0,
    });
    const lease = await lock.acquire('r');
    const attempt = lock.acquire('r', { timeoutMs: 150 });
    await expect(attempt).rejects.toBeInstanceOf(LockAcquireTimeoutError);
    await expect(attempt).rejects.toThrow(/within 150 ms/);
    await lock.release(lease);
  });

  it('acquire stops waiting when its signal is aborted', async () => {
    const lock = new RedisLock({
      redis: db.redis,
      keyPrefix: `${ns}:abort:`,
      ttlMs: 5_000,
      retryDelayMs: 20,
    });
    const lease = await lock.acquire('r');
    const controller = new AbortController();
    const attempt = lock.acquire('r', { signal: controller.signal, timeoutMs: 5_000 });
    setTimeout(() => controller.abort(new Error('shutting down')), 50);
    await expect(attempt).rejects.toThrow('shutting down');
    await lock.release(lease);
  });

  it('the fenced resource refuses a write whose token is lower than the highest it has seen', async () => {
    const resource = new FencedResource(db.redis, `${ns}:fenced-doc`);
    expect(await resource.writeFenced('v5', 'holder-5', 5)).toEqual({ accepted: true });
    expect(await resource.writeFenced('v5 again', 'holder-5', 5)).toEqual({ accepted: true }); // same holder
    expect(await resource.writeFenced('v4', 'holder-4', 4)).toEqual({ accepted: false, highestSeen: 5 });
    expect(await resource.read()).toEqual({ value: 'v5 again', writer: 'holder-5', fence: 5 });
  });
});

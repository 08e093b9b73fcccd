import { Redis } from 'ioredis';
import { describe, expect, it } from 'vitest';
import { useRedis } from '../../../src/testing/redis.ts';
import { serviceUrl } from '../../../src/testing/services.ts';
import { SessionStore } from './SessionStore.ts';

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

describe('SessionStore (real Redis)', () => {
  const db = useRedis('redis-hash-sessions');
  const { ns } = db;
  const store = (idleTimeoutMs: number, extra: { maxLifetimeMs?: number } = {}) =>
    new SessionStore({ redis: db.redis, keyPrefix: `${ns}:s:`, idleTimeoutMs, ...extra });

  it('stores fields in a hash with the idle timeout as its expiry', async () => {
    const sessions = store(60_000);
    const id = await sessions.create({ userId: 'u1', role: 'admin' });
    expect(id).toMatch(/^[\w-]{22}$/);
    expect(await sessions.get(id)).toMatchObject({ userId: 'u1', role: 'admin' });
    expect(await db.redis.type(`${ns}:s:${id}`)).toBe('hash');
    expect(await db.redis.pttl(`${ns}:s:${id}`)).toBeGreaterThan(59_000);
  });

  // #region sliding-test
  it('sliding expiration: a session used more often than its idle timeout outlives it; left idle, it expires', async () => {
    const sessions = store(600);
    const busy = await sessions.create({ userId: 'busy' });
    const idle = await sessions.create({ userId: 'idle' });

    // 1.5 s of activity, one request every 150 ms: 2.5 idle timeouts in all.
    for (let t = 0; t < 10; t++) {
      await sleep(150);
      expect(await sessions.get(busy)).not.toBeNull();
    }
    expect(await db.redis.exists(`${ns}:s:${idle}`)).toBe(0); // nobody touched it: gone after 600 ms
    expect(await sessions.get(idle)).toBeNull();

    await sleep(900); // now the busy user goes idle too
    expect(await sessions.get(busy)).toBeNull();
  });
  // #endregion sliding-test

  it('logout deletes the session, and a late update cannot bring it back', async () => {
    const sessions = store(60_000);
    const id = await sessions.create({ userId: 'u2' });
    expect(await sessions.update(id, { cart: 'c-9' })).toBe(true);
    expect((await sessions.get(id))?.cart).toBe('c-9');

    await sessions.destroy(id);
    expect(await sessions.get(id)).toBeNull();
    // A request still in flight writes to the session after logout: it must not recreate it.
    expect(await sessions.update(id, { cart: 'c-10' })).toBe(false);
    expect(await db.redis.exists(`${ns}:s:${id}`)).toBe(0);
  });

  it('an absolute lifetime ends even a busy session', async () => {
    let now = 1_000_000;
    const sessions = new SessionStore({
      redis: db.redis,
      keyPrefix: `${ns}:abs:`,
      idleTimeoutMs: 60_000,
      maxLifetimeMs: 3_600_000,
      now: () => now,
    });
    const id = await sessions.create({ userId: 'u3' });
    now += 3_599_000;
    expect(await sessions.get(id)).not.toBeNull();
    now += 2_000;
    expect(await sessions.get(id)).toBeNull();
    expect(await db.redis.exists(`${ns}:abs:${id}`)).toBe(0);
  });

  it('concurrent requests of one session on several connections all see it and keep it alive', async () => {
    const others = Array.from({ length: 4 }, () => new Redis(serviceUrl('redis')));
    try {
      const sessions = others.map(
        (r) => new SessionStore({ redis: r, keyPrefix: `${ns}:c:`, idleTimeoutMs: 5_000 }),
      );
      const id = await sessions[0]!.create({ userId: 'u4' });
      const reads = await Promise.all(Array.from({ length: 100 }, (_, i) => sessions[i % 4]!.get(id)));
      expect(reads.every((s) => s?.userId === 'u4')).toBe(true);
      expect(await db.redis.pttl(`${ns}:c:${id}`)).toBeGreaterThan(4_000);
    } finally {
      await Promise.all(others.map((r) => r.quit()));
    }
  });
});

import { Redis } from 'ioredis';
import { describe, expect, it } from 'vitest';
import { useRedis } from '../../../src/testing/redis.ts';
import { serviceUrl } from '../../../src/testing/services.ts';
import { HashDocumentStore, JsonDocumentStore, updateJsonWithWatch } from './documentStores.ts';

/** Resolves once `parties` callers have arrived: both updaters have read before either writes. */
function barrier(parties: number): () => Promise<void> {
  let arrived = 0;
  let release!: () => void;
  const open = new Promise<void>((resolve) => {
    release = resolve;
  });
  return () => {
    if (++arrived === parties) release();
    return open;
  };
}

describe('partial updates (real Redis, two connections = two app servers)', () => {
  const db = useRedis('redis-hash-partial-updates', { connections: 2 });
  const { ns } = db;
  const a = () => db.clients[0]!;
  const b = () => db.clients[1]!;
  const user = { name: 'Ada', email: 'ada@old.example', views: 0 };

  // #region lost-update-test
  it('JSON read-modify-write: of two concurrent updates to different fields, one is lost', async () => {
    const [storeA, storeB] = [new JsonDocumentStore(a(), `${ns}:j:`), new JsonDocumentStore(b(), `${ns}:j:`)];
    await storeA.create('u1', user);
    const bothRead = barrier(2);
    await Promise.all([
      storeA.update('u1', { email: 'ada@new.example' }, { afterRead: bothRead }),
      storeB.update('u1', { name: 'Ada Lovelace' }, { afterRead: bothRead }),
    ]);
    const doc = (await storeA.read('u1'))!;
    const survived = [doc.email === 'ada@new.example', doc.name === 'Ada Lovelace'].filter(Boolean);
    expect(survived).toHaveLength(1); // the second SET wrote back the stale copy of the other field
  });

  it('hash HSET per field: the same two concurrent updates both survive', async () => {
    const [storeA, storeB] = [new HashDocumentStore(a(), `${ns}:h:`), new HashDocumentStore(b(), `${ns}:h:`)];
    await storeA.create('u1', user);
    const bothRead = barrier(2);
    await Promise.all([
      storeA.update('u1', { email: 'ada@new.example' }, { afterRead: bothRead }),
      storeB.update('u1', { name: 'Ada Lovelace' }, { afterRead: bothRead }),
    ]);
    expect(await storeA.read('u1')).toEqual({ name: 'Ada Lovelace', email: 'ada@new.example', views: '0' });
  });
  // #endregion lost-update-test

  it('JSON with WATCH: the loser of the race retries on fresh data, and both updates survive', async () => {
    const key = `${ns}:w:u1`;
    await a().set(key, JSON.stringify(user));
    const bothRead = barrier(2);
    const [ra, rb] = await Promise.all([
      updateJsonWithWatch(a(), key, { email: 'ada@new.example' }, { hooks: { afterRead: bothRead } }),
      updateJsonWithWatch(b(), key, { name: 'Ada Lovelace' }, { hooks: { afterRead: bothRead } }),
    ]);
    expect(JSON.parse((await a().get(key))!)).toEqual({
      ...user,
      name: 'Ada Lovelace',
      email: 'ada@new.example',
    });
    expect([ra.attempts, rb.attempts].sort()).toEqual([1, 2]); // exactly one had to retry
  });

  it('HINCRBY counts every one of 20 clients × 50 concurrent increments; JSON read-modify-write does not', async () => {
    const connections = Array.from({ length: 4 }, () => new Redis(serviceUrl('redis')));
    try {
      const hashes = connections.map((r) => new HashDocumentStore(r, `${ns}:hi:`));
      const jsons = connections.map((r) => new JsonDocumentStore(r, `${ns}:ji:`));
      await hashes[0]!.create('u', user);
      await jsons[0]!.create('u', user);
      const run = (inc: (client: number) => Promise<void>) =>
        Promise.all(
          Array.from({ length: 20 }, async (_, c) => {
            for (let i = 0; i < 50; i++) await inc(c);
          }),
        );
      await run((c) => hashes[c % 4]!.increment('u', 'views'));
      await run((c) => jsons[c % 4]!.increment('u', 'views'));
      expect((await hashes[0]!.read('u'))!.views).toBe('1000');
      expect(Number((await jsons[0]!.read('u'))!.views)).toBeLessThan(1_000);
    } finally {
      await Promise.all(connections.map((c) => c.quit()));
    }
  });
});

import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type RedisForTests, redisFixture, useRedis } from './redis.ts';
import { serviceUrl, testNamespace } from './services.ts';

// Checks what the fixture left behind on a connection of its own, so it sees the server, not the fixture.
let checker: Redis;
beforeAll(() => {
  checker = new Redis(serviceUrl('redis'));
});
afterAll(async () => {
  await checker.quit();
});

describe('redisFixture (real Redis)', () => {
  it('refuses its clients before open(), saying why', () => {
    const fixture = redisFixture('fixture-early');
    expect(fixture.ns).toMatch(/^sdlab_fixture_early_[0-9a-f]{6}$/);
    expect(fixture.url).toBe(serviceUrl('redis'));
    expect(() => fixture.redis).toThrow(/redis used before beforeAll opened the clients/);
    expect(() => fixture.clients).toThrow(/clients used before beforeAll/);
    expect(() => fixture.connect()).toThrow(/connect\(\) used before beforeAll/);
    expect(() => redisFixture('x', { connections: 0 })).toThrow(/positive integer/);
  });

  it('close() deletes the keys under ns, and only those, then ends every client', async () => {
    const fixture = redisFixture('fixture-close', { connections: 3, redisOptions: { connectionName: 'fx' } });
    const outside = `${testNamespace('fixture-bystander')}:k`; // another file's key on the same server
    fixture.open();
    try {
      expect(fixture.clients).toHaveLength(3);
      expect(new Set(fixture.clients).size).toBe(3);
      expect(fixture.redis).toBe(fixture.clients[0]);
      expect(await Promise.all(fixture.clients.map((c) => c.client('GETNAME')))).toEqual(['fx', 'fx', 'fx']);
      await fixture.clients[1]!.set(`${fixture.ns}:a`, '1');
      await fixture.clients[2]!.hset(`${fixture.ns}:b`, 'f', 'v');
      await checker.set(outside, 'kept');
      const reader = fixture.connect();
      expect(await reader.ping()).toBe('PONG');
    } finally {
      await fixture.close();
    }
    expect(await checker.exists(`${fixture.ns}:a`, `${fixture.ns}:b`)).toBe(0);
    expect(await checker.get(outside)).toBe('kept');
    await checker.del(outside);
    expect(fixture.clients.map((c) => c.status)).toEqual(['end', 'end', 'end']);
    expect(() => fixture.connect()).toThrow(/after afterAll closed/);
  });

  it('close() ends every client even when a test already quit one of them', async () => {
    const fixture = redisFixture('fixture-quit', { connections: 2 });
    fixture.open();
    await fixture.redis.set(`${fixture.ns}:k`, 'v');
    await fixture.clients[1]!.quit();
    await fixture.close();
    expect(await checker.exists(`${fixture.ns}:k`)).toBe(0);
    expect(fixture.clients.map((c) => c.status)).toEqual(['end', 'end']);
  });

  it('close() does not wait for a client that lost its connection, and cancels its retry', async () => {
    const fixture = redisFixture('fixture-lost', {
      connections: 2,
      redisOptions: { retryStrategy: () => 60_000 },
    });
    fixture.open();
    const lost = fixture.clients[1]!;
    lost.on('error', () => {});
    const id = await lost.client('ID');
    const reconnecting = new Promise((resolve) => lost.once('reconnecting', resolve));
    await fixture.redis.client('KILL', 'ID', String(id));
    await reconnecting;
    await fixture.redis.set(`${fixture.ns}:k`, 'v');
    await fixture.close(); // without the special case it waits for an 'end' that never comes
    expect(await checker.exists(`${fixture.ns}:k`)).toBe(0);
    expect(fixture.redis.status).toBe('end');
  });
});

describe('useRedis (real Redis)', () => {
  let used: RedisForTests | undefined;
  let extra: Redis | undefined;

  describe('a file that calls it', () => {
    used = useRedis('use-redis', { connections: 2 });
    const { ns } = used;

    it('has open clients in its tests and writes under ns', async () => {
      expect(used!.clients.map((c) => c.status)).not.toContain('end');
      await used!.redis.set(`${ns}:one`, '1');
      await used!.clients[1]!.set(`${ns}:two`, '2');
      extra = used!.connect();
      expect(await extra.get(`${ns}:two`)).toBe('2');
    });
  });

  it('afterAll of that describe deleted its keys and ended its clients', async () => {
    const ns = used!.ns;
    expect(await checker.exists(`${ns}:one`, `${ns}:two`)).toBe(0);
    expect([...used!.clients, extra!].map((c) => c.status)).toEqual(['end', 'end', 'end']);
  });
});

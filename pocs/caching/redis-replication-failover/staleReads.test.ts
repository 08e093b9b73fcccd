import type { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { testNamespace } from '../../../src/testing/services.ts';
import { type ReadStrategy, ReadYourWritesSession } from './ReadYourWritesSession.ts';
import { ReplicatedRedis } from './ReplicatedRedis.ts';

const ns = testNamespace('stale-reads');

describe('reads from replicas (own primary + 2 replicas; replica 1’s link held back)', () => {
  let cluster: ReplicatedRedis;
  let primary: Redis;
  let stalled: Redis;
  let healthy: Redis;

  beforeAll(async () => {
    cluster = await ReplicatedRedis.start({ replicas: 2 });
    primary = cluster.primaryClient;
    [stalled, healthy] = cluster.replicas.map((r) => r.client) as [Redis, Redis];
    // Every key starts at v1 everywhere; then replica 1 stops receiving the stream.
    for (const strategy of STRATEGIES) await primary.set(`${ns}:${strategy}`, 'v1');
    await cluster.waitUntilInSync();
    cluster.replicas[0]!.link.set({ mode: 'blackhole' });
  });
  afterAll(() => cluster?.dispose());

  const STRATEGIES: ReadStrategy[] = [
    'replica',
    'primary-for-own-writes',
    'wait-all-replicas',
    'offset-token',
  ];
  const session = (strategy: ReadStrategy, replica: Redis) =>
    new ReadYourWritesSession({
      primary,
      replica,
      strategy,
      // Replica 1 can never acknowledge: WAIT times out and reports fewer than 2.
      wait: { replicas: 2, timeoutMs: 100 },
    });

  // #region test-stale
  it('a lagging replica serves the old value while the primary has the new one; each fix reads the new one', async () => {
    const reads: Record<string, { value: string | null; servedBy: string }> = {};
    for (const strategy of STRATEGIES) {
      const s = session(strategy, stalled);
      const key = `${ns}:${strategy}`;
      await s.write(key, 'v2');
      reads[strategy] = await s.read(key);
      expect(await primary.get(key)).toBe('v2');
    }
    // The control: a plain replica read does not see the session's own write.
    expect(reads.replica).toEqual({ value: 'v1', servedBy: 'replica' });
    // Each fix notices the replica may be behind and reads the primary instead.
    expect(reads['primary-for-own-writes']).toEqual({ value: 'v2', servedBy: 'primary' });
    expect(reads['wait-all-replicas']).toEqual({ value: 'v2', servedBy: 'primary' });
    expect(reads['offset-token']).toEqual({ value: 'v2', servedBy: 'primary' });
  });
  // #endregion test-stale

  it('the offset token still reads from a replica once that replica has applied the write', async () => {
    const s = session('offset-token', healthy);
    const key = `${ns}:healthy`;
    await s.write(key, 'v3');
    // Replica 2's link is healthy: soon its offset passes the token and its reads are used.
    const values: (string | null)[] = [];
    await vi.waitFor(
      async () => {
        const read = await s.read(key);
        values.push(read.value);
        expect(read.servedBy).toBe('replica');
      },
      { timeout: 20_000, interval: 5 },
    );
    expect(new Set(values)).toEqual(new Set(['v3'])); // never stale, before or after the switch
  });
});

import { afterAll, describe, expect, it, vi } from 'vitest';
import { serviceUrl, testNamespace } from '../../../src/testing/services.ts';
import { MonitoredPool, PoolCheckoutTimeoutError } from './MonitoredPool.ts';
import { PoolSampler } from './PoolSampler.ts';

const url = serviceUrl('postgres');
const ns = testNamespace('connection-pool-sizing');
const pools: MonitoredPool[] = [];

/**
 * The same load for both tests: two slow queries that each hold a connection for 2 s, and fast
 * callers that may wait 300 ms for a connection. The margins are wide on purpose (2 s of holding vs
 * a 300 ms budget): the tests assert counts, not timings, so a busy machine cannot flip them.
 */
const LOAD = { slowQueries: 2, slowSeconds: 2, fastCallers: 5, fastRounds: 3, checkoutTimeoutMs: 300 };

function pool(name: string, max: number, checkoutTimeoutMs: number): MonitoredPool {
  const created = new MonitoredPool({
    connectionString: url,
    name,
    max,
    checkoutTimeoutMs,
    applicationName: `${ns}-${name}`,
  });
  pools.push(created);
  return created;
}

/** `fastRounds` waves of `fastCallers` concurrent fast queries; returns how each call ended. */
async function fastTraffic(p: MonitoredPool): Promise<{ ok: number; timeouts: number; other: number }> {
  const tally = { ok: 0, timeouts: 0, other: 0 };
  for (let round = 0; round < LOAD.fastRounds; round++) {
    const results = await Promise.allSettled(
      Array.from({ length: LOAD.fastCallers }, (_, i) => p.query('select $1::int as id', [i])),
    );
    for (const r of results) {
      if (r.status === 'fulfilled') tally.ok++;
      else if (r.reason instanceof PoolCheckoutTimeoutError) tally.timeouts++;
      else tally.other++;
    }
  }
  return tally;
}

afterAll(async () => {
  await Promise.all(pools.map((p) => p.close()));
});

describe('pool starvation', () => {
  it('slow queries holding every connection make fast callers time out, and the detector says why', async () => {
    const shared = pool('shared', LOAD.slowQueries, LOAD.checkoutTimeoutMs);
    const sampler = new PoolSampler(shared, { intervalMs: 50 }).start();
    const slow = Array.from({ length: LOAD.slowQueries }, () =>
      shared.query('select pg_sleep($1)', [LOAD.slowSeconds]),
    );
    await vi.waitFor(() => expect(shared.snapshot().inUse).toBe(LOAD.slowQueries));

    const fast = await fastTraffic(shared);
    const calls = LOAD.fastCallers * LOAD.fastRounds;
    expect(fast).toEqual({ ok: 0, timeouts: calls, other: 0 });
    expect(shared.snapshot().checkoutTimeouts).toBe(calls);

    await Promise.all(slow); // the slow work itself succeeds: the pool was busy, not broken
    sampler.stop();
    const diagnosis = sampler.diagnose({ maxAcquireWaitMs: 100 });
    expect(diagnosis.status).toBe('starving');
    expect(diagnosis.evidence.checkoutTimeouts).toBe(calls);
    expect(diagnosis.evidence.worstHoldP99Ms).toBeGreaterThan(1000);
    expect(diagnosis.advice[0]).toMatch(/statement_timeout/);
  });

  it('fix: a bulkhead pool for slow queries leaves fast callers zero checkout timeouts under the same load', async () => {
    const api = pool('api', LOAD.slowQueries, LOAD.checkoutTimeoutMs);
    const reports = pool('reports', 1, 30_000);
    const sampler = new PoolSampler(api, { intervalMs: 50 }).start();
    const slow = Array.from({ length: LOAD.slowQueries }, () =>
      reports.query('select pg_sleep($1)', [LOAD.slowSeconds]),
    );
    // The slow work now queues behind itself, in its own pool.
    await vi.waitFor(() =>
      expect(reports.snapshot()).toMatchObject({ inUse: 1, waiting: LOAD.slowQueries - 1 }),
    );

    const fast = await fastTraffic(api);
    expect(fast).toEqual({ ok: LOAD.fastCallers * LOAD.fastRounds, timeouts: 0, other: 0 });
    expect(api.snapshot().checkoutTimeouts).toBe(0);

    await Promise.all(slow);
    sampler.stop();
    expect(sampler.diagnose({ maxAcquireWaitMs: 100 }).status).not.toBe('starving');
  });
});

import { describe, expect, it } from 'vitest';
import { detectStarvation, type PoolSample } from './detectStarvation.ts';

const calm: PoolSample = {
  atMs: 0,
  max: 4,
  inUse: 1,
  waiting: 0,
  oldestWaitMs: 0,
  checkouts: 20,
  checkoutTimeouts: 0,
  acquireWaitP99Ms: 0.2,
  holdP99Ms: 3,
};
const samples = (n: number, overrides: Partial<PoolSample>): PoolSample[] =>
  Array.from({ length: n }, (_, i) => ({ ...calm, atMs: i * 100, ...overrides }));

describe('detectStarvation', () => {
  it('says unknown until it has enough samples', () => {
    expect(detectStarvation(samples(2, {})).status).toBe('unknown');
    expect(detectStarvation([]).status).toBe('unknown');
  });

  it('healthy when callers rarely wait', () => {
    const window = [...samples(9, {}), ...samples(1, { waiting: 2, inUse: 4 })];
    const diagnosis = detectStarvation(window);
    expect(diagnosis.status).toBe('healthy');
    expect(diagnosis.evidence.queuedRatio).toBeCloseTo(0.1);
    expect(diagnosis.advice).toEqual([]);
  });

  it('saturated, not starving, when callers queue but get a connection within budget', () => {
    const diagnosis = detectStarvation(
      samples(10, { inUse: 4, waiting: 3, acquireWaitP99Ms: 8, oldestWaitMs: 5 }),
    );
    expect(diagnosis.status).toBe('saturated');
    expect(diagnosis.evidence.saturatedRatio).toBe(1);
  });

  it('starving as soon as a checkout timed out', () => {
    const window = [...samples(9, {}), ...samples(1, { checkoutTimeouts: 3 })];
    const diagnosis = detectStarvation(window);
    expect(diagnosis.status).toBe('starving');
    expect(diagnosis.evidence.checkoutTimeouts).toBe(3);
  });

  it('starving when the queue and long waits are sustained, even before any timeout', () => {
    const diagnosis = detectStarvation(
      samples(10, { inUse: 4, waiting: 5, acquireWaitP99Ms: 40, oldestWaitMs: 400 }),
      {
        maxAcquireWaitMs: 100,
      },
    );
    expect(diagnosis.status).toBe('starving');
    expect(diagnosis.evidence.worstAcquireWaitMs).toBe(400);
    expect(diagnosis.summary).toMatch(/400 ms \(budget 100 ms\)/);
  });

  it('a stuck waiter counts even when no checkout finished in the interval', () => {
    // Every connection is held by slow work: nothing completes, so the interval p99 is 0 -- the
    // oldest waiter's age is what shows the problem.
    const diagnosis = detectStarvation(
      samples(5, { inUse: 4, waiting: 2, checkouts: 0, acquireWaitP99Ms: 0, oldestWaitMs: 900 }),
    );
    expect(diagnosis.status).toBe('starving');
  });

  it('blames long holders when connections are held longer than callers may wait', () => {
    const diagnosis = detectStarvation(samples(5, { checkoutTimeouts: 1, holdP99Ms: 1000 }), {
      maxAcquireWaitMs: 100,
    });
    expect(diagnosis.advice[0]).toMatch(/statement_timeout/);
    expect(diagnosis.advice.join(' ')).toMatch(/bulkhead/);
  });

  it('blames capacity when holds are short', () => {
    const diagnosis = detectStarvation(samples(5, { checkoutTimeouts: 1, holdP99Ms: 4 }), {
      maxAcquireWaitMs: 100,
    });
    expect(diagnosis.advice[0]).toMatch(/recommendedPoolSize/);
  });
});

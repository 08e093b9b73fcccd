import { describe, expect, it } from 'vitest';
import { runDemoForTest } from '../../../src/testing/demo.ts';

describe('connection-pool-sizing demo (quick)', () => {
  it('records the sweep, the sizing figures and the starvation before/after', async () => {
    const { recorder } = await runDemoForTest('connection-pool-sizing');

    const sweep = recorder.tables.find((t) => t.id === 'pool-size-sweep');
    expect(sweep?.chart).toBeDefined();
    expect(sweep?.rows.length).toBeGreaterThanOrEqual(2);
    for (const row of sweep?.rows ?? []) {
      for (const key of ['poolSize', 'opsPerSec', 'p50Ms', 'p99Ms', 'acquireWaitMeanMs', 'queryMeanMs']) {
        expect(Number.isFinite(row[key]), `${key} = ${row[key]}`).toBe(true);
      }
      expect(row.opsPerSec).toBeGreaterThan(0);
    }

    const figures = Object.fromEntries(recorder.figures.map((f) => [f.key, f.value]));
    for (const key of [
      'knee-pool-size',
      'littles-law-pool-size',
      'peak-throughput',
      'uncontended-query-ms',
    ]) {
      expect(typeof figures[key] === 'number' && Number.isFinite(figures[key]), key).toBe(true);
    }

    const starvation = recorder.tables.find((t) => t.id === 'starvation');
    expect(starvation?.rows).toHaveLength(3);
    expect(starvation?.rows[0]?.diagnosis).toBe('starving');
    // The fix holds in the demo too, not only in starvation.test.ts: behind the bulkhead no API call timed
    // out waiting for a connection, and more of them got one than with the shared pool.
    const [shared, , bulkhead] = starvation?.rows ?? [];
    expect(bulkhead).toMatchObject({ checkoutTimeouts: 0 });
    expect(bulkhead?.diagnosis).not.toBe('starving');
    expect(Number(bulkhead?.fastSuccessPct)).toBeGreaterThan(Number(shared?.fastSuccessPct));
    expect(recorder.comparisons.map((c) => c.id)).toEqual(['bulkhead-success', 'bulkhead-p99']);
    for (const c of recorder.comparisons) {
      expect(Number.isFinite(c.baseline.value) && Number.isFinite(c.candidate.value)).toBe(true);
    }
  });
});

import { describe, expect, it } from 'vitest';
import { runDemoForTest } from '../../../src/testing/demo.ts';

describe('connection-leak-detection demo (quick)', () => {
  it('reproduces the exhaustion, names the leaking line, and the fixes have no timeouts', async () => {
    const { recorder } = await runDemoForTest('connection-leak-detection');
    const table = recorder.tables.find((t) => t.id === 'leak-traffic');
    expect(table?.rows).toHaveLength(4);
    const [leaky, , fixed, oneStatement] = table!.rows;

    // Quick mode: 16 requests, every 2nd leaks, pool of 5 -> request 11 is the first without a connection,
    // and so are the 5 after it.
    expect(leaky).toMatchObject({
      firstTimeoutAt: 11,
      checkoutTimeouts: 6,
      leaksReported: 5,
      ordersPlaced: 5,
    });
    expect(String(leaky!.reportedSite)).toMatch(/connection-leak-detection\/orders\.ts:\d+:\d+$/);
    for (const row of [fixed, oneStatement]) {
      expect(row).toMatchObject({
        checkoutTimeouts: 0,
        firstTimeoutAt: null,
        leaksReported: 0,
        ordersPlaced: 8,
      });
    }

    const figures = Object.fromEntries(recorder.figures.map((f) => [f.key, f.value]));
    expect(figures['requests-until-exhausted']).toBe(11);
    expect(figures['fixed-timeouts']).toBe(0);
    expect(String(figures['leak-site'])).toContain('orders.ts:');
    expect(Number.isFinite(figures['capture-us'])).toBe(true);
    expect(recorder.comparisons.map((c) => c.id)).toEqual([
      'leak-fix-orders',
      'tracking-throughput',
      'tracking-p50',
    ]);
    for (const c of recorder.comparisons) {
      expect(Number.isFinite(c.baseline.value) && Number.isFinite(c.candidate.value)).toBe(true);
    }
  });
});

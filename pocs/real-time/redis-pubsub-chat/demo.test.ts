import { describe, expect, it } from 'vitest';
import { runDemoForTest } from '../../../src/testing/demo.ts';

describe('redis-pubsub-chat demo (quick)', () => {
  it('fans out with nothing missing or reordered, and cuts the stalled subscriber off at the limit', async () => {
    const { recorder } = await runDemoForTest('redis-pubsub-chat');
    const figures = Object.fromEntries(recorder.figures.map((f) => [f.key, f.value]));
    const fanOut = recorder.tables.find((t) => t.id === 'fan-out')?.rows ?? [];
    expect(fanOut.length).toBeGreaterThanOrEqual(2);
    for (const row of fanOut) {
      expect(row).toMatchObject({ missing: 0, outOfOrder: 0 });
      expect(row.deliveries).toBeGreaterThan(0);
    }
    expect(figures['fanout-missing']).toBe(0);
    expect(figures['fanout-out-of-order']).toBe(0);
    expect(Number.isFinite(figures['fanout-p99'])).toBe(true);

    // The stalled subscriber: buffer grew, capped by the limit, then disconnected; what it missed is lost.
    const limit = figures['buffer-limit-kib'] as number;
    expect(figures['slow-peak-omem-kib']).toBeGreaterThan(0);
    expect(figures['slow-peak-omem-kib']).toBeLessThanOrEqual(limit);
    expect(figures['slow-disconnected-after']).toBeGreaterThan(0);
    expect(figures['slow-lost']).toBeGreaterThan(0);
    expect(figures['healthy-received-pct']).toBe(100);
    expect(figures['unlimited-peak-omem-kib']).toBeGreaterThan(limit);
    const slow = recorder.tables.find((t) => t.id === 'slow-subscriber')?.rows ?? [];
    expect(slow.at(-1)?.limitedState).toBe('disconnected');
  });
});

import { describe, expect, it } from 'vitest';
import { runDemoForTest } from '../../../src/testing/demo.ts';

describe('redis-capped-activity-feed demo (quick, real Redis)', () => {
  it('records bounded memory for the capped feed and the cap held under concurrency', async () => {
    const { recorder } = await runDemoForTest('redis-capped-activity-feed');
    const figure = (key: string) => recorder.figures.find((f) => f.key === key)?.value as number;
    expect(figure('capped-length')).toBe(200);
    expect(figure('multi-max-seen')).toBeLessThanOrEqual(200);
    expect(figure('capped-bytes')).toBeLessThan(figure('uncapped-bytes'));

    const growth = recorder.tables.find((t) => t.id === 'memory-growth')!.rows;
    // Bounded: the capped feed is no bigger at the end than when it first reached the cap.
    expect(growth.at(-1)!.cappedBytes as number).toBeLessThanOrEqual(
      (growth[0]!.cappedBytes as number) * 1.1,
    );
    expect(growth.at(-1)!.uncappedBytes as number).toBeGreaterThan((growth[0]!.uncappedBytes as number) * 5);
  });
});

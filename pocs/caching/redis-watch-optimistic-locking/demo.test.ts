import { describe, expect, it } from 'vitest';
import { runDemoForTest } from '../../../src/testing/demo.ts';

describe('redis-watch-optimistic-locking demo (quick, real Redis)', () => {
  it('records an exact WATCH count, lost updates without it, and the tables the site draws', async () => {
    const { recorder } = await runDemoForTest('redis-watch-optimistic-locking');
    const figure = (key: string) => recorder.figures.find((f) => f.key === key)?.value;
    expect(figure('watch-final')).toBe(figure('watch-expected'));
    expect(figure('naive-lost-updates')).toBeGreaterThan(0);
    expect(figure('watch-retries-per-success')).toBeGreaterThan(0);

    expect(recorder.tables.map((t) => t.id)).toEqual(['strategies', 'contention']);
    const contention = recorder.tables.find((t) => t.id === 'contention')!;
    for (const row of contention.rows) expect(row.exact).toBe('yes');
    expect(recorder.comparisons.map((c) => c.id)).toEqual(['watch-vs-incr-throughput']);
  });
});

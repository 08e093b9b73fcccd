import { describe, expect, it } from 'vitest';
import { runDemoForTest } from '../../../src/testing/demo.ts';

describe('redis-bank-transfer demo (quick, real Redis)', () => {
  it('records drift for the naive transfers and none for WATCH/MULTI and Lua', async () => {
    const { recorder } = await runDemoForTest('redis-bank-transfer');
    const figure = (key: string) => recorder.figures.find((f) => f.key === key)?.value;
    expect(figure('naive-abs-drift')).toBeGreaterThan(0);
    expect(figure('watch-drift')).toBe(0);
    expect(figure('lua-drift')).toBe(0);
    expect(figure('watch-negative')).toBe(0);
    expect(figure('lua-negative')).toBe(0);
    expect(recorder.tables.map((t) => t.id)).toEqual(['transfers']);
    expect(recorder.comparisons.map((c) => c.id)).toEqual(['lua-vs-watch-throughput']);
  });
});

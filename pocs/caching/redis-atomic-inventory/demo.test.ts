import { describe, expect, it } from 'vitest';
import { runDemoForTest } from '../../../src/testing/demo.ts';

describe('redis-atomic-inventory demo (quick, real Redis)', () => {
  it('records the flash-sale outcome and the throughput the site draws', async () => {
    const { recorder } = await runDemoForTest('redis-atomic-inventory');
    const figure = (key: string) => recorder.figures.find((f) => f.key === key)?.value;
    expect(figure('lua-sold')).toBe(100);
    expect(figure('lua-refused')).toBe(400);
    expect(figure('watch-sold')).toBe(100);
    expect(figure('naive-oversold')).toBeGreaterThan(0);
    expect(figure('decr-lowest-stock')).toBeLessThan(0);

    expect(recorder.tables.map((t) => t.id)).toEqual(['flash-sale', 'throughput']);
    const throughput = recorder.tables.find((t) => t.id === 'throughput')!;
    for (const row of throughput.rows) expect(row.attemptsPerSecond).toBeGreaterThan(0);
    const correct = Object.fromEntries(throughput.rows.map((r) => [r.strategy, r.correct]));
    expect(correct['Lua check-and-decrement']).toBe('yes');
    expect(correct['WATCH + MULTI/EXEC']).toBe('yes');
    expect(recorder.comparisons.map((c) => c.id)).toEqual([
      'lua-vs-watch-throughput',
      'lua-vs-decr-throughput',
    ]);
  });
});

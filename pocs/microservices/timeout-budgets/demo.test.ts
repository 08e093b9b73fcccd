import { describe, expect, it } from 'vitest';
import { runDemoForTest } from '../../../src/testing/demo.ts';

describe('timeout-budgets demo (quick)', () => {
  it('records the three time policies, the work at C and the retry amplification', async () => {
    const { recorder } = await runDemoForTest('timeout-budgets');
    expect(recorder.tables.map((t) => t.id)).toEqual(['caller-latency', 'work-at-c', 'retry-amplification']);
    for (const table of recorder.tables) {
      expect(table.chart, table.id).toBeDefined();
      for (const row of table.rows)
        for (const column of table.columns)
          expect(row[column.key], `${table.id}.${column.key}`).not.toBeUndefined();
    }
    const figures = Object.fromEntries(recorder.figures.map((f) => [f.key, f.value]));
    // The claims the article and the problem page cite.
    expect(figures['budget-wasted-at-c']).toBe(0);
    expect(figures['budget-cancelled-at-c']).toBeGreaterThan(0);
    expect(figures['amplification-factor']).toBe(64);
    expect(figures['amplification-expected']).toBe(64);
    const work = recorder.tables.find((t) => t.id === 'work-at-c')!;
    expect(Number(work.rows[1]!.wasted)).toBeGreaterThan(0); // timeout at A only: C works for nobody
    expect(recorder.comparisons.map((c) => c.id)).toEqual([
      'caller-p99',
      'c-max-in-flight',
      'wasted-work',
      'amplification-one-layer-budget',
    ]);
  });
});

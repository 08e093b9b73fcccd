import { describe, expect, it } from 'vitest';
import { runDemoForTest } from '../../../src/testing/demo.ts';

describe('exponential-backoff-jitter demo (quick)', () => {
  it('records calls and time per strategy and N, and every client succeeded exactly once', async () => {
    const { recorder } = await runDemoForTest('exponential-backoff-jitter');
    expect(recorder.tables.map((t) => t.id)).toEqual(['calls-vs-clients', 'time-vs-clients']);
    for (const table of recorder.tables) {
      expect(table.chart?.type).toBe('line');
      expect(table.rows.length).toBeGreaterThanOrEqual(2);
      for (const row of table.rows)
        for (const column of table.columns)
          expect(Number.isFinite(row[column.key]), `${table.id}.${column.key}`).toBe(true);
    }
    const figures = Object.fromEntries(recorder.figures.map((f) => [f.key, f.value]));
    expect(figures['all-succeeded-once']).toBe(true);
    // Every client needs at least one call: work is never below N.
    for (const row of recorder.tables[0]!.rows)
      for (const key of ['immediate', 'none', 'full', 'equal', 'decorrelated', 'cockatiel'])
        expect(Number(row[key])).toBeGreaterThanOrEqual(Number(row.clients));
    expect(recorder.comparisons.map((c) => c.id)).toEqual([
      'work-backoff-vs-immediate',
      'time-full-vs-none',
      'time-decorrelated-vs-none',
      'calls-ours-vs-cockatiel',
      'time-ours-vs-cockatiel',
    ]);
  });
});

import { describe, expect, it } from 'vitest';
import { runDemoForTest } from '../../../src/testing/demo.ts';

describe('demo (quick mode, real Redis)', () => {
  it('records the figures, tables and comparisons the website draws', async () => {
    const { recorder } = await runDemoForTest('sliding-window-rate-limiter');

    const figure = (key: string) => recorder.figures.find((f) => f.key === key)?.value;
    // The exactness claim holds in the demo too, not only in the tests.
    expect(figure('exact-allowed')).toBe(100);
    expect(figure('exact-denied')).toBe(100);
    expect(figure('boundary-sliding')).toBe(10);

    expect(recorder.tables.map((t) => t.id)).toEqual([
      'exactness',
      'boundary-burst',
      'memory-per-key',
      'throughput',
    ]);
    for (const table of recorder.tables) {
      expect(table.rows.length).toBeGreaterThan(0);
      expect(table.chart).toBeDefined();
      for (const row of table.rows) {
        for (const column of table.columns) {
          const value = row[column.key];
          if (typeof value === 'number') expect(Number.isFinite(value)).toBe(true);
          else expect(typeof value).toBe('string');
        }
      }
    }
    const throughput = recorder.tables.find((t) => t.id === 'throughput')!;
    for (const row of throughput.rows) {
      expect(row.slidingOps).toBeGreaterThan(0);
      expect(row.fixedOps).toBeGreaterThan(0);
    }

    expect(recorder.comparisons.map((c) => c.id)).toEqual(['ops-allowed-path', 'p99-allowed-path']);
    for (const c of recorder.comparisons) expect(c.ratio).toBeGreaterThan(0);
  });
});

import { describe, expect, it } from 'vitest';
import { runDemoForTest } from '../../../src/testing/demo.ts';

describe('circuit-breaker demo (quick)', () => {
  it('runs and records what the website draws', async () => {
    const { recorder } = await runDemoForTest('circuit-breaker');

    const ids = recorder.tables.map((t) => t.id);
    expect(ids).toEqual(['outage', 'timeline', 'overhead']);
    for (const table of recorder.tables) {
      expect(table.rows.length, table.id).toBeGreaterThan(0);
      expect(table.chart, table.id).toBeDefined();
      for (const row of table.rows) {
        for (const column of table.columns) {
          const value = row[column.key];
          expect(value, `${table.id}.${column.key}`).not.toBeUndefined();
          if (typeof value === 'number')
            expect(Number.isFinite(value), `${table.id}.${column.key}`).toBe(true);
        }
      }
    }
    const overhead = recorder.tables.find((t) => t.id === 'overhead')!;
    expect(overhead.rows.map((r) => r.variant)).toContain('this POC');

    expect(recorder.comparisons.map((c) => c.id)).toEqual([
      'dead-dependency-attempts',
      'outage-caller-p99',
      'outage-caller-mean',
      'overhead-vs-opossum',
      'overhead-timeout-vs-opossum',
      'overhead-vs-cockatiel',
    ]);
    for (const c of recorder.comparisons) {
      expect(Number.isFinite(c.baseline.value) && Number.isFinite(c.candidate.value), c.id).toBe(true);
      expect(c.ratio, c.id).toBeGreaterThan(0);
    }
    // The headline: fewer attempts reached the dead dependency with the breaker than without.
    const shed = recorder.comparisons.find((c) => c.id === 'dead-dependency-attempts')!;
    expect(shed.candidate.value).toBeLessThan(shed.baseline.value);
  });
});

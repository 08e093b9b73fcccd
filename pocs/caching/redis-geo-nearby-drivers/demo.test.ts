import { describe, expect, it } from 'vitest';
import { runDemoForTest } from '../../../src/testing/demo.ts';

describe('demo (quick mode, real Redis)', () => {
  it('records the precision, the reference check and the latency table', async () => {
    const { recorder } = await runDemoForTest('redis-geo-nearby-drivers');
    const figure = (key: string) => recorder.figures.find((f) => f.key === key)?.value as number;

    expect(figure('reference-matches')).toBe(figure('reference-checks'));
    expect(figure('cell-offset-max')).toBeLessThan(1);
    expect(figure('cell-offset-max')).toBeGreaterThan(0); // positions ARE quantised
    const latency = recorder.tables.find((t) => t.id === 'latency')!;
    expect(latency.rows.length).toBeGreaterThan(0);
    for (const row of latency.rows) expect(row.p99 as number).toBeGreaterThanOrEqual(row.p50 as number);
  });
});

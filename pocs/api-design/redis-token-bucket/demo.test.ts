import { describe, expect, it } from 'vitest';
import { runDemoForTest } from '../../../src/testing/demo.ts';

describe('redis-token-bucket demo (quick, real Redis)', () => {
  it('records exactness, the burst/steady shape and the benchmark', async () => {
    const { recorder } = await runDemoForTest('redis-token-bucket');
    const figure = (key: string) => recorder.figures.find((f) => f.key === key)?.value;
    expect(figure('exact-allowed')).toBe(50);
    expect(figure('racy-allowed') as number).toBeGreaterThan(50);
    // Exactly the capacity, plus what refilled (50/s) while the burst was being answered on a busy box.
    const refilledDuringBurst = Math.floor(((figure('burst-took-ms') as number) * 50) / 1000);
    expect(figure('burst-allowed') as number).toBeGreaterThanOrEqual(20);
    expect(figure('burst-allowed') as number).toBeLessThanOrEqual(20 + refilledDuringBurst);
    expect(recorder.tables.map((t) => t.id)).toEqual(['exactness', 'burst-then-steady', 'throughput']);
    for (const table of recorder.tables) expect(table.rows.length, table.id).toBeGreaterThan(0);
    for (const row of recorder.tables[2]!.rows) expect(row.opsPerSec as number).toBeGreaterThan(0);
    expect(recorder.comparisons.map((c) => c.id)).toEqual(['ops-vs-flexible']);
  });
});

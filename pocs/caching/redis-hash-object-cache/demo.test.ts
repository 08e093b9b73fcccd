import { describe, expect, it } from 'vitest';
import { runDemoForTest } from '../../../src/testing/demo.ts';

describe('redis-hash-object-cache demo (quick, real Redis)', () => {
  it('records bytes and latency per read for HMGET vs GET', async () => {
    const { recorder } = await runDemoForTest('redis-hash-object-cache');
    const figure = (key: string) => recorder.figures.find((f) => f.key === key)?.value as number;
    expect(figure('get-bytes')).toBe(figure('object-bytes'));
    expect(figure('hmget-bytes') * 100).toBeLessThan(figure('get-bytes'));
    const table = recorder.tables.find((t) => t.id === 'field-read')!;
    for (const row of table.rows) expect(row.p50 as number).toBeGreaterThan(0);
    expect(recorder.comparisons.map((c) => c.id)).toEqual(['bytes-per-read', 'p50-per-read']);
  });
});

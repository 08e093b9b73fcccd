import { describe, expect, it } from 'vitest';
import { runDemoForTest } from '../../../src/testing/demo.ts';

describe('demo (quick mode, real Redis)', () => {
  it('records exact bitmap counts, the memory comparison and the sparse-id caveat', async () => {
    const { recorder } = await runDemoForTest('redis-bitmap-analytics');
    const figure = (key: string) => recorder.figures.find((f) => f.key === key)?.value;

    expect(figure('counts-exact')).toBe(true);
    expect(figure('bitmap-bytes') as number).toBeLessThan(figure('set-bytes') as number);
    expect(recorder.tables.map((t) => t.id)).toEqual(['counts', 'memory', 'sparse-ids']);

    const sparse = recorder.tables.find((t) => t.id === 'sparse-ids')!.rows;
    // Same number of users, growing highest id: the bitmap grows, the SET does not care.
    expect(sparse[2]!.bitmapBytes as number).toBeGreaterThan((sparse[0]!.bitmapBytes as number) * 100);
    expect(sparse[2]!.bitmapBytes as number).toBeGreaterThan(sparse[2]!.setBytes as number);
    expect(recorder.comparisons.map((c) => c.id)).toEqual(['memory-bitmap-vs-set']);
  });
});

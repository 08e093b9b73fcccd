import { describe, expect, it } from 'vitest';
import { runDemoForTest } from '../../../src/testing/demo.ts';

describe('demo (quick mode, real Redis)', () => {
  it('records errors within a few standard errors, the sparse→dense switch and the merge', async () => {
    const { recorder } = await runDemoForTest('redis-hyperloglog');
    const figure = (key: string) => recorder.figures.find((f) => f.key === key)?.value as number;

    expect(recorder.tables.map((t) => t.id)).toEqual([
      'error-by-size',
      'memory',
      'sparse-to-dense',
      'trials',
      'merge',
    ]);
    expect(Math.abs(figure('error-largest'))).toBeLessThan(3 * 0.81);
    expect(figure('rms-error')).toBeLessThan(3 * 0.81);
    expect(Math.abs(figure('merge-error'))).toBeLessThan(3 * 0.81);
    // Sparse first, then dense at 12 KB and more; the SET grows far beyond.
    expect(figure('sparse-bytes-250')).toBeLessThan(2_000);
    expect(figure('dense-bytes')).toBeGreaterThanOrEqual(12_288);
    expect(figure('set-bytes-largest')).toBeGreaterThan(figure('hll-bytes-largest') * 10);
  });
});

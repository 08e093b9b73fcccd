import { describe, expect, it } from 'vitest';
import { runDemoForTest } from '../../../src/testing/demo.ts';

describe('demo (quick mode, real Redis)', () => {
  it('records a consistent index under contention and queries equal to the JS reference', async () => {
    const { recorder } = await runDemoForTest('redis-set-tags');
    const figure = (key: string) => recorder.figures.find((f) => f.key === key)?.value;

    expect(figure('atomic-inconsistencies')).toBe(0);
    expect(figure('atomic-merged')).toBe(0);
    expect(figure('queries-equal-reference')).toBe(true);
    expect(recorder.tables.map((t) => t.id)).toEqual(['contention', 'queries']);
  });
});

import { describe, expect, it } from 'vitest';
import { runDemoForTest } from '../../../src/testing/demo.ts';

describe('redis-lua-error-handling demo (quick, real Redis)', () => {
  it('records money lost by the half-run script and none by the validate-first one', async () => {
    const { recorder } = await runDemoForTest('redis-lua-error-handling');
    const figure = (key: string) => recorder.figures.find((f) => f.key === key)?.value;
    expect(figure('unsafe-money-lost') as number).toBeGreaterThan(0);
    expect(figure('safe-money-lost')).toBe(0);
    expect(recorder.tables.map((t) => t.id)).toEqual(['error-shapes', 'half-run', 'validation-cost']);
    const shapes = recorder.tables[0]!.rows;
    expect(shapes[0]).toMatchObject({ code: 'INSUFFICIENT_FUNDS', scriptLocation: false });
    expect(shapes[1]).toMatchObject({ code: 'ERR', scriptLocation: true });
    expect(recorder.comparisons.map((c) => c.id)).toEqual(['validate-first-cost']);
  });
});

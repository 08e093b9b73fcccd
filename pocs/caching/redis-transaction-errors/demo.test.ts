import { describe, expect, it } from 'vitest';
import { runDemoForTest } from '../../../src/testing/demo.ts';

describe('redis-transaction-errors demo (quick, real Redis)', () => {
  it('records nothing applied on EXECABORT / DISCARD and partial application on run-time errors', async () => {
    const { recorder } = await runDemoForTest('redis-transaction-errors');
    const figure = (key: string) => recorder.figures.find((f) => f.key === key)?.value;
    expect(figure('queue-error-applied')).toBe(0);
    expect(figure('runtime-error-applied')).toBe(3);
    expect(figure('runtime-error-failed')).toBe(2);
    expect(figure('discard-applied')).toBe(0);
    expect(figure('lua-error-kept-writes')).toBe(1);
    expect(recorder.tables.map((t) => t.id)).toEqual(['scenarios']);
    expect(recorder.tables[0]!.rows).toHaveLength(4);
  });
});

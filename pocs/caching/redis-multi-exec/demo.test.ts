import { describe, expect, it } from 'vitest';
import { runDemoForTest } from '../../../src/testing/demo.ts';

describe('redis-multi-exec demo (quick, real Redis)', () => {
  it('records interleaving without MULTI, none with it, and what went over the wire', async () => {
    const { recorder } = await runDemoForTest('redis-multi-exec');
    const figure = (key: string) => recorder.figures.find((f) => f.key === key)?.value;
    expect(figure('separate-intrusions')).toBeGreaterThan(0);
    expect(figure('multi-intrusions')).toBe(0);
    expect(figure('multi-intrusions-total')).toBe(0);

    expect(recorder.tables.map((t) => t.id)).toEqual(['wire', 'interleaving', 'batch-time']);
    const wire = recorder.tables.find((t) => t.id === 'wire')!;
    expect(wire.rows.map((r) => r.commands)).toEqual(['MULTI INCR INCR EXEC', 'INCR INCR']);
    expect(recorder.comparisons.map((c) => c.id)).toEqual(['multi-vs-separate-time']);
  });
});

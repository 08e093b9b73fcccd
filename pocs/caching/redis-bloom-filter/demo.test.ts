import { describe, expect, it } from 'vitest';
import { runDemoForTest } from '../../../src/testing/demo.ts';

describe('demo (quick mode, real Redis)', () => {
  it('records measured vs predicted false-positive rates, no false negatives, and the memory comparison', async () => {
    const { recorder } = await runDemoForTest('redis-bloom-filter');
    const figure = (key: string) => recorder.figures.find((f) => f.key === key)?.value;

    expect(figure('false-negatives')).toBe(0);
    expect(recorder.tables.map((t) => t.id)).toEqual(['false-positives', 'memory']);
    for (const row of recorder.tables[0]!.rows) {
      // measured within a factor of two of the formula at n (quick mode probes only 10k) …
      expect(row.measured as number).toBeLessThan((row.predicted as number) * 2 + 0.05);
      // … and overfilling always makes it worse.
      expect(row.measured2n as number).toBeGreaterThan(row.measured as number);
    }
    const memory = recorder.tables[1]!.rows;
    expect(memory.at(-1)!.bytes as number).toBeGreaterThan(memory[1]!.bytes as number);
    expect(recorder.comparisons.map((c) => c.id)).toEqual(['memory-bloom-vs-set', 'check-throughput']);
  });
});

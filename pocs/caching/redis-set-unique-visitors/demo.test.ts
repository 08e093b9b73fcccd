import { describe, expect, it } from 'vitest';
import { runDemoForTest } from '../../../src/testing/demo.ts';

describe('demo (quick mode, real Redis)', () => {
  it('records exact counts under concurrency and the SET vs HyperLogLog memory table', async () => {
    const { recorder } = await runDemoForTest('redis-set-unique-visitors');
    const figure = (key: string) => recorder.figures.find((f) => f.key === key)?.value;

    expect(figure('set-count')).toBe(figure('true-visitors'));
    expect(figure('racy-count') as number).toBeGreaterThanOrEqual(figure('true-visitors') as number);
    expect(figure('weekly-exact-equal')).toBe(true);
    expect(recorder.tables.map((t) => t.id)).toEqual(['concurrency', 'memory-set-vs-hll', 'weekly']);
    const memory = recorder.tables[1]!.rows;
    // SET memory grows with the visitors; the HLL stops growing once dense.
    expect(memory.at(-1)!.setBytes as number).toBeGreaterThan((memory.at(-1)!.hllBytes as number) * 50);
    for (const row of memory) expect(row.setCount).toBe(Number(String(row.visitors).replaceAll(',', '')));
  });
});

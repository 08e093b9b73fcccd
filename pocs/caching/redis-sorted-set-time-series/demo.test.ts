import { describe, expect, it } from 'vitest';
import { runDemoForTest } from '../../../src/testing/demo.ts';

describe('redis-sorted-set-time-series demo (quick, real Redis)', () => {
  it('records no loss with unique members, window latencies and a correct retention', async () => {
    const { recorder } = await runDemoForTest('redis-sorted-set-time-series');
    const [unique, naive] = recorder.tables.find((t) => t.id === 'unique-members')!.rows;
    expect(unique!.lost).toBe(0);
    expect(naive!.lost as number).toBeGreaterThan(0);
    expect(recorder.figures.find((f) => f.key === 'retention-oldest-ok')?.value).toBe(true);
    // 3/4 of a day removed, give or take one point at the edge.
    const removed = recorder.figures.find((f) => f.key === 'retention-removed')?.value as number;
    expect(removed / (unique!.stored as number)).toBeCloseTo(0.75, 2);
    expect(recorder.tables.map((t) => t.id)).toEqual(['unique-members', 'window-queries', 'retention']);
  });
});

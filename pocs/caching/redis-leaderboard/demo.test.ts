import { describe, expect, it } from 'vitest';
import { runDemoForTest } from '../../../src/testing/demo.ts';

describe('redis-leaderboard demo (quick, real Redis and PostgreSQL)', () => {
  it('records the tie order and the rank benchmark', async () => {
    const { recorder } = await runDemoForTest('redis-leaderboard');
    const ties = recorder.tables.find((t) => t.id === 'ties')!.rows;
    expect(ties.map((r) => r.plain)).toEqual(['zoe', 'mia', 'adam']);
    expect(ties.map((r) => r.composite)).toEqual(['zoe', 'adam', 'mia']);

    const bench = recorder.tables.find((t) => t.id === 'rank-at-scale')!.rows;
    expect(bench).toHaveLength(3);
    for (const row of bench)
      for (const k of ['redisP50', 'pgP50']) expect(row[k] as number).toBeGreaterThan(0);
    expect(recorder.comparisons.map((c) => c.id)).toEqual(['rank-p50']);
  });
});

import { describe, expect, it } from 'vitest';
import { runDemoForTest } from '../../../src/testing/demo.ts';

describe('demo (quick mode, real Redis)', () => {
  it('records suggestion lists equal to the JS reference for both methods', async () => {
    const { recorder } = await runDemoForTest('redis-set-friend-suggestions');
    const figure = (key: string) => recorder.figures.find((f) => f.key === key)?.value;
    expect(figure('all-equal-reference')).toBe(true);
    const table = recorder.tables.find((t) => t.id === 'suggestions')!;
    expect(table.rows).toHaveLength(2);
    for (const row of table.rows) expect(row.equalToReference).toBe(row.users);
    expect(recorder.comparisons.map((c) => c.id)).toEqual(['p50-zunion-vs-sintercard']);
  });
});

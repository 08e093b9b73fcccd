import { describe, expect, it } from 'vitest';
import { runDemoForTest } from '../../../src/testing/demo.ts';

describe('message-deduplication demo (quick)', () => {
  it('records the variants side by side, and only the transactional one is exact', async () => {
    const { recorder } = await runDemoForTest('message-deduplication');
    expect(recorder.tables.map((t) => t.id)).toEqual(['sigkill-mid-stream', 'crash-at-dangerous-point']);
    const mid = recorder.tables[0]!.rows;
    const crash = recorder.tables[1]!.rows;
    expect(mid).toHaveLength(5);
    // The publisher's re-sends alone give the no-dedup consumer duplicated effects.
    expect(mid[0]!.duplicated).toBeGreaterThan(0);
    // Both transactional rows: nothing duplicated, nothing lost, despite the SIGKILL.
    for (const row of [mid[3]!, mid[4]!, crash[3]!, crash[4]!]) {
      expect(row.duplicated, String(row.variant)).toBe(0);
      expect(row.lost, String(row.variant)).toBe(0);
    }
    expect(crash[1]!.lost).toBe(1); //       SET NX then effect, killed after the mark
    expect(crash[2]!.duplicated).toBe(1); // effect then SET, killed after the effect
    const figures = Object.fromEntries(recorder.figures.map((f) => [f.key, f.value]));
    expect(figures['mark-first-lost']).toBe(1);
    expect(figures['process-first-duplicated']).toBe(1);
    expect(recorder.comparisons.map((c) => c.id)).toEqual(['duplicated-effects', 'prefilter-throughput']);
  }, 120_000);
});

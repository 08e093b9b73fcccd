import { describe, expect, it } from 'vitest';
import { runDemoForTest } from '../../../src/testing/demo.ts';

describe('redis-lua-script-caching demo (quick, own ephemeral Redis)', () => {
  it('shows what survives SCRIPT FLUSH and records bytes and throughput per call', async () => {
    const { recorder } = await runDemoForTest('redis-lua-script-caching');
    const figure = (key: string) => recorder.figures.find((f) => f.key === key)?.value;
    expect(figure('evalsha-after-flush')).toBe('NOSCRIPT');
    expect(figure('fcall-after-flush')).toBe('works');
    const flush = recorder.tables.find((t) => t.id === 'after-flush')!;
    expect(flush.rows.map((r) => r.afterFlush)).toEqual(['NOSCRIPT', 'works', 'works', 'works']);
    const cost = recorder.tables.find((t) => t.id === 'cost-per-call')!;
    expect(cost.rows).toHaveLength(3);
    for (const row of cost.rows) expect(row.opsPerSec as number).toBeGreaterThan(0);
    expect(recorder.comparisons.find((c) => c.id === 'bytes-evalsha-vs-eval')!.ratio).toBeLessThan(0.2);
  }, 20_000);
});

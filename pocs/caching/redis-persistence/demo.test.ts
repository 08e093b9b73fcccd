import { describe, expect, it } from 'vitest';
import { runDemoForTest } from '../../../src/testing/demo.ts';

describe('redis-persistence demo (quick, real redis-server processes killed and restarted)', () => {
  it('records the crash losses, throughput, restart and rewrite figures the site draws', async () => {
    const { recorder } = await runDemoForTest('redis-persistence');
    const figure = (key: string) => recorder.figures.find((f) => f.key === key)?.value;
    expect(figure('none-lost')).toBe(figure('none-acked'));
    expect(figure('rdb-lost')).toBe(figure('rdb-acked-after-snapshot'));
    expect(figure('rdb-lost-before-snapshot')).toBe(0);
    expect(figure('always-lost')).toBe(0);
    expect(figure('rewrite-data-equal')).toBe(true);
    expect(figure('truncated-strict-started')).toBe(false);

    expect(recorder.tables.map((t) => t.id)).toEqual(['crash', 'throughput', 'restart']);
    for (const row of recorder.tables.find((t) => t.id === 'throughput')!.rows) {
      expect(row.sequential).toBeGreaterThan(0);
      expect(row.pipelined).toBeGreaterThan(0);
    }
    for (const row of recorder.tables.find((t) => t.id === 'restart')!.rows)
      expect(row.keysAfterRestart).toBe(figure('restart-keys'));
    expect(recorder.comparisons.map((c) => c.id)).toEqual([
      'always-vs-none-sequential',
      'always-vs-none-pipelined',
      'everysec-vs-none-sequential',
      'hybrid-vs-aof-load',
      'rdb-vs-aof-size',
      'rewrite-shrink',
    ]);
  }, 60_000);
});

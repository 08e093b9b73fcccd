import { describe, expect, it } from 'vitest';
import { runDemoForTest } from '../../../src/testing/demo.ts';

describe('redis-distributed-lock demo (quick, real Redis, real child process)', () => {
  it('records exclusion, the pause failure, the fencing fix and the latency the site draws', async () => {
    const { recorder } = await runDemoForTest('redis-distributed-lock');
    const figure = (key: string) => recorder.figures.find((f) => f.key === key)?.value;
    expect(figure('locked-count')).toBe(50);
    expect(figure('unlocked-count')).toBeLessThan(50);
    expect(figure('unfenced-two-holders')).toBe(true);
    expect(figure('unfenced-lost-write')).toBe(true);
    expect(figure('fenced-stale-rejected')).toBe(true);
    expect(figure('fenced-lost-write')).toBe(false);
    expect(figure('redlock-lost-write')).toBe(true);

    expect(recorder.tables.map((t) => t.id)).toEqual(['pause', 'latency']);
    const latency = recorder.tables.find((t) => t.id === 'latency')!;
    for (const row of latency.rows) expect(row.pairsPerSecond).toBeGreaterThan(0);
    expect(recorder.comparisons.map((c) => c.id)).toEqual([
      'acquire-p50-vs-redlock',
      'release-p50-vs-redlock',
      'pairs-vs-redlock',
    ]);
  }, 20_000);
});

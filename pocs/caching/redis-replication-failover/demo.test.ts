import { describe, expect, it } from 'vitest';
import { runDemoForTest } from '../../../src/testing/demo.ts';

describe('redis-replication-failover demo (quick, own primary + replicas)', () => {
  it('records the lost acknowledged writes, the WAIT fix, stale reads, lag and the Sentinel failover the site draws', async () => {
    const { recorder } = await runDemoForTest('redis-replication-failover');
    const figure = (key: string) => recorder.figures.find((f) => f.key === key)?.value;
    expect(figure('held-back-lost')).toBe(30);
    expect(figure('wait-confirmed-lost')).toBe(0);
    expect(figure('wait-unconfirmed')).toBe(10);
    expect(figure('stale-reads-with-fixes')).toBe(0);
    expect(recorder.tables.map((t) => t.id)).toEqual([
      'failover',
      'write-latency',
      'read-your-writes',
      'lag',
      'sentinel-failover',
    ]);
    // Whatever the timing, no write confirmed by WAIT is ever lost.
    for (const row of recorder.tables[0]!.rows)
      if (typeof row.confirmedLost === 'number') expect(row.confirmedLost).toBe(0);
    // Sentinel promoted a replica and the client wrote to it; how long that took is the demo's business.
    const sentinel = recorder.tables.find((t) => t.id === 'sentinel-failover')!;
    expect(sentinel.rows).toHaveLength(1);
    expect(sentinel.rows[0]!.acked).toBeGreaterThan(0);
    expect(figure('sentinel-first-write-ms')).toBeGreaterThan(0);
    expect(recorder.comparisons.map((c) => c.id)).toEqual([
      'wait-latency-0ms',
      'wait-latency-10ms',
      'read-throughput',
    ]);
  }, 120_000);
});

import { describe, expect, it } from 'vitest';
import { runDemoForTest } from '../../../src/testing/demo.ts';

describe('redis-pipelining demo (quick, real Redis behind a latency proxy)', () => {
  it('records throughput per mode and latency, with pipelining well ahead at +5 ms', async () => {
    const { recorder } = await runDemoForTest('redis-pipelining');
    expect(recorder.tables.map((t) => t.id)).toEqual(['throughput-by-latency', 'speedup-by-rtt']);
    const rows = recorder.tables[0]!.rows;
    expect(rows).toHaveLength(8);
    for (const row of rows) expect(row.ops5 as number).toBeGreaterThan(0);
    // RTT dominates at +5 ms each way: a loose bound that survives a loaded machine.
    const figure = (key: string) => recorder.figures.find((f) => f.key === key)?.value as number;
    expect(figure('rtt-5ms')).toBeGreaterThan(10);
    expect(figure('speedup-pipe100-5ms')).toBeGreaterThan(5);
  }, 20_000);
});

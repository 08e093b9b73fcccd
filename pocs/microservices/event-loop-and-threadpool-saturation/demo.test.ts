import { describe, expect, it } from 'vitest';
import { runDemoForTest } from '../../../src/testing/demo.ts';

describe('event-loop-and-threadpool-saturation demo (quick)', () => {
  it('records both scenarios before and after, with the figures the problem page cites', async () => {
    const { recorder } = await runDemoForTest('event-loop-and-threadpool-saturation');
    const loop = recorder.tables.find((t) => t.id === 'event-loop');
    const pool = recorder.tables.find((t) => t.id === 'thread-pool');
    expect(loop?.rows).toHaveLength(3);
    expect(pool?.rows).toHaveLength(4);

    const figures = Object.fromEntries(recorder.figures.map((f) => [f.key, f.value]));
    for (const key of [
      'blocked-loop-delay-p99',
      'offloaded-loop-delay-p99',
      'blocked-fast-p99',
      'offloaded-fast-p99',
      'saturated-fs-p99',
      'bounded-fs-p99',
      'pool16-fs-p99',
      'saturated-hashes-ahead',
    ]) {
      expect(typeof figures[key] === 'number' && Number.isFinite(figures[key]), key).toBe(true);
    }
    // The mechanisms, as queue positions rather than times: in the saturated pool an fs.stat waits for
    // hashes to finish; with hashing bounded to 2 of the 4 threads it (almost) never does.
    expect(Number(figures['saturated-hashes-ahead'])).toBeGreaterThan(1);
    expect(Number(pool?.rows[2]?.hashesAhead)).toBeLessThan(Number(figures['saturated-hashes-ahead']));
    // Times are not compared here: with 40 ms jobs and a 300 ms quick phase on a shared machine the demo's
    // latencies are too noisy to order reliably. saturation.test.ts proves the loop claim with wide margins.
    expect(recorder.comparisons.map((c) => c.id)).toEqual([
      'offload-fast-p99',
      'offload-loop-delay-p99',
      'bounded-fs-p99',
      'pool16-fs-p99',
      'pool16-hashes-per-sec',
      'pool16-loop-delay-p99',
    ]);
  });
});

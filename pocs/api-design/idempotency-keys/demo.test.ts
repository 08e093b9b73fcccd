import { describe, expect, it } from 'vitest';
import { runDemoForTest } from '../../../src/testing/demo.ts';

describe('idempotency-keys demo (quick)', () => {
  it('duplicates payments without keys, creates each payment once with them, and measures the overhead', async () => {
    const { recorder } = await runDemoForTest('idempotency-keys');
    const retries = recorder.tables.find((t) => t.id === 'retries-after-timeouts');
    const [without, withKeys] = retries!.rows;
    expect(Number(without!.clientTimeouts)).toBeGreaterThan(0);
    expect(Number(without!.duplicates)).toBeGreaterThan(0); // the failure is reproduced...
    expect(withKeys).toMatchObject({ duplicates: 0, chargedTwice: 0 }); // ...and prevented
    expect(withKeys!.paymentsCreated).toBe(withKeys!.payments);
    expect(Number(withKeys!.clientTimeouts)).toBeGreaterThan(0); // under the same kind of timeouts

    const overhead = recorder.tables.find((t) => t.id === 'overhead');
    expect(overhead?.rows).toHaveLength(3);
    for (const row of overhead!.rows) {
      for (const key of ['opsPerSec', 'p50Ms', 'p99Ms']) expect(Number.isFinite(row[key]), key).toBe(true);
    }
    expect(recorder.comparisons.map((c) => c.id)).toEqual([
      'duplicates',
      'overhead-throughput',
      'overhead-p50',
      'overhead-p99',
    ]);
  });
});

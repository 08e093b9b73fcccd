import { describe, expect, it } from 'vitest';
import { runDemoForTest } from '../../../src/testing/demo.ts';

describe('redis-string-cache-ttl demo (quick, real Redis and PostgreSQL)', () => {
  it('records hit/miss latency, an observed expiry and the jitter spread', async () => {
    const { recorder } = await runDemoForTest('redis-string-cache-ttl');
    const figure = (key: string) => recorder.figures.find((f) => f.key === key)?.value as number;

    expect(figure('hit-ratio')).toBeGreaterThan(0);
    // The loader sleeps 10 ms in PostgreSQL, so no miss can be faster than that.
    expect(figure('miss-p50')).toBeGreaterThanOrEqual(10);
    expect(figure('observed-expiry-ms')).toBeGreaterThan(0);
    expect(figure('observed-expiry-ms')).toBeLessThan(3_000);

    expect(recorder.tables.map((t) => t.id)).toEqual(['hit-vs-miss', 'expiry-spread']);
    const [plain, jittered] = recorder.tables.find((t) => t.id === 'expiry-spread')!.rows;
    expect(jittered!.largestSameSecond as number).toBeLessThan(plain!.largestSameSecond as number);
    expect(recorder.comparisons.map((c) => c.id)).toEqual(['p50-hit-vs-miss', 'same-second-expiries']);
  });
});

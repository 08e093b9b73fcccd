import { describe, expect, it } from 'vitest';
import { measureAmplification } from './amplification.ts';

describe('retry amplification when C is down', () => {
  it('3 retries at each of 3 layers reach C exactly 4 x 4 x 4 = 64 times per user request', async () => {
    const r = await measureAmplification({ client: 3, a: 3, b: 3 }, { userRequests: 2, concurrency: 2 });
    expect(r.callsAtA).toBe(2 * 4);
    expect(r.callsAtB).toBe(2 * 16);
    expect(r.callsAtC).toBe(2 * 64);
    expect(r.factor).toBe(64);
    expect(r.failedUserRequests).toBe(2);
  });

  it('the factor is the product of the layers, whatever they are', async () => {
    const r = await measureAmplification({ client: 1, a: 2, b: 3 }, { userRequests: 2 });
    expect(r.factor).toBe(2 * 3 * 4);
    expect(r.expectedFactor).toBe(24);
  });

  it('retrying at one layer only, with a retry budget, keeps C near one call per request', async () => {
    const oneLayer = await measureAmplification({ client: 0, a: 0, b: 3 }, { userRequests: 20 });
    expect(oneLayer.factor).toBe(4);
    const budgeted = await measureAmplification(
      { client: 0, a: 0, b: 3, budget: true },
      { userRequests: 20 },
    );
    // maxTokens 10: retries stop once 5 failures have drained half the budget.
    expect(budgeted.callsAtC).toBeLessThanOrEqual(20 + 5);
    const broken = await measureAmplification({ client: 0, a: 0, b: 3, breaker: true }, { userRequests: 20 });
    expect(broken.callsAtC).toBeLessThan(20); // the breaker opened: most requests never reached C
  });
});

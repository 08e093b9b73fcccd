import { describe, expect, it } from 'vitest';
import { type OutageScenarioOptions, runOutageScenario } from './outageScenario.ts';

// Real timers on purpose: this is the claim of the POC, measured the way the demo measures it.
describe('load shedding from a dead dependency (real timers)', () => {
  it('a breaker keeps most calls away from a hung dependency and lets traffic back after recovery', async () => {
    const common: OutageScenarioOptions = {
      phases: [
        { mode: 'healthy', ms: 300 },
        { mode: 'down', ms: 900 },
        { mode: 'recovering', ms: 300 },
      ],
      ratePerSec: 200,
      timeoutMs: 50,
      retries: 0,
      retryDelayMs: 0,
      sliceMs: 100,
    };
    const [without, withBreaker] = await Promise.all([
      runOutageScenario(common),
      runOutageScenario({
        ...common,
        breaker: { failureRateThreshold: 0.5, minimumRequests: 20, windowMs: 300, buckets: 10, openMs: 150 },
      }),
    ]);

    // Without a breaker every request that arrives during the outage is sent to the dead dependency.
    expect(without.reached.down).toBeGreaterThan(100);
    expect(without.rejectedFast).toBe(0);
    // With one, only the calls before the trip and one probe per cool-down get through.
    expect(withBreaker.reached.down).toBeLessThan(without.reached.down * 0.5);
    expect(withBreaker.rejectedFast).toBeGreaterThan(0);
    // Fail fast: the median caller during the outage does not wait for the timeout.
    expect(withBreaker.latencyDuringOutage.p50).toBeLessThan(common.timeoutMs / 2);
    // (90%: timers and performance.now() use different clocks, a 50 ms timer can measure 49.98 ms.)
    expect(without.latencyDuringOutage.p50).toBeGreaterThanOrEqual(common.timeoutMs * 0.9);
    // And it recovers: a probe succeeded, the circuit closed, traffic reached the recovering dependency.
    expect(withBreaker.stateChanges.at(-1)?.to).toBe('closed');
    expect(withBreaker.reached.recovering).toBeGreaterThan(0);
  });
});

import { describe, expect, it } from 'vitest';
import { RollingWindow } from './RollingWindow.ts';

function windowAt(start: number) {
  const clock = { t: start };
  const window = new RollingWindow({ windowMs: 1_000, buckets: 10, now: () => clock.t });
  return { clock, window };
}

describe('RollingWindow', () => {
  it('counts successes and failures and computes the failure rate', () => {
    const { window } = windowAt(0);
    window.record(true);
    window.record(false);
    window.record(false);
    window.record(true);
    expect(window.totals()).toEqual({ successes: 2, failures: 2, total: 4, failureRate: 0.5 });
  });

  it('expires outcomes one bucket at a time', () => {
    const { clock, window } = windowAt(10_000); // 10 000 ms = start of a bucket
    window.record(false); // bucket [10 000, 10 100)
    clock.t = 10_500;
    window.record(false); // bucket [10 500, 10 600)
    clock.t = 10_999;
    expect(window.totals().failures).toBe(2);
    clock.t = 11_000; // the first bucket is now 10 buckets old: out
    expect(window.totals().failures).toBe(1);
    clock.t = 11_500;
    expect(window.totals().failures).toBe(0);
  });

  it('reuses a stale bucket when the ring wraps, without mixing old counts in', () => {
    const { clock, window } = windowAt(0);
    for (let i = 0; i < 5; i++) window.record(false); // bucket 0
    clock.t = 1_000; // ring slot 0 again, 10 buckets later
    window.record(true);
    expect(window.totals()).toEqual({ successes: 1, failures: 0, total: 1, failureRate: 0 });
  });

  it('reset() forgets everything', () => {
    const { window } = windowAt(0);
    window.record(false);
    window.reset();
    expect(window.totals().total).toBe(0);
  });

  it('rejects a window it cannot slice', () => {
    expect(() => new RollingWindow({ windowMs: 5, buckets: 10, now: Date.now })).toThrow(/at least one ms/);
    expect(() => new RollingWindow({ windowMs: 1_000, buckets: 0, now: Date.now })).toThrow(
      /positive integer/,
    );
  });
});

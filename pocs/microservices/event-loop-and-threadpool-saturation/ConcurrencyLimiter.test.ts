import { describe, expect, it } from 'vitest';
import { ConcurrencyLimiter } from './ConcurrencyLimiter.ts';

describe('ConcurrencyLimiter', () => {
  it('never runs more than `limit` calls at once, and runs them all', async () => {
    const limiter = new ConcurrencyLimiter(2);
    let active = 0;
    let peak = 0;
    const results = await Promise.all(
      Array.from({ length: 10 }, (_, i) =>
        limiter.run(async () => {
          active++;
          peak = Math.max(peak, active);
          await new Promise((r) => setTimeout(r, 5));
          active--;
          return i;
        }),
      ),
    );
    expect(peak).toBe(2);
    expect(results).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
    expect(limiter.inFlight).toBe(0);
    expect(limiter.queued).toBe(0);
  });

  it('releases its slot when a call throws', async () => {
    const limiter = new ConcurrencyLimiter(1);
    await expect(limiter.run(() => Promise.reject(new Error('boom')))).rejects.toThrow('boom');
    await expect(limiter.run(async () => 'next')).resolves.toBe('next');
  });

  it('rejects a limit that is not a positive integer', () => {
    expect(() => new ConcurrencyLimiter(0)).toThrow(/positive integer/);
  });
});

import type { Redis } from 'ioredis';
import { consumeFixed, fixedWindowLimiter } from './fixedWindowBaseline.ts';
import { SlidingWindowLimiter } from './SlidingWindowLimiter.ts';

export interface BoundaryRow {
  limiter: string;
  /** Allowed of the 1 request sent at t=0. */
  t0: number;
  /** Allowed of the 20 sent at t=700 ms. */
  t700: number;
  /** Allowed of the 20 sent at t=1200 ms. */
  t1200: number;
  /** t700 + t1200: admitted within 500 ms, against a limit of 10 per second. */
  span: number;
}

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

// #region boundary-burst
/**
 * Limit 10 per second. One request at t=0 opens the fixed window (it ends at t=1000 ms); 20 at
 * t=700 ms fill it; 20 more at t=1200 ms land in a brand-new fixed window. The sliding log still
 * counts the t=700 burst at t=1200 (it is younger than a second), so it admits only what has
 * actually left the last second: the one request from t=0.
 */
export async function runBoundaryBurst(redis: Redis, keyPrefix: string): Promise<BoundaryRow[]> {
  const sliding = new SlidingWindowLimiter({
    redis,
    limit: 10,
    windowMs: 1_000,
    keyPrefix: `${keyPrefix}swl:`,
  });
  const fixed = fixedWindowLimiter(redis, 10, 1, `${keyPrefix}rlf`);
  const limiters = [
    { name: 'Sliding log (this POC)', consume: async () => (await sliding.consume('edge')).allowed },
    { name: 'Fixed window (rate-limiter-flexible)', consume: () => consumeFixed(fixed, 'edge') },
  ];
  const burst = async (consume: () => Promise<boolean>, n: number) =>
    (await Promise.all(Array.from({ length: n }, consume))).filter(Boolean).length;

  const start = performance.now();
  const at = (ms: number) => sleep(ms - (performance.now() - start));
  const t0 = await Promise.all(limiters.map((l) => burst(l.consume, 1)));
  await at(700);
  const t700 = await Promise.all(limiters.map((l) => burst(l.consume, 20)));
  await at(1_200);
  const t1200 = await Promise.all(limiters.map((l) => burst(l.consume, 20)));
  return limiters.map((l, i) => ({
    limiter: l.name,
    t0: t0[i]!,
    t700: t700[i]!,
    t1200: t1200[i]!,
    span: t700[i]! + t1200[i]!,
  }));
}
// #endregion boundary-burst

import type { Redis } from 'ioredis';
import { consumeFixed, fixedWindowLimiter } from './fixedWindowBaseline.ts';
import { SlidingWindowLimiter } from './SlidingWindowLimiter.ts';

/**
 * Redis MEMORY USAGE of one key after `requests` admitted requests: the sliding log keeps one
 * sorted-set member per request, the fixed window one integer whatever the count.
 */
export async function measureMemoryPerKey(redis: Redis, keyPrefix: string, requests: number) {
  const sliding = new SlidingWindowLimiter({
    redis,
    limit: requests,
    windowMs: 60_000,
    keyPrefix: `${keyPrefix}swl:`,
  });
  const fixed = fixedWindowLimiter(redis, requests, 60, `${keyPrefix}rlf`);
  for (let i = 0; i < requests; i++) {
    await sliding.consume('memory');
    await consumeFixed(fixed, 'memory');
  }
  return {
    slidingLogBytes: (await redis.memory('USAGE', `${keyPrefix}swl:memory`)) ?? 0,
    fixedWindowBytes: (await redis.memory('USAGE', fixed.getKey('memory'))) ?? 0,
  };
}

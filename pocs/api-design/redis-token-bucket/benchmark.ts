import { randomBytes } from 'node:crypto';
import { Redis } from 'ioredis';
import { BurstyRateLimiter, RateLimiterRedis, RateLimiterRes } from 'rate-limiter-flexible';
import { type LoadResult, round, runLoad } from '../../../src/lab/index.ts';
import { TokenBucketLimiter } from './TokenBucketLimiter.ts';

export interface BenchmarkOptions {
  url: string;
  keyPrefix: string;
  concurrency: number;
  rounds: number;
  durationMs: number;
  warmupOps: number;
  signal: AbortSignal;
  progress: (step: string, done?: number, total?: number) => void;
}

export interface BenchmarkRow {
  limiter: string;
  opsPerSec: number;
  p50: number;
  p99: number;
}

const USERS = 1_000;

/** rate-limiter-flexible rejects with a RateLimiterRes on a denial; anything else is a real error. */
function flexible(consume: Promise<unknown>): Promise<boolean> {
  return consume.then(
    () => true,
    (rejection: unknown) => {
      if (rejection instanceof RateLimiterRes) return false;
      throw rejection;
    },
  );
}

/**
 * The allowed path (a bucket too big to empty, 1,000 users, so every call writes) through three
 * limiters on the same Redis, one connection each, taking turns in rounds so noise hits all alike.
 * rate-limiter-flexible has no token bucket: RateLimiterRedis is a fixed window, and its
 * BurstyRateLimiter (a fixed window plus a second, wider one for bursts) is its answer to bursts.
 */
export async function runBenchmark(options: BenchmarkOptions): Promise<BenchmarkRow[]> {
  const clients = [new Redis(options.url), new Redis(options.url), new Redis(options.url)] as const;
  try {
    const p = options.keyPrefix;
    const bucket = new TokenBucketLimiter({
      redis: clients[0],
      capacity: 1_000_000_000,
      refillPerSecond: 1_000,
      keyPrefix: `${p}tb:`,
      // Throughput, not the fail-open path: a stall on a busy machine slows the figure, never aborts it.
      timeoutMs: 5_000,
    });
    const fixed = new RateLimiterRedis({
      storeClient: clients[1],
      points: 1_000_000_000,
      duration: 60,
      keyPrefix: `${p}rlf`,
    });
    const bursty = new BurstyRateLimiter(
      new RateLimiterRedis({
        storeClient: clients[2],
        points: 1_000_000_000,
        duration: 1,
        keyPrefix: `${p}rlfb`,
      }),
      new RateLimiterRedis({ storeClient: clients[2], points: 1_000, duration: 10, keyPrefix: `${p}rlfb2` }),
    );
    const salt = randomBytes(2).toString('hex');
    const user = (i: number) => `u:${salt}:${i % USERS}`;
    const limiters = [
      { name: 'TokenBucketLimiter (this POC, Lua token bucket)', take: (i: number) => bucket.take(user(i)) },
      {
        name: 'rate-limiter-flexible RateLimiterRedis (fixed window)',
        take: (i: number) => flexible(fixed.consume(user(i))),
      },
      {
        name: 'rate-limiter-flexible BurstyRateLimiter (two fixed windows)',
        take: (i: number) => flexible(bursty.consume(user(i))),
      },
    ];
    const runs = limiters.map(() => [] as LoadResult[]);
    const total = options.rounds * limiters.length;
    let done = 0;
    for (let r = 0; r < options.rounds; r++) {
      // Rotate the order each round so no limiter always runs first (or last) on a noisy machine.
      for (let k = 0; k < limiters.length; k++) {
        const index = (k + r) % limiters.length;
        const limiter = limiters[index]!;
        options.progress(`benchmark: ${limiter.name}`, done++, total);
        const result = await runLoad(limiter.take, {
          concurrency: options.concurrency,
          durationMs: options.durationMs,
          warmupOps: options.warmupOps,
          signal: options.signal,
        });
        if (result.errors > 0) throw new Error(`benchmark calls failed: ${result.errorSamples.join('; ')}`);
        runs[index]!.push(result);
      }
    }
    return limiters.map((limiter, index) => ({ limiter: limiter.name, ...summarize(runs[index]!) }));
  } finally {
    await Promise.all(clients.map((c) => c.quit().catch(() => c.disconnect())));
  }
}

/** Throughput over all rounds together; latency percentiles as the median of the rounds'. */
function summarize(runs: LoadResult[]) {
  const ops = runs.reduce((sum, r) => sum + r.ops, 0);
  const ms = runs.reduce((sum, r) => sum + r.elapsedMs, 0);
  const median = (values: number[]) => values.sort((a, b) => a - b)[Math.floor(values.length / 2)]!;
  return {
    opsPerSec: round(ops / (ms / 1000), 0),
    p50: median(runs.map((r) => r.latency.p50)),
    p99: median(runs.map((r) => r.latency.p99)),
  };
}

import { randomBytes } from 'node:crypto';
import { Redis } from 'ioredis';
import { type LoadResult, round, runLoad } from '../../../src/lab/index.ts';
import { consumeFixed, fixedWindowLimiter } from './fixedWindowBaseline.ts';
import { SlidingWindowLimiter } from './SlidingWindowLimiter.ts';

export interface BenchmarkOptions {
  url: string;
  keyPrefix: string;
  /** A connection for INFO commandstats (not one the limiters use). */
  admin: Redis;
  concurrency: number;
  rounds: number;
  durationMs: number;
  warmupOps: number;
  signal: AbortSignal;
  progress: (step: string, done?: number, total?: number) => void;
}

export interface BenchmarkRow {
  scenario: string;
  slidingOps: number;
  fixedOps: number;
  slidingP50: number;
  fixedP50: number;
  slidingP99: number;
  fixedP99: number;
  /** Microseconds Redis spent executing one check (INFO commandstats), without network or client time. */
  slidingServerUs: number;
  fixedServerUs: number;
}

const USERS = 1_000;
const DENIED_LIMIT = 100;

/**
 * Same Redis, same concurrency, same limit and window, one fresh connection per limiter.
 * - Allowed path: a limit too high to reach, spread over 1,000 users, so every call admits and writes.
 * - Denied path: one exhausted key, so every call is refused.
 * The two limiters take turns in short rounds (A B, then B A, ...) so that a noisy neighbour on a
 * shared machine slows both alike instead of whichever happened to be running at that moment.
 */
export async function runBenchmark(options: BenchmarkOptions): Promise<BenchmarkRow[]> {
  const slidingRedis = new Redis(options.url);
  const fixedRedis = new Redis(options.url);
  try {
    const build = (limit: number) => ({
      sliding: new SlidingWindowLimiter({
        redis: slidingRedis,
        limit,
        windowMs: 60_000,
        keyPrefix: `${options.keyPrefix}swl:${limit}:`,
        // Throughput, not the fail-open path: a stall on a busy machine slows the figure, never aborts it.
        timeoutMs: 5_000,
      }),
      fixed: fixedWindowLimiter(fixedRedis, limit, 60, `${options.keyPrefix}rlf:${limit}`),
    });
    const high = build(1_000_000_000);
    const low = build(DENIED_LIMIT);
    for (let i = 0; i < DENIED_LIMIT; i++) {
      await low.sliding.consume('hot');
      await consumeFixed(low.fixed, 'hot');
    }
    const salt = randomBytes(2).toString('hex');
    const user = (i: number) => `user:${salt}:${i % USERS}`;
    // #region scenarios
    const scenarios = [
      {
        name: 'Allowed path (every call admits)',
        sliding: (i: number) => high.sliding.consume(user(i)),
        fixed: (i: number) => consumeFixed(high.fixed, user(i)),
      },
      {
        name: 'Denied path (one key past its limit)',
        sliding: () => low.sliding.consume('hot'),
        fixed: () => consumeFixed(low.fixed, 'hot'),
      },
    ];
    // #endregion scenarios

    const total = options.rounds * scenarios.length * 2;
    let done = 0;
    const rows: BenchmarkRow[] = [];
    for (const scenario of scenarios) {
      const runs = { sliding: [] as LoadResult[], fixed: [] as LoadResult[] };
      const server = { sliding: { calls: 0, usec: 0 }, fixed: { calls: 0, usec: 0 } };
      // #region alternating-rounds
      for (let round = 0; round < options.rounds; round++) {
        const order = round % 2 === 0 ? (['sliding', 'fixed'] as const) : (['fixed', 'sliding'] as const);
        for (const which of order) {
          options.progress(`${scenario.name}: ${which}`, done++, total);
          const before = await evalshaStats(options.admin);
          const result = await runLoad(scenario[which], {
            concurrency: options.concurrency,
            durationMs: options.durationMs,
            warmupOps: options.warmupOps,
            signal: options.signal,
          });
          const after = await evalshaStats(options.admin);
          if (result.errors > 0) throw new Error(`benchmark calls failed: ${result.errorSamples.join('; ')}`);
          runs[which].push(result);
          server[which].calls += after.calls - before.calls;
          server[which].usec += after.usec - before.usec;
        }
      }
      // #endregion alternating-rounds
      const sliding = summarize(runs.sliding);
      const fixed = summarize(runs.fixed);
      rows.push({
        scenario: scenario.name,
        slidingOps: sliding.opsPerSec,
        fixedOps: fixed.opsPerSec,
        slidingP50: sliding.p50,
        fixedP50: fixed.p50,
        slidingP99: sliding.p99,
        fixedP99: fixed.p99,
        slidingServerUs: round(server.sliding.usec / Math.max(1, server.sliding.calls), 2),
        fixedServerUs: round(server.fixed.usec / Math.max(1, server.fixed.calls), 2),
      });
    }
    options.progress('benchmark', total, total);
    return rows;
  } finally {
    await Promise.all([slidingRedis.quit(), fixedRedis.quit()]);
  }
}

/**
 * Redis's own count of EVALSHA calls and the microseconds it spent executing them. Both limiters
 * run their Lua script through EVALSHA, so the delta over a measurement is that limiter's cost
 * (plus any other client's EVALSHA calls, were the Redis shared).
 */
async function evalshaStats(redis: Redis): Promise<{ calls: number; usec: number }> {
  const match = /^cmdstat_evalsha:calls=(\d+),usec=(\d+)/m.exec(await redis.info('commandstats'));
  return { calls: Number(match?.[1] ?? 0), usec: Number(match?.[2] ?? 0) };
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

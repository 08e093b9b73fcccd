import { Redis } from 'ioredis';
import { LatencyRecorder, type LatencySummary } from '../../../src/lab/index.ts';
import { RedisLock } from './RedisLock.ts';
import { Redlock, type RedlockLock } from './redlock.ts';

export interface LatencyBenchmarkOptions {
  url: string;
  keyPrefix: string;
  /** Acquire + release pairs per round and lock. */
  iterations: number;
  /** Rounds, alternating which lock goes first, so machine noise hits both alike. */
  rounds: number;
  signal?: AbortSignal;
}

export interface LockLatency {
  lock: 'RedisLock' | 'redlock';
  acquire: LatencySummary;
  release: LatencySummary;
  pairsPerSecond: number;
}

type Pair = { acquire: () => Promise<unknown>; release: (held: unknown) => Promise<unknown> };

// #region latency-benchmark
/** Uncontended acquire and release, one after another on one connection each: the cost of the lock itself. */
export async function runLatencyBenchmark(options: LatencyBenchmarkOptions): Promise<LockLatency[]> {
  const ours = new Redis(options.url);
  const theirs = new Redis(options.url);
  try {
    const lock = new RedisLock({ redis: ours, keyPrefix: `${options.keyPrefix}ours:`, ttlMs: 10_000 });
    // retryCount 0: uncontended, an acquire never needs a retry; the same for both.
    const redlock = new Redlock([theirs], { retryCount: 0 });
    const subjects: Record<LockLatency['lock'], Pair> = {
      RedisLock: {
        acquire: () => lock.acquire('bench'),
        release: (held) => lock.release(held as Awaited<ReturnType<RedisLock['acquire']>>),
      },
      redlock: {
        acquire: () => redlock.acquire([`${options.keyPrefix}theirs:bench`], 10_000),
        release: (held) => redlock.release(held as RedlockLock),
      },
    };
    const stats = new Map(
      Object.keys(subjects).map((name) => [
        name,
        { acquire: new LatencyRecorder(), release: new LatencyRecorder(), ms: 0 },
      ]),
    );
    const runRound = async (name: LockLatency['lock'], record: boolean) => {
      const { acquire, release } = subjects[name];
      const s = stats.get(name)!;
      const started = performance.now();
      for (let i = 0; i < options.iterations; i++) {
        options.signal?.throwIfAborted();
        const t0 = performance.now();
        const held = await acquire();
        const t1 = performance.now();
        await release(held);
        const t2 = performance.now();
        if (record) {
          s.acquire.recordMs(t1 - t0);
          s.release.recordMs(t2 - t1);
        }
      }
      if (record) s.ms += performance.now() - started;
    };
    // Warm-up: load the scripts into Redis and JIT both code paths.
    await runRound('RedisLock', false);
    await runRound('redlock', false);
    for (let round = 0; round < options.rounds; round++) {
      const order: LockLatency['lock'][] =
        round % 2 === 0 ? ['RedisLock', 'redlock'] : ['redlock', 'RedisLock'];
      for (const name of order) await runRound(name, true);
    }
    return (['RedisLock', 'redlock'] as const).map((name) => {
      const s = stats.get(name)!;
      return {
        lock: name,
        acquire: s.acquire.summary(),
        release: s.release.summary(),
        pairsPerSecond: (options.iterations * options.rounds) / (s.ms / 1000),
      };
    });
  } finally {
    await ours.del(`${options.keyPrefix}ours:bench`, `${options.keyPrefix}ours:bench:fence`).catch(() => {});
    await Promise.all([ours, theirs].map((c) => c.quit().catch(() => c.disconnect())));
  }
}
// #endregion latency-benchmark

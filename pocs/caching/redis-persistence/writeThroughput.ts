import type { Redis } from 'ioredis';

export type WriteStyle = 'sequential' | 'pipelined';

const VALUE = 'v'.repeat(100);

// #region write-workload
/**
 * The same writes two ways: one SET awaited at a time (a request handler's shape), and batches of
 * `batch` SETs per round trip. Returns the elapsed milliseconds.
 */
export async function timeWrites(
  redis: Redis,
  options: { keyPrefix: string; writes: number; style: WriteStyle; batch?: number },
): Promise<number> {
  const { keyPrefix, writes, style } = options;
  const batch = options.batch ?? 100;
  const started = performance.now();
  if (style === 'sequential') {
    for (let i = 0; i < writes; i++) await redis.set(`${keyPrefix}${i}`, VALUE);
  } else {
    for (let from = 0; from < writes; from += batch) {
      const pipeline = redis.pipeline();
      for (let i = from; i < Math.min(from + batch, writes); i++) pipeline.set(`${keyPrefix}${i}`, VALUE);
      await pipeline.exec();
    }
  }
  return performance.now() - started;
}
// #endregion write-workload

export interface ThroughputRow<Mode extends string> {
  mode: Mode;
  sequentialPerSecond: number;
  pipelinedPerSecond: number;
}

/**
 * Runs the workload on every server in turn, `rounds` times, so a noisy moment on the machine is
 * spread over all modes instead of landing on one; the throughput is the total writes / total time.
 */
export async function compareThroughput<Mode extends string>(
  servers: ReadonlyArray<{ mode: Mode; redis: Redis }>,
  options: { keyPrefix: string; sequentialWrites: number; pipelinedWrites: number; rounds: number },
  signal?: AbortSignal,
): Promise<Array<ThroughputRow<Mode>>> {
  const totals = servers.map(() => ({ sequentialMs: 0, pipelinedMs: 0 }));
  // An untimed pass first: the first server measured would otherwise also pay for JIT warm-up.
  for (const { redis } of servers) {
    const keyPrefix = `${options.keyPrefix}warmup:`;
    await timeWrites(redis, { keyPrefix, writes: 50, style: 'sequential' });
    await timeWrites(redis, { keyPrefix, writes: 2_000, style: 'pipelined' });
  }
  for (let round = 0; round < options.rounds; round++) {
    for (const [index, { redis }] of servers.entries()) {
      signal?.throwIfAborted();
      const keyPrefix = `${options.keyPrefix}tp:`;
      totals[index]!.sequentialMs += await timeWrites(redis, {
        keyPrefix,
        writes: options.sequentialWrites,
        style: 'sequential',
      });
      totals[index]!.pipelinedMs += await timeWrites(redis, {
        keyPrefix,
        writes: options.pipelinedWrites,
        style: 'pipelined',
      });
    }
  }
  return servers.map(({ mode }, index) => ({
    mode,
    sequentialPerSecond: (options.sequentialWrites * options.rounds * 1000) / totals[index]!.sequentialMs,
    pipelinedPerSecond: (options.pipelinedWrites * options.rounds * 1000) / totals[index]!.pipelinedMs,
  }));
}

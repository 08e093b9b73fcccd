import { Redis } from 'ioredis';
import { naiveUpdate, optimisticUpdate } from './optimisticUpdate.ts';

export type IncrementStrategy = 'naive' | 'watch' | 'incr';

export interface IncrementRaceOptions {
  url: string;
  key: string;
  /** Concurrent incrementers, each on its own connection (WATCH is per connection). */
  incrementers: number;
  /** Increments each incrementer makes, one after another. Default 1. */
  rounds?: number;
  thinkMs?: number;
  signal?: AbortSignal;
}

export interface IncrementRaceResult {
  strategy: IncrementStrategy;
  expected: number;
  final: number;
  /** Increments that were overwritten by another writer: expected - final. */
  lostUpdates: number;
  /** EXEC calls that came back null (WATCH strategy only). */
  conflicts: number;
  /** Conflicts per successful increment. */
  retriesPerSuccess: number;
  elapsedMs: number;
  incrementsPerSecond: number;
}

const plusOne = (current: string | null) => Number(current ?? 0) + 1;

/** Starts every incrementer at once on its own connection and counts what survived. */
export async function runIncrementRace(
  strategy: IncrementStrategy,
  options: IncrementRaceOptions,
): Promise<IncrementRaceResult> {
  const rounds = options.rounds ?? 1;
  const clients = Array.from({ length: options.incrementers }, () => new Redis(options.url));
  try {
    await Promise.all(clients.map((c) => c.ping())); // connect first: time the race, not the handshakes
    await clients[0]!.del(options.key);
    let conflicts = 0;
    const started = performance.now();
    await Promise.all(
      clients.map(async (redis) => {
        for (let i = 0; i < rounds; i++) {
          options.signal?.throwIfAborted();
          if (strategy === 'incr') await redis.incr(options.key);
          else if (strategy === 'naive') await naiveUpdate(redis, options.key, plusOne, options);
          else {
            const { attempts } = await optimisticUpdate(redis, options.key, plusOne, {
              ...options,
              maxRetries: 10_000,
            });
            conflicts += attempts - 1;
          }
        }
      }),
    );
    const elapsedMs = performance.now() - started;
    const final = Number((await clients[0]!.get(options.key)) ?? 0);
    const expected = options.incrementers * rounds;
    await clients[0]!.del(options.key);
    return {
      strategy,
      expected,
      final,
      lostUpdates: expected - final,
      conflicts,
      retriesPerSuccess: conflicts / expected,
      elapsedMs,
      incrementsPerSecond: expected / (elapsedMs / 1000),
    };
  } finally {
    await Promise.all(clients.map((c) => c.quit().catch(() => c.disconnect())));
  }
}

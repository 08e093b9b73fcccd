import { setTimeout as sleep } from 'node:timers/promises';
import { Redis } from 'ioredis';
import { RedisLock } from './RedisLock.ts';

export interface CounterRaceOptions {
  url: string;
  keyPrefix: string;
  contenders: number;
  connections: number;
  /** Guard each read-modify-write with the lock, or not (the control). */
  locked: boolean;
  signal?: AbortSignal;
}

/** `contenders` concurrent GET → 2 ms of work → SET+1 on one counter; returns the final count. */
export async function runCounterRace(
  options: CounterRaceOptions,
): Promise<{ final: number; elapsedMs: number }> {
  const clients = Array.from({ length: options.connections }, () => new Redis(options.url));
  const key = `${options.keyPrefix}counter`;
  try {
    await clients[0]!.set(key, 0);
    const locks = clients.map(
      (redis) =>
        new RedisLock({
          redis,
          keyPrefix: `${options.keyPrefix}lock:`,
          ttlMs: 5_000,
          retryDelayMs: 5,
          retryJitterMs: 10,
        }),
    );
    const increment = async (client: Redis) => {
      const value = Number(await client.get(key));
      await sleep(2);
      await client.set(key, value + 1);
    };
    const started = performance.now();
    await Promise.all(
      Array.from({ length: options.contenders }, (_, i) => {
        const client = clients[i % clients.length]!;
        return options.locked
          ? locks[i % locks.length]!.withLock('counter', () => increment(client), { signal: options.signal })
          : increment(client);
      }),
    );
    const elapsedMs = performance.now() - started;
    const final = Number(await clients[0]!.get(key));
    await clients[0]!.del(key, `${options.keyPrefix}lock:counter`, `${options.keyPrefix}lock:counter:fence`);
    return { final, elapsedMs };
  } finally {
    await Promise.all(clients.map((c) => c.quit().catch(() => c.disconnect())));
  }
}
